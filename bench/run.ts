/**
 * `npm run bench`: every benchmark in bench/, one JSON line per figure. This machine is noisy:
 * read medians, and compare ratios measured in the same run (docs/targets.md).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const only = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !['run.ts', 'report.ts'].includes(f))
    .filter((f) => !only || f.includes(only))
    .sort();
  for (const file of files) {
    process.stderr.write(`# ${file}\n`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- each bench module exports run()
    const mod = require(join(__dirname, file)) as { run?: () => Promise<void> };
    if (mod.run) await mod.run();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
