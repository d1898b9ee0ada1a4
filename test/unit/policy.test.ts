import { accessFor, authorize, clustersWith, teamLevel } from '../../src/auth/policy';
import { resolveCluster } from '../../src/auth/resolve-cluster';
import { parseConfig } from '../../src/config/load';
import { CHANNELS, testConfig, testConfigYaml, USERS } from '../../testbed/config';

const config = testConfig();

describe('who may do what where', () => {
  it('a user in a team through a user group gets that team’s level', () => {
    const access = accessFor(config, USERS.alice, new Set(['S0WEB']), CHANNELS.web);
    expect(access.teams).toEqual(['web']);
    expect(access.clusters.prod!.level).toBe('operate');
    expect(authorize(config, access, 'prod', 'operate', 'scale')).toEqual({
      allowed: true,
      level: 'operate',
      team: 'web',
    });
  });

  it('a read-only user is refused operate, told the level needed and which teams could grant it', () => {
    const access = accessFor(config, USERS.rita, new Set(), CHANNELS.web);
    const decision = authorize(config, access, 'prod', 'operate', 'scale');
    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.reason).toMatch(
      /`scale` needs \*operate\* on \*prod\*, but you have \*read\* there \(team readers\)\. Teams that grant operate on prod: web, platform/,
    );
  });

  it('the highest level of any of the user’s teams wins, and "*" counts for every cluster', () => {
    const access = accessFor(config, USERS.alice, new Set(['S0WEB', 'S0PLATFORM']), CHANNELS.web);
    expect(access.clusters.prod!.level).toBe('admin');
    expect(access.clusters.staging!.level).toBe('admin');
  });

  it('a team restricted to some channels grants nothing elsewhere, and the refusal says where to go', () => {
    const restricted = parseConfig(
      testConfigYaml().replace('    usergroups: [S0WEB]', `    usergroups: [S0WEB]\n    channels: [${CHANNELS.web}]`),
    );
    const inWeb = accessFor(restricted, USERS.alice, new Set(['S0WEB']), CHANNELS.web);
    const inOps = accessFor(restricted, USERS.alice, new Set(['S0WEB']), CHANNELS.ops);
    expect(inWeb.clusters.prod!.level).toBe('operate');
    expect(inOps.clusters.prod!.level).toBeUndefined();
    const decision = authorize(restricted, inOps, 'prod', 'operate', 'scale');
    expect(!decision.allowed && decision.reason).toContain(`only in <#${CHANNELS.web}>`);
  });

  it('within one team a grant for the cluster beats "*", higher or lower; across teams the highest wins', () => {
    const mixed = parseConfig(
      testConfigYaml().replace(
        'teams:\n',
        `teams:\n  mostly:\n    users: [U0MAX, ${USERS.alice}]\n    access: { "*": operate, prod: read, staging: admin }\n`,
      ),
    );
    const max = accessFor(mixed, 'U0MAX', new Set(), CHANNELS.web);
    expect(max.clusters.prod!.level).toBe('read');
    expect(max.clusters.staging!.level).toBe('admin');
    expect(teamLevel({ '*': 'operate', prod: 'read' }, 'prod')).toBe('read');
    expect(teamLevel({ '*': 'read', prod: 'admin' }, 'prod')).toBe('admin');
    expect(teamLevel({ '*': 'operate' }, 'prod')).toBe('operate');
    // alice is in web too (operate on prod): the highest of her teams wins.
    expect(accessFor(mixed, USERS.alice, new Set(['S0WEB']), CHANNELS.web).clusters.prod!.level).toBe('operate');
    // A refusal names only the teams whose own grant reaches the level.
    const refusal = authorize(mixed, max, 'prod', 'operate', 'scale');
    expect(!refusal.allowed && refusal.reason).toContain('Teams that grant operate on prod: web, platform.');
  });

  it('a user in no team gets a polite refusal that tells them how to get access', () => {
    const access = accessFor(config, USERS.nobody, new Set(), CHANNELS.web);
    const decision = authorize(config, access, 'prod', 'read', 'services');
    expect(!decision.allowed && decision.reason).toMatch(/^Sorry, you're not in any team/);
  });
});

describe('which cluster a command is about', () => {
  const alice = accessFor(config, USERS.alice, new Set(['S0WEB']), CHANNELS.ops);
  const rita = accessFor(config, USERS.rita, new Set(), CHANNELS.ops);

  it('--cluster wins, by alias or by the ECS name', () => {
    expect(resolveCluster(config, alice, CHANNELS.web, 'staging')).toEqual({ ok: true, alias: 'staging', how: 'flag' });
  });

  it('without --cluster the channel’s default is used', () => {
    expect(resolveCluster(config, alice, CHANNELS.web, undefined)).toEqual({ ok: true, alias: 'prod', how: 'channel' });
  });

  it('else the user’s only cluster', () => {
    expect(resolveCluster(config, rita, CHANNELS.ops, undefined)).toEqual({ ok: true, alias: 'prod', how: 'only' });
  });

  it('else a reply listing the choices', () => {
    const choice = resolveCluster(config, alice, CHANNELS.ops, undefined);
    expect(!choice.ok && choice.message).toMatch(/Which cluster\?.*`prod`, `staging`.*--cluster NAME/);
  });

  it('a misspelt cluster gets "did you mean"', () => {
    const choice = resolveCluster(config, alice, CHANNELS.ops, 'prdo');
    expect(!choice.ok && choice.message).toMatch(/no cluster called `prdo`.*Did you mean `prod`\?/);
  });

  it('someone in no team gets no "did you mean" and no cluster names, only how to get access', () => {
    const nobody = accessFor(config, USERS.nobody, new Set(), CHANNELS.ops);
    const choice = resolveCluster(config, nobody, CHANNELS.ops, 'prdo');
    expect(!choice.ok && choice.message).toMatch(/^Sorry, you're not in any team/);
    expect(!choice.ok && choice.message).not.toMatch(/prod|staging|Did you mean/);
  });

  it('"did you mean" suggests only clusters the user can use here', () => {
    const choice = resolveCluster(config, rita, CHANNELS.ops, 'stagign');
    expect(!choice.ok && choice.message).not.toContain('Did you mean');
  });

  it('clustersWith lists only clusters at the level asked', () => {
    expect(clustersWith(alice, 'operate')).toEqual(['prod', 'staging']);
    expect(clustersWith(rita, 'operate')).toEqual([]);
  });
});
