/**
 * Size of each Lambda bundle (docs/targets.md): bytes as built (minified, no source maps) and gzipped
 * (roughly what the deployment zip holds), and the biggest packages in it, from esbuild's
 * metafile (dist/<fn>.meta.json, written by scripts/build.mjs). Fails if the Slack function's
 * bundle holds an ECS, EC2 or ECR client: that function only acks, it never calls them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { report } from './report';

const ROOT = join(__dirname, '..');
const FUNCTIONS = ['slack', 'worker', 'events'] as const;

/** AWS SDK clients the Slack function must not carry. */
export const FORBIDDEN_IN_SLACK = /node_modules\/@aws-sdk\/client-(ecs|ec2|ecr)\//;

interface Metafile {
  inputs: Record<string, { bytes: number; imports: { path: string; kind: string }[] }>;
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

export function readMetafile(fn: string): Metafile {
  return JSON.parse(readFileSync(join(ROOT, 'dist', `${fn}.meta.json`), 'utf8')) as Metafile;
}

/** Bytes in the output per npm package (`(src)` for our own code), biggest first. */
export function packageSizes(meta: Metafile): [string, number][] {
  const sizes = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(src)';
      sizes.set(pkg, (sizes.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

export function inputsMatching(meta: Metafile, pattern: RegExp): string[] {
  return Object.keys(meta.inputs).filter((input) => pattern.test(input));
}

export async function run(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/slack.meta.json')))
    spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  for (const fn of FUNCTIONS) {
    const file = join(ROOT, 'dist', `${fn}.js`);
    if (!existsSync(file)) {
      report(`bundle.${fn}.bytes`, NaN, 'bytes', { skipped: `dist/${fn}.js is not built` });
      continue;
    }
    const code = readFileSync(file);
    const meta = readMetafile(fn);
    const top = packageSizes(meta)
      .slice(0, 6)
      .map(([pkg, bytes]) => `${pkg} ${Math.round(bytes / 1024)}K`);
    report(`bundle.${fn}.bytes`, code.length, 'bytes', {
      kib: Math.round(code.length / 1024),
      biggest: top.join(', '),
    });
    report(`bundle.${fn}.gzipBytes`, gzipSync(code).length, 'bytes');
  }
  const forbidden = inputsMatching(readMetafile('slack'), FORBIDDEN_IN_SLACK);
  report('bundle.slack.ecsEc2EcrInputs', forbidden.length, 'files', { target: 0 });
  if (forbidden.length > 0)
    throw new Error(`dist/slack.js carries ECS/EC2/ECR clients: ${forbidden.slice(0, 3).join(', ')}`);
}
