// `npm run package [-- serverless options]`: builds dist/ (scripts/build.mjs), then runs
// `serverless package` (osls: no login, no AWS call) into .serverless/.
//
// The deployed config file is serverless.yml's `config` parameter, config/chatops.yaml by
// default. Where that file does not exist (CI, a fresh clone) and no `--param=config=…` is
// given, this packages config/example.yaml instead and says so: the package is then a check of
// the packaging, not something to deploy.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function run(command, commandArgs) {
  const res = spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const hasConfigParam = args.some(
  (a, i) => /^--param=["']?config=/.test(a) || (a === '--param' && /^config=/.test(args[i + 1] ?? '')),
);
if (!hasConfigParam && !existsSync(join(ROOT, 'config/chatops.yaml'))) {
  console.log(
    'config/chatops.yaml does not exist: packaging config/example.yaml (a packaging check, not a deployable bot)',
  );
  args.push('--param=config=config/example.yaml');
}

run(process.execPath, [join(ROOT, 'scripts/build.mjs')]);
run(process.execPath, [join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package', ...args]);
