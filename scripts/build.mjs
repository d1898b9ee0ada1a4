// Bundles one file per Lambda function under dist/ (architecture.md § Contracts): CommonJS
// (Bolt is CommonJS), minified, each with its own AWS SDK and only what it imports.
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const functions = {
  slack: 'src/entry/slack-lambda.ts',
  worker: 'src/entry/worker-lambda.ts',
  events: 'src/entry/events-lambda.ts',
};

mkdirSync('dist', { recursive: true });
const sizes = {};
for (const [name, entry] of Object.entries(functions)) {
  if (!existsSync(entry)) {
    console.log(`skip ${name}: ${entry} does not exist yet`);
    continue;
  }
  const result = await build({
    entryPoints: [entry],
    outfile: `dist/${name}.js`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    logOverride: { 'unsupported-require-call': 'silent' },
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  sizes[name] = bytes;
  writeFileSync(`dist/${name}.meta.json`, JSON.stringify(result.metafile));
  console.log(`dist/${name}.js ${(bytes / 1024).toFixed(0)} KiB`);
}
writeFileSync('dist/sizes.json', JSON.stringify(sizes, null, 2));
