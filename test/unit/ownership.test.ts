import fc from 'fast-check';
import {
  clustersSharingHome,
  familyNeedsLiveUse,
  familyOf,
  familyOwnership,
  imageOwnership,
  parseImage,
  repositoryOwnership,
  wildcardMatches,
} from '../../src/auth/ownership';
import { testConfig } from '../../testbed/config';

const role = (account: string, cluster: string) => `arn:aws:iam::${account}:role/chatops-${cluster}-read`;

/** prod and staging share account 111…; dev is in another account; eu is in another region. */
const config = testConfig(`
clusters:
  prod:
    name: prod
    region: us-east-1
    roles: { read: ${role('111111111111', 'prod')} }
    taskDefinitionFamilies: [api, "web-*"]
    repositories: ["team/*"]
    ecrRepositories: [prod-web]
  staging:
    name: staging
    region: us-east-1
    roles: { read: ${role('111111111111', 'staging')} }
    imageRegistries: [docker.io/library, "public.ecr.aws/*"]
  dev:
    name: dev
    region: us-east-1
    roles: { read: ${role('222222222222', 'dev')} }
    taskDefinitionFamilies: [worker]
  eu:
    name: eu
    region: eu-west-1
    roles: { read: ${role('111111111111', 'eu')} }
    taskDefinitionFamilies: [worker]
`);

