/**
 * The plain form of our own mrkdwn, for a message's fallback `text` (notifications and screen
 * readers show it): a Slack date becomes its fallback words, bold and code marks go; user
 * mentions and escapes stay, since Slack reads them in the fallback too.
 */
export function stripMarkup(text: string): string {
  return text.replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1').replace(/[*`]/g, '');
}
