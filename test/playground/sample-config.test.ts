import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load';
import { demoAccount } from '../../src/sandbox';
import { directoryFromConfig } from '../../src/playground/people';
import { applyScenario, loadScenario, scenarioNames } from '../../src/playground/scenario';
import { parsePlaygroundFlags } from '../../src/playground/flags';

/** What the playground starts from: its config, its people and channels, its scenarios, its flags. */

const ROOT = join(__dirname, '..', '..');

describe('config/playground.yaml', () => {
  const config = loadConfigFile(join(ROOT, 'config', 'playground.yaml'));

  it('names only clusters and roles that the demo account has, so every command can assume its role', () => {
    const account = demoAccount({ fargate: true }); // as the playground starts it
    const roles = new Set(account.roles.map((r) => r.arn));

    expect(
      Object.values(config.clusters)
        .map((c) => c.name)
        .sort(),
    ).toEqual(account.clusters.map((c) => c.name).sort());
    for (const cluster of Object.values(config.clusters)) {
      for (const arn of Object.values(cluster.roles)) expect(roles).toContain(arn);
    }
  });

  it('has alice (web: operate on demo-prod, admin on demo-staging), bob (platform: admin everywhere, approves) and carol (read), in #web and #alerts', () => {
    const directory = directoryFromConfig(config);

    expect(directory.people.map((p) => `${p.name}:${p.teams.join(',')}`)).toEqual([
      'alice:web',
      'bob:platform',
      'carol:readers',
    ]);
    expect(config.teams.web!.access).toEqual({ 'demo-prod': 'operate', 'demo-staging': 'admin' });
    expect(config.teams.platform!.access).toEqual({ '*': 'admin' });
    expect(config.approvals.approvers).toEqual(['platform']);
    expect(directory.channel('#web')).toMatchObject({ id: 'C0WEB', defaultCluster: 'demo-prod' });
    expect(directory.channel('alerts')).toMatchObject({ id: 'C0ALERTS', notificationsOf: ['demo-prod'] });
  });
});

describe('people and channels', () => {
  it('are named from their ids (U0ALICE is @alice, C0WEB is #web); other ids are their own names', () => {
    const directory = directoryFromConfig(loadConfigFile(join(ROOT, 'config', 'example.yaml')));

    expect(directory.person('@alice')?.id).toBe('U0ALICE');
    expect(directory.channel('#prodalerts')?.id).toBe('C0PRODALERTS');
    expect(directory.userName('U0ALICE')).toBe('alice');
    expect(directory.usergroups).toEqual(['S0WEB', 'S0PLATFORM']);
  });
});

describe('scenarios', () => {
  it('are the YAML files in scenarios/', () => {
    expect(scenarioNames()).toEqual(['calm', 'crashloop', 'demo', 'spot']);
  });

  it('demo keeps the account as it is; calm takes its crashes away; crashloop makes the worker crash within a minute of starting', () => {
    const account = demoAccount();

    expect(applyScenario(account, loadScenario('demo'))).toBe(account);
    expect(applyScenario(account, loadScenario('calm')).behaviours).toEqual({});
    expect(applyScenario(account, loadScenario('crashloop')).behaviours).toEqual({
      worker: {
        crash: {
          afterMs: 20_000,
          jitterMs: 20_000,
          exitCode: 137,
          reason: 'OutOfMemoryError: Container killed due to memory usage',
        },
      },
    });
  });

  it('a scenario may say how a family answers SIGTERM when ECS stops its tasks', () => {
    expect(loadScenario(join(__dirname, 'fixtures', 'slow-stop-scenario.yaml')).behaviours).toEqual({
      worker: { sigterm: { response: 'handles', shutdownMs: 45_000 } },
    });
  });

  it('a scenario file with a mistake is refused with the key that is wrong', () => {
    expect(() => loadScenario(join(__dirname, 'fixtures', 'bad-scenario.yaml'))).toThrow(
      /behaviours\.worker\.crash\.after/,
    );
  });
});

describe('flags', () => {
  it('are read as given, and colour is on unless --no-color', () => {
    expect(
      parsePlaygroundFlags([
        '--config',
        'my.yaml',
        '--scenario',
        'calm',
        '--speed',
        '30',
        '--user',
        'bob',
        '--channel',
        '#alerts',
        '--no-color',
      ]),
    ).toEqual({
      help: false,
      config: 'my.yaml',
      scenario: 'calm',
      speed: 30,
      user: 'bob',
      channel: '#alerts',
      colour: false,
    });
    expect(parsePlaygroundFlags([])).toEqual({ help: false, colour: true });
  });

  it('a speed that is not a positive number is refused', () => {
    expect(() => parsePlaygroundFlags(['--speed', 'fast'])).toThrow('--speed must be a number above 0');
    expect(() => parsePlaygroundFlags(['--speed', '0'])).toThrow('--speed must be a number above 0');
  });
});
