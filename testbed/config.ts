import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load';
import { type Config } from '../src/config/schema';
import { roleArn } from './accounts';

/** Slack users of the tests, and the user groups that put them in teams. */
export const USERS = {
  alice: 'U0ALICE', // team web (user group S0WEB): operate on prod and staging
  bob: 'U0BOB', // team platform (user group S0PLATFORM): admin everywhere, approver
  rita: 'U0RITA', // team readers: read on prod
  carol: 'U0CAROL', // team web too (by user id): a second operator
  nobody: 'U0NOBODY', // in no team
} as const;

export const USERGROUPS: Record<string, string[]> = {
  S0WEB: [USERS.alice],
  S0PLATFORM: [USERS.bob],
};

export const CHANNELS = { web: 'C0WEB', ops: 'C0OPS', alerts: 'C0ALERTS' } as const;

export function testConfigYaml(): string {
  const roles = (c: string) =>
    `{ read: ${roleArn(c, 'read')}, operate: ${roleArn(c, 'operate')}, admin: ${roleArn(c, 'admin')} }`;
  return `
clusters:
  prod:
    name: prod
    region: us-east-1
    roles: ${roles('prod')}
    notify: { channel: ${CHANNELS.alerts} }
    # What prod owns in the shared account (the fixtures' families, repositories and registries).
    # Some fixtures run web-fixed in prod's services too, so prod and staging both name it (shared).
    taskDefinitionFamilies: [web, api, migrate, hog, worker, shop, legacy, pair, solo, broken, nope, cron, web-fixed]
    repositories: [web, worker, busy, "team/*"]
    imageRegistries: [docker.io]
  staging:
    name: staging
    region: us-east-1
    roles: ${roles('staging')}
    taskDefinitionFamilies: [web-fixed]
teams:
  web:
    usergroups: [S0WEB]
    users: [${USERS.carol}]
    access: { prod: operate, staging: operate }
  readers:
    users: [${USERS.rita}]
    access: { prod: read }
  platform:
    usergroups: [S0PLATFORM]
    access: { "*": admin }
channels:
  ${CHANNELS.web}: { cluster: prod }
approvals:
  approvers: [platform]
  expires: 30m
`;
}

export function testConfig(yaml = testConfigYaml()): Config {
  return parseConfig(yaml, 'test config');
}

export function writeConfigFile(yaml = testConfigYaml()): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-chatops-'));
  // Tests start what they need and clean up after themselves: the folder goes when the test process ends.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'chatops.yaml');
  writeFileSync(path, yaml);
  return path;
}
