/**
 * Checks that text on its way to Slack holds no control sequence (`<…>`) but the ones the bot
 * writes itself: a mention of a user it means (`<@U…>`), a channel of the config (`<#C…>`), a
 * date (`<!date^…|…>`) and a link to the AWS console. Anything else — `<!channel>`, `<!here>`,
 * `<!everyone>`, `<!subteam^…>`, `<@U…>` of someone else, `<https://x.example|y>` — can only have
 * come from data that was not escaped.
 */
export interface Trusted {
  users?: readonly string[];
  channels?: readonly string[];
}

const DATE = /^<!date\^\d+\^[^|<>]*\|[0-9A-Za-z :-]+>$/;
const CONSOLE_LINK = /^<https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/[^|<>\s]*\|[^<>]*>$/;

/** The control sequences in one mrkdwn string that the bot did not mean to write. */
export function foreignControls(text: string, trusted: Trusted = {}): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/<[^>]*>?/g)) {
    const seq = m[0];
    const user = /^<@([UW][A-Z0-9]+)>$/.exec(seq);
    const channel = /^<#([CGD][A-Z0-9]+)>$/.exec(seq);
    if (user && trusted.users?.includes(user[1]!)) continue;
    if (channel && trusted.channels?.includes(channel[1]!)) continue;
    if (DATE.test(seq) || CONSOLE_LINK.test(seq)) continue;
    found.push(seq);
  }
  return found;
}

/** Every mrkdwn string of a message: its fallback text and each mrkdwn text object, however deep (confirm dialogs too). */
export function mrkdwnTexts(message: { text?: string; blocks?: unknown }): string[] {
  const texts = message.text !== undefined ? [message.text] : [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') texts.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(message.blocks);
  return texts;
}

/** The foreign control sequences of a whole message, each with where it was. */
export function foreignControlsIn(message: { text?: string; blocks?: unknown }, trusted: Trusted = {}): string[] {
  return mrkdwnTexts(message).flatMap((text) =>
    foreignControls(text, trusted).map((seq) => `${seq} in ${JSON.stringify(text.slice(0, 200))}`),
  );
}

/** Hostile strings an AWS resource or a user can carry: each would ping, or disguise a link, if not escaped. */
export const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0EVIL>',
  '<#C0EVIL>',
  '<!subteam^S0EVIL>',
  '<https://x.example|y>',
  '<mailto:a@x.example|support>',
] as const;
