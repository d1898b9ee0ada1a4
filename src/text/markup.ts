/**
 * The plain form of our own mrkdwn, for a message's fallback `text` (notifications and screen
 * readers show it): a Slack date becomes its fallback words and bold marks go; code marks go too,
 * unless `keepCode` (a command to copy reads better with its backticks). User mentions and escapes
 * stay, since Slack reads them in the fallback too.
 */
export function stripMarkup(text: string, { keepCode = false }: { keepCode?: boolean } = {}): string {
  return text.replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1').replace(keepCode ? /\*/g : /[*`]/g, '');
}
