/**
 * Splits command text into words the way a shell would, with the quirks of Slack text:
 * Slack escapes &, < and > as entities and may turn quotes into typographic ones.
 * Written by hand because shell-quote style libraries treat `$`, `>` or `|` as operators,
 * which are ordinary characters in an ECS stop reason.
 */
export function tokenize(text: string): string[] {
  const clean = text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u2013\u2014]/g, '--'); // Slack's autocorrect turns -- into an en/em dash
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;
  for (const ch of clean) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (inToken) tokens.push(current);
  return tokens;
}
