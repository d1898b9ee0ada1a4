import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORBIDDEN_IN_SLACK, inputsMatching, readMetafile } from '../../bench/bundle-size';

const ROOT = join(__dirname, '../..');

/** What esbuild put into each bundle (dist/<fn>.meta.json from scripts/build.mjs; npm test builds first). */
describe('the Lambda bundles', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/slack.meta.json')))
      throw new Error('dist/ is not built: run `npm run build` first (npm test does)');
  });

  it('the Slack function carries no ECS, EC2 or ECR client: it acks and hands the work on', () => {
    expect(inputsMatching(readMetafile('slack'), FORBIDDEN_IN_SLACK)).toEqual([]);
  });

  it("the Slack function carries neither Bolt's Express and OAuth nor Socket Mode, which a Lambda never uses", () => {
    expect(
      inputsMatching(readMetafile('slack'), /node_modules\/(express|@slack\/oauth|@slack\/socket-mode|undici)\//),
    ).toEqual([]);
    expect(
      inputsMatching(
        readMetafile('slack'),
        /@slack\/bolt\/dist\/receivers\/(HTTPReceiver|SocketModeReceiver|ExpressReceiver)\.js$/,
      ),
    ).toEqual([]);
  });

  it.each(['slack', 'worker', 'events'])(
    'no package is in the %s bundle twice (once as CommonJS, once as ES module)',
    (fn) => {
      if (!existsSync(join(ROOT, 'dist', `${fn}.meta.json`))) return;
      const forms = new Map<string, Set<string>>();
      for (const input of Object.keys(readMetafile(fn).inputs)) {
        const m =
          /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:(dist-es|dist-cjs|esm|cjs|es|lib\/esm|lib\/cjs|dist\/esm|dist\/cjs|dist\/es)\/)/.exec(
            input,
          );
        if (!m) continue;
        const kind = /es|esm/.test(m[2]!) && !/cjs/.test(m[2]!) ? 'esm' : 'cjs';
        forms.set(m[1]!, (forms.get(m[1]!) ?? new Set()).add(kind));
      }
      expect([...forms].filter(([, kinds]) => kinds.size > 1).map(([pkg]) => pkg)).toEqual([]);
    },
  );

  it('the events function carries no ECS, EC2 or ECR client either', () => {
    if (!existsSync(join(ROOT, 'dist/events.meta.json'))) return;
    expect(inputsMatching(readMetafile('events'), FORBIDDEN_IN_SLACK)).toEqual([]);
  });

  it('code in a Lambda bundle that imports a Bolt receiver the bundles leave out stops the build, instead of shipping undefined', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bolt-for-lambda-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        "import { App, HTTPReceiver } from '@slack/bolt';\nexport const both = [App, HTTPReceiver];\n",
      );
      const script = `
        import { build } from 'esbuild';
        import { buildOptions } from ${JSON.stringify(join(ROOT, 'scripts/build.mjs'))};
        await build({ ...buildOptions('slack'), entryPoints: [${JSON.stringify(entry)}], outfile: ${JSON.stringify(join(dir, 'out.js'))}, logLevel: 'silent', nodePaths: [${JSON.stringify(join(ROOT, 'node_modules'))}] })
          .then(() => console.log('built'), (e) => console.log(e.errors.map((x) => x.text).join('\\n')));
      `;
      const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
      expect(res.stdout).toMatch(/No matching export .* for import "HTTPReceiver"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
