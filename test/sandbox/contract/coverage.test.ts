import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The contract tests are only a guard if they keep up with the bot: every AWS operation the bot
 * sends to a service the sandbox simulates (ECS, ECR, EC2, CloudWatch Logs, STS) must be sent by a
 * contract test here too, so a call added to src/ without one fails this test instead of leaning
 * on whatever the sandbox happens to answer.
 */
const ROOT = join(__dirname, '..', '..', '..');
const SIMULATED_CLIENT = /@aws-sdk\/client-(ecs|ecr|ec2|cloudwatch-logs|sts|elastic-load-balancing-v2)\b/;
/** `new XCommand(` or `new m.XCommand(` (a lazily loaded client), and the SDK's `paginateX(`. */
const OPERATION = /new (?:\w+\.)?([A-Z]\w*)Command\(|\bpaginate([A-Z]\w*)\(/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

function operations(text: string): Set<string> {
  return new Set([...text.matchAll(OPERATION)].map((m) => (m[1] ?? m[2])!));
}

describe('the contract tests cover the bot', () => {
  it('every operation the bot sends to a simulated AWS service is sent by a contract test', () => {
    const sent = new Map<string, string>();
    for (const file of tsFiles(join(ROOT, 'src')).filter((f) => !f.includes(join('src', 'sandbox')))) {
      const text = readFileSync(file, 'utf8');
      if (!SIMULATED_CLIENT.test(text)) continue;
      for (const op of operations(text)) if (!sent.has(op)) sent.set(op, relative(ROOT, file));
    }
    const contract = new Set(
      tsFiles(__dirname)
        .filter((f) => f.endsWith('.contract.test.ts'))
        .flatMap((f) => [...operations(readFileSync(f, 'utf8'))]),
    );

    // The scan itself works: calls of every kind (plain, lazily loaded client, paginator) are found.
    expect([...sent.keys()]).toEqual(
      expect.arrayContaining(['DeleteCluster', 'TerminateInstances', 'GetLogEvents', 'ListImages', 'AssumeRole']),
    );
    const uncovered = [...sent].filter(([op]) => !contract.has(op)).map(([op, file]) => `${op} (${file})`);
    expect(uncovered).toEqual([]);
  });
});
