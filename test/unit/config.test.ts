import { readFileSync } from 'node:fs';
import { parseConfig, configJsonSchema } from '../../src/config/load';
import { ConfigError } from '../../src/errors';
import { testConfigYaml } from '../../testbed/config';

describe('the config file', () => {
  it('accepts the documented example and fills in defaults', () => {
    const config = parseConfig(testConfigYaml());
    expect(Object.keys(config.clusters)).toEqual(['prod', 'staging']);
    expect(config.approvals.expires).toBe(30 * 60_000);
    expect(config.approvals.verbs).toContain('teardown');
    expect(config.teams.readers!.usergroups).toEqual([]);
  });

  it('a bad role ARN fails at start-up with the path of the key and what was expected', () => {
    const yaml = testConfigYaml().replace(
      'roles: { read: arn:aws:iam::111111111111:role/chatops-prod-read',
      'roles: { read: not-an-arn',
    );
    expect(() => parseConfig(yaml, 'chatops.yaml')).toThrow(ConfigError);
    expect(() => parseConfig(yaml, 'chatops.yaml')).toThrow(/clusters\.prod\.roles\.read: expected an IAM role ARN/);
  });

  it('a role in another account than the cluster’s is refused with the key that says so', () => {
    const yaml = testConfigYaml().replace(
      'operate: arn:aws:iam::111111111111:role/chatops-prod-operate',
      'operate: arn:aws:iam::222222222222:role/chatops-prod-operate',
    );
    expect(() => parseConfig(yaml)).toThrow(
      /clusters\.prod\.roles\.operate: is in account 222222222222, but the cluster is in account 111111111111/,
    );
  });

  it('an explicit cluster account must be the account of its roles', () => {
    const yaml = testConfigYaml().replace(
      '  prod:\n    name: prod',
      '  prod:\n    account: "222222222222"\n    name: prod',
    );
    expect(() => parseConfig(yaml)).toThrow(
      /clusters\.prod\.roles\.read: is in account 111111111111, but the cluster is in account 222222222222/,
    );
  });

  it('a team granting access to an unknown cluster is named with the clusters that exist', () => {
    const yaml = testConfigYaml().replace('access: { prod: read }', 'access: { prdo: read }');
    expect(() => parseConfig(yaml)).toThrow(
      /teams\.readers\.access\.prdo: unknown cluster "prdo"; known: prod, staging/,
    );
  });

  it('an unknown key is refused rather than silently ignored', () => {
    const yaml = testConfigYaml().replace('  prod:\n    name: prod', '  prod:\n    nmae: prod\n    name: prod');
    expect(() => parseConfig(yaml)).toThrow(/clusters\.prod: Unrecognized key: "nmae"/);
  });

  it('a bad expiry duration says what a duration looks like', () => {
    const yaml = testConfigYaml().replace('expires: 30m', 'expires: half an hour');
    expect(() => parseConfig(yaml)).toThrow(/approvals\.expires: expected a duration like "30m"/);
  });

  it('YAML that does not parse names the line', () => {
    expect(() => parseConfig('clusters:\n  prod: [unclosed\n', 'x.yaml')).toThrow(/x\.yaml: not valid YAML at line/);
  });

  it('exports a JSON Schema that editors can use', () => {
    const schema = configJsonSchema() as { type?: string; properties?: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining(['clusters', 'teams', 'channels', 'approvals']),
    );
  });
});

describe('the files shipped with the project', () => {
  it('config/example.yaml is valid', () => {
    expect(() => parseConfig(readFileSync('config/example.yaml', 'utf8'), 'config/example.yaml')).not.toThrow();
  });

  it('config/schema.json is up to date with the zod schema (npm run config-schema)', () => {
    expect(JSON.parse(readFileSync('config/schema.json', 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(configJsonSchema())),
    );
  });
});
