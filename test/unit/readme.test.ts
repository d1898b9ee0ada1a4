import { readFileSync } from 'node:fs';
import { cell, withReference } from '../../src/commands/reference';
import { VERBS } from '../../src/verbs';

describe('the README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('lists every command with an example, as the code defines them (npm run docs)', () => {
    expect(readme).toBe(withReference(readme, VERBS));
    for (const verb of VERBS) expect(readme).toContain(cell(`/ecs ${verb.usage}`));
  });

  it('shows the two set-up commands and documents every environment variable the code reads', () => {
    expect(readme).toMatch(/npm ci && npm start/);
    expect(readme).toMatch(/npm test/);
    const envSource = readFileSync('src/entry/env.ts', 'utf8');
    const names = [...envSource.matchAll(/^\s+([A-Z][A-Z0-9_]+): z\./gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(readme).toContain(`\`${name}\``);
  });
});