describe('which cluster owns which family, repository and image (src/auth/ownership.ts)', () => {
  it('patterns use IAM wildcards: * any run of characters, ? one, everything else literally', () => {
    expect(wildcardMatches('web-*', 'web-api')).toBe(true);
    expect(wildcardMatches('web-*', 'web')).toBe(false);
    expect(wildcardMatches('team/*', 'team/a/b')).toBe(true);
    expect(wildcardMatches('web-?', 'web-1')).toBe(true);
    expect(wildcardMatches('a.b', 'axb')).toBe(false);
    expect(wildcardMatches('a+b(', 'a+b(')).toBe(true);
  });

  it('a pattern without wildcards matches exactly its own text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'ab.-_/+()[]{}^$|\\'.split('')) }),
        fc.string(),
        (pattern, name) => {
          expect(wildcardMatches(pattern, name)).toBe(pattern === name);
          expect(wildcardMatches(pattern, pattern)).toBe(true);
        },
      ),
    );
  });

  it('the clusters that share a home are those of the same account and region', () => {
    expect(clustersSharingHome(config, 'prod')).toEqual(['prod', 'staging']);
    expect(clustersSharingHome(config, 'dev')).toEqual(['dev']);
    expect(clustersSharingHome(config, 'eu')).toEqual(['eu']);
  });

  it('a family is named by FAMILY, FAMILY:REV or its ARN', () => {
    expect(familyOf('web')).toBe('web');
    expect(familyOf('web:3')).toBe('web');
    expect(familyOf('arn:aws:ecs:us-east-1:111111111111:task-definition/web:3')).toBe('web');
  });

  it('a cluster that lists families owns exactly what its patterns match, whatever it runs', () => {
    expect(familyOwnership(config, 'prod', 'web-api', 'run')).toEqual({ owned: true });
    expect(familyOwnership(config, 'prod', 'api', 'run')).toEqual({ owned: true });
    expect(familyOwnership(config, 'prod', 'worker', 'run', ['worker']).owned).toBe(false);
    expect(familyNeedsLiveUse(config, 'prod', 'worker')).toBe(false);
  });

  it('a cluster that lists none owns what it runs, unless another cluster of its account claims it', () => {
    expect(familyNeedsLiveUse(config, 'staging', 'batch')).toBe(true);
    expect(familyOwnership(config, 'staging', 'batch', 'run', ['batch'])).toEqual({ owned: true });
    expect(familyOwnership(config, 'staging', 'batch', 'run', []).owned).toBe(false);
    // prod claims web-* : staging's use does not make it staging's.
    expect(familyNeedsLiveUse(config, 'staging', 'web-api')).toBe(false);
    const refused = familyOwnership(config, 'staging', 'web-api', 'deploy --image', ['web-api']);
    expect(refused).toEqual({
      owned: false,
      refusal: expect.stringContaining('It belongs to *prod* (`clusters.prod.taskDefinitionFamilies`).'),
    });
    // Claims in another account or region are not this account's business.
    expect(familyNeedsLiveUse(config, 'staging', 'worker')).toBe(true);
  });

  it('a refusal names the verb, the owner, what the cluster owns, a close name and the key that grants it', () => {
    const refused = familyOwnership(config, 'prod', 'apu', 'run');
    expect(refused.owned).toBe(false);
    expect(!refused.owned && refused.refusal).toBe(
      '`apu` is not a task definition family of *prod*, so `run` may not use it there. Did you mean `api`? No cluster of this account claims it in the config. ' +
        "*prod* owns the families `clusters.prod.taskDefinitionFamilies` lists: `api`, `web-*`. If it should be prod's, add it to `clusters.prod.taskDefinitionFamilies` in the config. Nothing was changed.",
    );
  });

  it('repositories: ecrRepositories and repositories are owned, nothing else; a cluster with neither owns none', () => {
    expect(repositoryOwnership(config, 'prod', 'prod-web', 'images')).toEqual({ owned: true });
    expect(repositoryOwnership(config, 'prod', 'team/api', 'images')).toEqual({ owned: true });
    expect(repositoryOwnership(config, 'prod', 'other', 'images').owned).toBe(false);
    const refused = repositoryOwnership(config, 'staging', 'team/api', 'repo delete');
    expect(!refused.owned && refused.refusal).toContain('It belongs to *prod*');
    expect(!refused.owned && refused.refusal).toContain('*staging* owns no repository: the config gives it none.');
  });

  it.each([
    ['nginx', { registry: 'docker.io', path: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', path: 'library/nginx' }],
    ['example/api:2', { registry: 'docker.io', path: 'example/api' }],
    ['docker.io/library/nginx@sha256:abc', { registry: 'docker.io', path: 'library/nginx' }],
    ['localhost:5000/app:1', { registry: 'localhost:5000', path: 'app' }],
    ['public.ecr.aws/nginx/nginx:1.27', { registry: 'public.ecr.aws', path: 'nginx/nginx' }],
    [
      '111111111111.dkr.ecr.us-east-1.amazonaws.com/team/api:7',
      {
        registry: '111111111111.dkr.ecr.us-east-1.amazonaws.com',
        path: 'team/api',
        ecr: { account: '111111111111', region: 'us-east-1' },
      },
    ],
  ])('the image %s is read as Docker reads it', (uri, expected) => {
    expect(parseImage(uri)).toEqual(expected);
  });

  it("deploy --image: own account's ECR for owned repositories, listed registries part by part, nothing else", () => {
    const ecr = (repo: string) => `111111111111.dkr.ecr.us-east-1.amazonaws.com/${repo}:1`;
    expect(imageOwnership(config, 'prod', ecr('team/api'), 'deploy --image')).toEqual({ owned: true });
    expect(imageOwnership(config, 'prod', ecr('elsewhere'), 'deploy --image').owned).toBe(false);
    expect(imageOwnership(config, 'prod', 'nginx:1.27', 'deploy --image').owned).toBe(false);
    expect(imageOwnership(config, 'staging', 'nginx:1.27', 'deploy --image')).toEqual({ owned: true });
    expect(imageOwnership(config, 'staging', 'example/api:1', 'deploy --image').owned).toBe(false);
    expect(imageOwnership(config, 'staging', 'public.ecr.aws/nginx/nginx:1', 'deploy --image')).toEqual({
      owned: true,
    });
    // Another account's ECR is a foreign registry: not allowed unless listed.
    expect(
      imageOwnership(config, 'staging', '222222222222.dkr.ecr.us-east-1.amazonaws.com/x:1', 'deploy --image').owned,
    ).toBe(false);
    // A look-alike host is not the registry it imitates.
    expect(imageOwnership(config, 'staging', 'docker.io.evil.example/library/nginx:1', 'deploy --image').owned).toBe(
      false,
    );
  });

  it("a config in which teardown of one cluster would delete another's repository is refused, naming the key", () => {
    const yaml = (stagingAccount: string) => `
clusters:
  prod: { name: prod, region: us-east-1, roles: { read: ${role('111111111111', 'prod')} }, ecrRepositories: [web] }
  staging: { name: staging, region: us-east-1, roles: { read: ${role(stagingAccount, 'staging')} }, repositories: ["w*"] }
`;
    expect(() => testConfig(yaml('111111111111'))).toThrow(
      /clusters\.prod\.ecrRepositories\.0: "web" belongs to staging too \(same account and region\), and teardown of prod would delete it/,
    );
    // In another account the same name is another repository.
    expect(() => testConfig(yaml('222222222222'))).not.toThrow();
  });
});
