/**
 * The first `max` UTF-16 code units of `text`, one fewer when the cut would fall inside a
 * surrogate pair: half an emoji is not valid Unicode, and Slack and AWS refuse or mangle it.
 * Every place that bounds a string by length (Slack's limits, AWS's 255-character reasons) cuts
 * with this.
 */
export function sliceWhole(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
