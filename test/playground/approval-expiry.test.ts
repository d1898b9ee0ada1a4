import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlaygroundProcess } from './playground-process';

jest.setTimeout(120_000);

/**
 * Expired approval requests lose their buttons when simulated time moves past their deadline, as
 * the events function's one-minute sweep does on Lambda: nobody has to click first.
 */
describe('the playground sweeps expired approval requests as simulated time passes', () => {
  let pg: PlaygroundProcess;
  beforeAll(async () => {
    // The demo config, with requests that expire after 2 minutes instead of a day.
    const config = readFileSync(join(__dirname, '..', '..', 'config', 'playground.yaml'), 'utf8').replace(
      /expires: \S+/,
      'expires: 2m',
    );
    const path = join(mkdtempSync(join(tmpdir(), 'ecs-chatops-')), 'playground.yaml');
    writeFileSync(path, config);
    pg = await PlaygroundProcess.start(['--config', path]);
  });
  afterAll(() => pg?.kill());

  it('a teardown request nobody decides on turns into "Expired … Nothing was changed" with no Approve button once its time has passed', async () => {
    const asked = await pg.say('/ecs teardown demo-staging');
    expect(asked).toMatch(/\[\d+\] Approve…/);

    const later = await pg.say('/wait 3m');

    expect(later).toMatch(/↻ updated\n {2}Teardown of demo-staging/);
    expect(later).toMatch(/Expired today at \d\d:\d\d UTC without a decision\. Nothing was changed\./);
    expect(later).not.toContain('Approve…');
  });
});
