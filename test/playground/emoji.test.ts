import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mrkdwn, type MrkdwnContext } from '../../src/playground/render/mrkdwn';
import { awsText } from '../../src/slack/message';

/**
 * What the playground shows for the emoji codes the bot writes, and for the ARNs that look like
 * they contain one (`arn:aws:…`).
 */

const ctx: MrkdwnContext = { userName: () => undefined, channelName: () => undefined, now: () => 0 };
const shown = (text: string) =>
  mrkdwn(text, ctx)
    .map((s) => s.text)
    .join('');

const SRC = join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `:name:` written in the bot's code (string literals, not comments), e.g. ':warning:' or `:sparkles: ${text}`. */
function emojiCodesInSource(): string[] {
  const codes = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    if (file.includes(join('playground', 'render'))) continue;
    const code = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n');
    for (const m of code.matchAll(/(?<=['"`\s(])(:[a-z0-9_+-]+:)(?=[\s'"`])/g)) codes.add(m[1]!);
  }
  return [...codes].sort();
}

describe('emoji in the playground', () => {
  const codes = emojiCodesInSource();

  it('finds the emoji codes the bot uses (the scan itself works)', () => {
    expect(codes).toEqual(expect.arrayContaining([':warning:', ':white_check_mark:', ':sparkles:', ':x:']));
  });

  it.each(codes)('%s, which the bot writes, is shown as an emoji and not as its code', (code) => {
    expect(shown(`${code} web scaled`)).not.toContain(code);
  });

  it('never turns the :aws: of an ARN into an emoji, in text or in a code span', () => {
    const arn = 'arn:aws:sts::111111111111:assumed-role/chatops-demo-prod-read/slack-U0ALICE';

    expect(shown(`denied to ${arn}.`)).toBe(`denied to ${arn}.`);
    expect(shown(`(\`${arn}\`)`)).toBe(`(${arn})`);
    expect(shown(':aws: but a bare code still is one')).not.toContain(':aws:');
  });

  it('puts every ARN of an AWS message in a code span, and escapes the rest', () => {
    const message =
      'User: arn:aws:sts::111111111111:assumed-role/r/s is not authorized to perform: ecs:CreateCluster on resource: arn:aws:ecs:us-east-1:111111111111:cluster/qa because <no> policy';

    expect(awsText(message)).toBe(
      'User: `arn:aws:sts::111111111111:assumed-role/r/s` is not authorized to perform: ecs:CreateCluster on resource: `arn:aws:ecs:us-east-1:111111111111:cluster/qa` because &lt;no&gt; policy',
    );
  });
});
