import { startHarness, type Harness } from '../../testbed/harness';
import { ACCOUNT_ID, REGION, roleArn } from '../../testbed/accounts';
import { testConfig } from '../../testbed/config';
import { channelMessages, requestMessage, shown } from '../../testbed/approvals';
import type { AccountSeed, SandboxCall } from '../../src/sandbox';
import {
  DeregisterTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { DeleteRepositoryCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { assumeRole, clientConfig } from '../../testbed/sandbox';
import { deploymentMessages } from '../../testbed/deployments';

/**
 * Two clusters in one AWS account, each with its own services, task definition families and ECR
 * repositories. Task definitions and repositories belong to the account, so every verb that
 * names one must keep to the cluster's own (src/auth/ownership.ts).
 *
 * - prod names what it owns: families `web` and `migrate`, repository `prod/web`; no
 *   imageRegistries, so `deploy --image` takes only its own ECR.
 * - staging names nothing for families (it owns what its services and tasks run: `stg-web`,
 *   not `web`, which prod claims although staging's `legacy` service runs it), repositories
 *   `staging/*`, and may deploy Docker Hub's official images.
 * - alice is admin on staging only; bob is admin everywhere and approves.
 */
const ECR = `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com`;
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const ERIN = 'U0ERIN';
const STAGING_CHANNEL = 'C0STAGING';
const PROD_CHANNEL = 'C0PROD';

function twoClusterAccount(): AccountSeed {
  // Each cluster's roles scoped as deploy/cluster-roles.yaml scopes them, to its families and repositories.
  const owned = {
    prod: { taskDefinitionFamilies: ['web', 'migrate'], repositories: ['prod/*'] },
    staging: { taskDefinitionFamilies: ['stg-*'], repositories: ['staging/*'] },
  };
  const roles = (cluster: 'prod' | 'staging') =>
    (['read', 'operate', 'admin'] as const).map((level) => ({
      arn: roleArn(cluster, level),
      level,
      clusters: [cluster],
      ...owned[cluster],
    }));
  const family = (name: string, image: string) => ({
    family: name,
    containerDefinitions: [{ name: 'app', image, cpu: 128, memory: 128, essential: true }],
  });
  return {
    accountId: ACCOUNT_ID,
    region: REGION,
    roles: [...roles('prod'), ...roles('staging')],
    taskDefinitions: [
      family('web', `${ECR}/prod/web:1`),
      family('migrate', `${ECR}/prod/web:1`),
      family('stg-web', `${ECR}/staging/web:1`),
      family('stg-batch', `${ECR}/staging/web:1`),
    ],
    clusters: [
      {
        name: 'prod',
        instances: [{ instanceType: 't3.large' }],
        services: [{ name: 'web', taskDefinition: 'web', desiredCount: 1 }],
      },
      {
        name: 'staging',
        instances: [{ instanceType: 't3.large' }],
        services: [
          { name: 'web', taskDefinition: 'stg-web', desiredCount: 1 },
          // Runs prod's family: use does not make it staging's while prod's config claims it.
          { name: 'legacy', taskDefinition: 'web', desiredCount: 1 },
        ],
      },
    ],
    services: {
      ecr: {
        repositories: [
          { name: 'prod/web', images: [{ tags: ['1'] }, { tags: ['2'] }] },
          { name: 'staging/web', images: [{ tags: ['1'] }, { tags: ['2'] }] },
        ],
      },
    },
  };
}

function twoClusterConfig(prodFamilies = '[web, migrate]') {
  const roles = (c: string) =>
    `{ read: ${roleArn(c, 'read')}, operate: ${roleArn(c, 'operate')}, admin: ${roleArn(c, 'admin')} }`;
  return testConfig(`
clusters:
  prod:
    name: prod
    region: ${REGION}
    roles: ${roles('prod')}
    taskDefinitionFamilies: ${prodFamilies}
    repositories: [prod/web]
  staging:
    name: staging
    region: ${REGION}
    roles: ${roles('staging')}
    repositories: ["staging/*"]
    imageRegistries: [docker.io/library]
teams:
  stagers:
    users: [${ALICE}]
    access: { staging: admin }
  platform:
    users: [${BOB}, ${ERIN}]
    access: { "*": admin }
channels:
  ${STAGING_CHANNEL}: { cluster: staging }
  ${PROD_CHANNEL}: { cluster: prod }
approvals:
  approvers: [platform]
`);
}

/** Anything but a read: what a refused command must never have called, even unsuccessfully. */
const READ_ONLY = /^(Describe|List|Get|BatchGet|AssumeRole$|GetCallerIdentity$)/;
const attemptedChanges = (calls: readonly SandboxCall[]) =>
  calls.filter((c) => !READ_ONLY.test(c.action)).map((c) => `${c.service}:${c.action}`);

describe('two clusters in one account: each keeps to its own task definition families, repositories and registries', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: twoClusterAccount() }, config: twoClusterConfig() });
  });
  afterEach(async () => {
    await h.stop();
  });

  const asAlice = (text: string) => h.command(text, { user: ALICE, channel: STAGING_CHANNEL });
  const stagingInstance = () => [...h.sandbox.world.cluster('staging').instances.values()][0]!.ec2.id;

  describe("an admin of staging reaching for prod's families and repositories is refused, and AWS is not changed", () => {
    it.each([
      ['run web', 'run', 'web'],
      ['run migrate --count 2', 'run', 'migrate'],
      ['start web --instance INSTANCE', 'start', 'web'],
      ['deploy web web:1', 'deploy', 'web'],
      ['service create copy web', 'service create', 'web'],
      ['taskdefs web', 'taskdefs', 'web'],
      ['taskdef web:1', 'taskdef', 'web'],
      ['taskdef deregister web:1', 'taskdef deregister', 'web'],
    ])(
      '`%s` is refused, naming prod as the owner and the config key that would grant it',
      async (command, verb, family) => {
        const result = await asAlice(command.replace('INSTANCE', stagingInstance()));

        expect(result.seen).toContain(
          `\`${family}\` is not a task definition family of *staging*, so \`${verb}\` may not use it there.`,
        );
        expect(result.seen).toContain('It belongs to *prod* (`clusters.prod.taskDefinitionFamilies`).');
        expect(result.seen).toContain(
          "If it should be staging's, add it to `clusters.staging.taskDefinitionFamilies` in the config. Nothing was changed.",
        );
        expect(attemptedChanges(h.sandbox.calls)).toEqual([]);
        // Nothing of prod's was even read: every call named staging (or was STS).
        expect(h.sandbox.calls.filter((c) => c.service !== 'sts' && c.params.cluster !== 'staging')).toEqual([]);
        expect(channelMessages(h, STAGING_CHANNEL)).toEqual([]);
      },
    );

    it.each([
      ['images prod/web', 'images'],
      ['image delete prod/web 1', 'image delete'],
      ['repo delete prod/web', 'repo delete'],
    ])('`%s` is refused, naming prod as the owner and the config key that would grant it', async (command, verb) => {
      const result = await asAlice(command);

      expect(result.seen).toContain(
        `\`prod/web\` is not an ECR repository of *staging*, so \`${verb}\` may not use it there.`,
      );
      expect(result.seen).toContain('It belongs to *prod*');
      expect(result.seen).toContain('add it to `clusters.staging.repositories`');
      expect(h.sandbox.calls.filter((c) => c.service !== 'sts')).toEqual([]);
      expect(channelMessages(h, STAGING_CHANNEL)).toEqual([]);
    });

    it("deploy --image of prod's repository is refused before anything is read or registered", async () => {
      const result = await asAlice(`deploy web --image ${ECR}/prod/web:2`);

      expect(result.seen).toContain(
        '`prod/web` is not an ECR repository of *staging*, so `deploy --image` may not use it there.',
      );
      expect(h.sandbox.calls.filter((c) => c.service !== 'sts')).toEqual([]);
    });

    it('deploy --image from a registry staging does not allow is refused, and the reply says which registries it may use', async () => {
      const result = await asAlice('deploy web --image evil.example/x:1');

      expect(result.seen).toContain('`evil.example/x:1` is not from a registry *staging* may deploy from');
      expect(result.seen).toContain(
        `its own account's ECR (\`${ECR}\`, repositories it owns) and from \`docker.io/library\``,
      );
      expect(result.seen).toContain('add `evil.example` (or a narrower path) to `clusters.staging.imageRegistries`');
      expect(h.sandbox.calls.filter((c) => c.service !== 'sts')).toEqual([]);
    });

    it("a staging service that runs prod's family cannot be given a new image or rolled back: prod's claim wins over use", async () => {
      const image = await asAlice('deploy legacy --image nginx:1.28');
      const rollback = await asAlice('rollback legacy');

      for (const result of [image, rollback]) {
        expect(result.seen).toContain('`web` is not a task definition family of *staging*');
        expect(result.seen).toContain('*staging* runs it too, but a claim in the config wins over use.');
      }
      expect(attemptedChanges(h.sandbox.calls)).toEqual([]);
    });

    it('a family nobody claims and staging does not run is refused too, listing what staging runs', async () => {
      const result = await asAlice('run stg-batch');

      expect(result.seen).toContain('No cluster of this account claims it in the config.');
      expect(result.seen).toContain(
        'so it owns only the families its services and tasks run now that no other cluster claims: `stg-web`.',
      );
      expect(attemptedChanges(h.sandbox.calls)).toEqual([]);
    });

    it('prod, which names no registry, takes no image from Docker Hub either', async () => {
      const result = await h.command('deploy web --image nginx:1.28', { user: BOB, channel: PROD_CHANNEL });

      expect(result.seen).toContain('`nginx:1.28` is not from a registry *prod* may deploy from');
      expect(result.seen).toContain('add `docker.io/library` (or a narrower path) to `clusters.prod.imageRegistries`');
      expect(attemptedChanges(h.sandbox.calls)).toEqual([]);
    });
  });

  describe("the same moves within staging's own families and repositories still work", () => {
    it('run and start of a family its service runs start tasks in staging', async () => {
      const run = await asAlice('run stg-web');
      const start = await asAlice(`start stg-web --instance ${stagingInstance()}`);

      expect(run.replies[0]?.text).toBe('Started 1 of 1 task of stg-web in staging');
      expect(start.replies[0]?.text).toMatch(/^Started 1 of 1 task of stg-web in staging on i-/);
      expect(h.sandbox.callsTo('ecs:RunTask').map((c) => c.params.cluster)).toEqual(['staging']);
      expect(h.sandbox.callsTo('ecs:StartTask').map((c) => c.params.cluster)).toEqual(['staging']);
    });

    it('what a cluster runs is read once, only when its config names no families: staging reads its services and tasks, prod reads nothing', async () => {
      await asAlice('run stg-web');
      const stagingCalls = h.sandbox.calls.filter((c) => c.service === 'ecs').map((c) => c.action);
      const before = h.sandbox.calls.length;
      await h.command('run migrate', { user: BOB, channel: PROD_CHANNEL });
      const prodCalls = h.sandbox.calls
        .slice(before)
        .filter((c) => c.service === 'ecs')
        .map((c) => c.action);

      // Besides the ownership reads, run reads how the cluster launches (DescribeClusters, DescribeTaskDefinition).
      expect([...stagingCalls].sort()).toEqual([
        'DescribeClusters',
        'DescribeServices',
        'DescribeTaskDefinition',
        'DescribeTasks',
        'ListServices',
        'ListTasks',
        'RunTask',
      ]);
      expect(stagingCalls.at(-1)).toBe('RunTask');
      expect([...prodCalls].sort()).toEqual(['DescribeClusters', 'DescribeTaskDefinition', 'RunTask']);
      expect(prodCalls.at(-1)).toBe('RunTask');
    });

    it('deploy --image from its own repository or an allowed registry registers a new revision of its own family', async () => {
      const own = await asAlice(`deploy web --image ${ECR}/staging/web:2`);
      const hub = await asAlice('deploy web --image nginx:1.28');

      // staging has no notify channel: each deploy's live message, in the command's channel, is its only answer.
      expect([...own.replies, ...hub.replies]).toEqual([]);
      expect(deploymentMessages(h, STAGING_CHANNEL).map((m) => m.text.split(' — ')[0])).toEqual([
        'web in staging: deploy stg-web:1 → stg-web:2',
        'web in staging: deploy stg-web:2 → stg-web:3',
      ]);
      expect(h.sandbox.callsTo('ecs:RegisterTaskDefinition').map((c) => c.params.family)).toEqual([
        'stg-web',
        'stg-web',
      ]);
    });

    it('deploy of a revision, rollback, service create and taskdef(s) of its own family work', async () => {
      await asAlice('deploy web --image nginx:1.28');
      const rollback = await asAlice('rollback web');
      const deploy = await asAlice('deploy web stg-web:2');
      const create = await asAlice('service create copy stg-web');
      const revisions = await asAlice('taskdefs stg-web');
      const detail = await asAlice('taskdef stg-web:1');

      // staging has no notify channel: each change's live message, in the command's channel, is its only answer.
      expect([...rollback.replies, ...deploy.replies, ...create.replies]).toEqual([]);
      expect(deploymentMessages(h, STAGING_CHANNEL).map((m) => m.text.split(' — ')[0])).toEqual([
        'web in staging: deploy stg-web:1 → stg-web:2',
        'web in staging: rollback stg-web:2 → stg-web:1',
        'web in staging: deploy stg-web:1 → stg-web:2',
        'copy in staging: service create of stg-web:2',
      ]);
      // What the create announcement said (desired 1, EC2), as the service was asked for.
      expect(h.sandbox.callsTo('ecs:CreateService').map((c) => c.params)).toEqual([
        expect.objectContaining({
          cluster: 'staging',
          taskDefinition: 'stg-web:2',
          desiredCount: 1,
          launchType: 'EC2',
        }),
      ]);
      expect(revisions.seen).toContain('stg-web:2');
      expect(detail.seen).toContain('stg-web:1');
      expect(
        h.sandbox.calls
          .filter((c) => c.service === 'ecs' && !READ_ONLY.test(c.action))
          .every((c) => c.params.cluster === 'staging' || c.params.family === 'stg-web'),
      ).toBe(true);
    });

    it('images of its repository are listed, and its gated deletes go to approval', async () => {
      const images = await asAlice('images staging/web');
      await asAlice('repo delete staging/web');

      expect(images.seen).toContain('staging/web (staging): 2 images');
      expect(shown(requestMessage(h, STAGING_CHANNEL).message)).toContain('Delete repository `staging/web`');
    });
  });

  describe('a gated delete names every cluster of the account whose services still use the thing', () => {
    it("taskdef deregister of prod's web:1 names prod's web and staging's legacy", async () => {
      await h.command('taskdef deregister web:1', { user: BOB, channel: PROD_CHANNEL });

      const plan = shown(requestMessage(h, PROD_CHANNEL).message);
      expect(plan).toContain(':warning: Services in *prod* still use it: `web`.');
      expect(plan).toContain(':warning: Services in *staging* still use it: `legacy`.');
      // staging was read with staging's own read role, never changed.
      const stagingReads = h.sandbox.calls.filter((c) => c.params.cluster === 'staging');
      expect(stagingReads.length).toBeGreaterThan(0);
      expect(
        stagingReads.every((c) => c.principal.kind === 'assumed' && c.principal.roleArn === roleArn('staging', 'read')),
      ).toBe(true);
      expect(attemptedChanges(h.sandbox.calls)).toEqual([]);
    });

    it('a cluster that cannot be read is named as unchecked in the plan, not passed over as unused', async () => {
      h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:ListServices', resource: 'cluster/staging' });

      await h.command('taskdef deregister web:1', { user: BOB, channel: PROD_CHANNEL });

      const plan = shown(requestMessage(h, PROD_CHANNEL).message);
      expect(plan).toContain(':warning: Services in *prod* still use it: `web`.');
      expect(plan).toMatch(/:warning: Could not check \*staging\*: .*ecs:ListServices/);
      expect(plan).not.toContain('*staging* still use it');
    });

    it('an approved delete checks ownership again: a config changed since the request stops it, and nothing is deregistered', async () => {
      await h.command('taskdef deregister web:1', { user: BOB, channel: PROD_CHANNEL });
      const { requestId } = requestMessage(h, PROD_CHANNEL);
      // Redeployed with a config in which prod no longer claims web (the worker reads its config at start).
      h.worker.config = twoClusterConfig('[migrate]');

      await h.click('approval:approve', requestId, { user: ERIN, channel: PROD_CHANNEL });

      const final = shown(channelMessages(h, PROD_CHANNEL)[0]);
      expect(final).toContain(
        'Not started: `web` is not a task definition family of *prod*, so `taskdef deregister` may not use it there.',
      );
      expect(h.sandbox.callsTo('ecs:DeregisterTaskDefinition')).toEqual([]);
      expect(attemptedChanges(h.sandbox.calls)).toEqual([]);
    });

    it('repo delete and image delete of prod/web name the services of both clusters that pull from it', async () => {
      await h.command('repo delete prod/web', { user: BOB, channel: PROD_CHANNEL });
      const repoPlan = shown(channelMessages(h, PROD_CHANNEL).at(-1));
      await h.command('image delete prod/web 1', { user: BOB, channel: PROD_CHANNEL });
      const imagePlan = shown(channelMessages(h, PROD_CHANNEL).at(-1));

      for (const plan of [repoPlan, imagePlan]) {
        expect(plan).toContain(':warning: Services in *prod* still use it: `web`.');
        expect(plan).toContain(':warning: Services in *staging* still use it: `legacy`.');
      }
    });

    it('a revision no service uses says so, for every cluster of the account', async () => {
      await asAlice('deploy web --image nginx:1.28');
      await asAlice('taskdef deregister stg-web:1');

      const plan = shown(
        channelMessages(h, STAGING_CHANNEL).find((m) => shown(m).includes('Deregister task definition stg-web:1')),
      );
      expect(plan).toContain(
        "No service in *staging* uses it, nor in *prod* (the config's other clusters in this account).",
      );
    });
  });

  describe("IAM says the same: staging's roles, used directly, cannot touch prod's families or repositories", () => {
    const clients = async (level: 'operate' | 'admin') => {
      const credentials = await assumeRole(h.sandbox, roleArn('staging', level), {
        sessionName: ALICE,
        sourceIdentity: ALICE,
      });
      return {
        ecs: new ECSClient(clientConfig(h.sandbox, credentials)),
        ecr: new ECRClient(clientConfig(h.sandbox, credentials)),
      };
    };
    const denied = { name: expect.stringMatching(/AccessDenied/) };

    it("operate cannot register a revision of prod's family, nor run it, even in staging", async () => {
      const { ecs } = await clients('operate');
      const definition = { containerDefinitions: [{ name: 'app', image: 'evil.example/x:1', memory: 128 }] };

      await expect(ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', ...definition }))).rejects.toMatchObject(
        denied,
      );
      await expect(ecs.send(new RunTaskCommand({ cluster: 'staging', taskDefinition: 'web:1' }))).rejects.toMatchObject(
        denied,
      );
      // Its own family goes through.
      await expect(
        ecs.send(new RegisterTaskDefinitionCommand({ family: 'stg-web', ...definition })),
      ).resolves.toMatchObject({ taskDefinition: { family: 'stg-web' } });
      expect(
        h.sandbox.mutations().map((c) => `${c.action} ${String(c.params.family ?? c.params.taskDefinition)}`),
      ).toEqual(['RegisterTaskDefinition stg-web']);
    });

    it("admin cannot deregister prod's revisions, read prod's images or delete prod's repository", async () => {
      const { ecs, ecr } = await clients('admin');

      await expect(ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' }))).rejects.toMatchObject(
        denied,
      );
      await expect(ecr.send(new DescribeImagesCommand({ repositoryName: 'prod/web' }))).rejects.toMatchObject(denied);
      await expect(
        ecr.send(new DeleteRepositoryCommand({ repositoryName: 'prod/web', force: true })),
      ).rejects.toMatchObject(denied);
      await expect(ecr.send(new DescribeImagesCommand({ repositoryName: 'staging/web' }))).resolves.toMatchObject({
        imageDetails: expect.any(Array),
      });
      expect(h.sandbox.mutations()).toEqual([]);
    });
  });
});
