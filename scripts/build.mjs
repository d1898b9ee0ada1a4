// Bundles one file per Lambda function under dist/ (architecture.md § Contracts): CommonJS
// (Bolt is CommonJS), minified, each with its own AWS SDK and only what it imports. Writes
// dist/<fn>.meta.json (esbuild's metafile: bench/bundle-size.ts and test/deploy read it) and
// dist/sizes.json.
//
// Cold start is what Slack's 3-second deadline sees first, so two things here are about speed
// (bench/cold-start.ts measures them; docs/targets.md has the numbers):
//
// 1. `mainFields: ['module', 'main']`: prefer a package's ES module build. esbuild can drop the
//    unused exports of ES modules but not of CommonJS ones, and the AWS SDK ships both: its
//    dist-cjs file holds every command of a client, its dist-es files only what is imported.
//    The bundle stays CommonJS; only what goes into it changes. (esbuild's default for
//    platform 'node' is main first.) test/deploy/bundles.test.ts checks that no package lands
//    in a bundle twice (once as CommonJS, once as ES module).
//
// 2. The `boltForLambda` plugin. `require('@slack/bolt')` loads every receiver, and with them
//    Express (with mime-db, iconv-lite, qs…), Socket Mode (with undici and ws) and OAuth —
//    about half of Bolt's load time — although a Lambda function only ever uses App and
//    AwsLambdaReceiver. So, in these bundles only:
//    - `@slack/bolt` resolves to a two-line module exporting just App and AwsLambdaReceiver.
//      If code in a bundle imports anything else from '@slack/bolt' as a value, esbuild stops
//      with "No matching export": the build fails loudly, it never ships an `undefined`.
//      (Type-only imports vanish before bundling and are unaffected.)
//    - Inside Bolt's App.js, `./receivers/HTTPReceiver` and `./receivers/SocketModeReceiver`
//      become a class that throws when constructed. App.js constructs them only when no
//      `receiver` is passed (initReceiver) or `socketMode: true` is set; createApp (src/app.ts)
//      always passes a receiver and never sets socketMode, and the Lambda entries pass an
//      AwsLambdaReceiver. The one other use, `receiver instanceof SocketModeReceiver`, runs only
//      with socketMode: true, and would be false with a real class too.
//    Local runs (src/entry/local.ts, tsx) and tests use the real, whole Bolt.
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));

export const FUNCTIONS = {
  slack: 'src/entry/slack-lambda.ts',
  worker: 'src/entry/worker-lambda.ts',
  events: 'src/entry/events-lambda.ts',
};

const BOLT_DIST = dirname(require.resolve('@slack/bolt'));

/** See (2) above. */
const boltForLambda = {
  name: 'bolt-for-lambda',
  setup(b) {
    b.onResolve({ filter: /^@slack\/bolt$/ }, () => ({
      path: '@slack/bolt (App + AwsLambdaReceiver)',
      namespace: 'bolt-for-lambda',
    }));
    b.onLoad({ filter: /.*/, namespace: 'bolt-for-lambda' }, () => ({
      resolveDir: BOLT_DIST,
      loader: 'js',
      contents:
        "export { default as App } from './App.js';\nexport { default as AwsLambdaReceiver } from './receivers/AwsLambdaReceiver.js';\n",
    }));
    b.onResolve({ filter: /^\.\/receivers\/(HTTPReceiver|SocketModeReceiver)$/ }, (args) =>
      args.importer === join(BOLT_DIST, 'App.js')
        ? { path: args.path, namespace: 'bolt-receiver-not-bundled' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'bolt-receiver-not-bundled' }, (args) => ({
      loader: 'js',
      contents: `class NotBundled { constructor() { throw new Error(${JSON.stringify(`Bolt's ${args.path.slice('./receivers/'.length)} is not bundled in this Lambda function: pass a receiver to App`)}); } }\nmodule.exports = { __esModule: true, default: NotBundled };\n`,
    }));
  },
};

export function buildOptions(name) {
  return {
    entryPoints: [join(ROOT, FUNCTIONS[name])],
    outfile: join(ROOT, 'dist', `${name}.js`),
    bundle: true,
    platform: 'node',
    // Lambda runs nodejs22.x; this machine runs Node 20, and the bundles must run on both.
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    // The SDK's ES module build loads some Node built-ins lazily with `await import('node:http')`.
    // esbuild keeps a dynamic import of an external as it is, and a real import() inside a
    // CommonJS bundle fails wherever modules run in a vm (jest: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG).
    // Declaring dynamic import unsupported makes esbuild write `Promise.resolve().then(() => require(…))`:
    // the same lazy load, plain CommonJS.
    supported: { 'dynamic-import': false },
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // The AWS SDK and Powertools hold `require` calls esbuild cannot follow (optional modules
    // behind try/catch); they are never reached on Lambda.
    logOverride: { 'unsupported-require-call': 'silent' },
    plugins: [boltForLambda],
  };
}

async function main() {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const sizes = {};
  for (const name of Object.keys(FUNCTIONS)) {
    if (!existsSync(join(ROOT, FUNCTIONS[name]))) {
      console.log(`skip ${name}: ${FUNCTIONS[name]} does not exist yet`);
      continue;
    }
    const result = await build(buildOptions(name));
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    sizes[name] = bytes;
    writeFileSync(join(ROOT, 'dist', `${name}.meta.json`), JSON.stringify(result.metafile));
    console.log(`dist/${name}.js ${(bytes / 1024).toFixed(0)} KiB`);
  }
  writeFileSync(join(ROOT, 'dist', 'sizes.json'), JSON.stringify(sizes, null, 2));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
