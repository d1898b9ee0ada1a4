// serverless.yml zips dist/<fn>.js as they are; it does not build them. Packaging or deploying
// without them would ship functions without code, so this stops it first. serverless.yml reads
// it as ${file(./deploy/bundles-built.cjs)} when it packages; `npm run package` and
// `npm run deploy` build dist/ before that.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: serverless require()s this file */

const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');

const FUNCTIONS = ['slack', 'worker', 'events'];

module.exports = () => {
  const missing = FUNCTIONS.filter((fn) => !existsSync(join(__dirname, '..', 'dist', `${fn}.js`)));
  if (missing.length > 0) {
    throw new Error(
      `dist/${missing.join('.js, dist/')}.js missing: run \`npm run build\` first (\`npm run package\` and \`npm run deploy\` do)`,
    );
  }
  return Object.fromEntries(FUNCTIONS.map((fn) => [fn, statSync(join(__dirname, '..', 'dist', `${fn}.js`)).size]));
};
