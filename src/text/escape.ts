/**
 * THE escaping function: every string from AWS (names, reasons, events, log lines, images, tags)
 * or from a user (typed words, button values) goes through it before it becomes part of mrkdwn —
 * a block's text, a confirm dialog, a message's fallback `text`. Slack reads `&`, `<` and `>` as
 * control characters (https://docs.slack.dev/messaging/formatting-message-text#escaping): with them
 * escaped, no `<!channel>`, `<!here>`, `<@U…>`, `<#C…>`, `<!subteam^…>` or `<https://x|disguised
 * link>` can come out of data. Plain-text objects (headers, button labels) need no escaping.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text from AWS (an error message) for mrkdwn: escaped, with every ARN in a code span, so Slack
 * neither turns `:aws:` in `arn:aws:iam::…` into an emoji (a workspace may well have one by that
 * name) nor breaks the ARN at its colons.
 */
export function awsText(text: string): string {
  return escapeText(text).replace(/`?(arn:aws[a-z-]*:[^\s`'",;()]*[^\s`'",;().])`?/g, (_, arn: string) => `\`${arn}\``);
}
