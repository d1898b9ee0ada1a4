import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { liveMessage } from '../../testbed/deployments';
import { roleArn } from '../../testbed/accounts';
import { servicesAccount } from '../../testbed/services-fixtures';
import { assumeRole, clientConfig } from '../../testbed/sandbox';

const liveTasks = (h: Harness, cluster: string, service: string) =>
  [...h.sandbox.world.service(cluster, service).tasks].filter((t) => t.desiredStatus === 'RUNNING');
const succeeded = (h: Harness, action: string) => h.sandbox.callsTo(action).filter((c) => c.error === undefined);

describe('/ecs restart, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('an operator restarts api: fresh tasks replace the running ones, and the live message in the service’s channel follows it to "completed"', async () => {
    const oldTasks = liveTasks(h, 'prod', 'api').map((t) => t.id);
    const result = await h.command('restart api');
    expect(result.ack.text).toContain('Looking up api to restart it');
    expect(result.replies[0]?.response_type).toBe('in_channel');
    expect(result.replies[0]?.text).toBe('api in prod: restarting — 2 fresh tasks of api:1 replace the running ones');
    expect(JSON.stringify(result.replies[0]?.blocks)).toContain(`Followed live in <#${CHANNELS.alerts}>`);
    expect(result.replies).toHaveLength(1);
    expect(liveMessage(h).text).toBe('api in prod: restart of api:1 — completed in under a minute');
    const updates = h.sandbox.callsTo('ecs:UpdateService');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.params).toEqual({ cluster: 'prod', service: 'api', forceNewDeployment: true });
    expect(updates[0]!.principal).toMatchObject({ roleArn: roleArn('prod', 'operate'), sourceIdentity: USERS.alice });
    const now = liveTasks(h, 'prod', 'api');
    expect(now).toHaveLength(2);
    expect(now.some((t) => oldTasks.includes(t.id))).toBe(false);
    expect(h.sandbox.world.service('prod', 'api').taskDefinition.arn).toMatch(/task-definition\/api:1$/);
  });

  it('a read-only user who clicks Restart is refused as if they had typed it, and nothing changes', async () => {
    const before = liveTasks(h, 'prod', 'web').map((t) => t.id);
    const result = await h.click('cmd:restart', JSON.stringify({ cluster: 'prod', args: ['web'] }), {
      user: USERS.rita,
    });
    expect(result.seen).toMatch(/`restart` needs \*operate\* on \*prod\*, but you have \*read\* there/);
    expect(h.sandbox.calls).toHaveLength(0);
    expect(liveTasks(h, 'prod', 'web').map((t) => t.id)).toEqual(before);
  });

  it('an operator who clicks Restart on the service message restarts it', async () => {
    const shown = await h.command('service web');
    const restartButton = (
      shown.replies[0]!.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]
    )
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'cmd:restart')!;
    const before = liveTasks(h, 'prod', 'web').map((t) => t.id);
    const result = await h.click(restartButton.action_id, restartButton.value);
    expect(result.seen).toContain('web in prod: restarting — a fresh task of web:2 replaces the running one');
    expect(liveMessage(h).text).toBe('web in prod: restart of web:2 — completed in under a minute');
    expect(succeeded(h, 'ecs:UpdateService')).toHaveLength(1);
    expect(liveTasks(h, 'prod', 'web').some((t) => before.includes(t.id))).toBe(false);
  });

  it('restarting a service that does not exist says so with the names that do, and changes nothing', async () => {
    const result = await h.command('restart wbe');
    expect(result.replies[0]?.text).toBe(
      'There is no service wbe in prod. Did you mean web? Services there: api, pair, solo, web.',
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });
});

describe('/ecs deploy, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('deploy web web:1 says from which revision to which, and the live message follows it to "completed"', async () => {
    const result = await h.command('deploy web web:1');
    expect(result.ack.text).toContain('Looking up web to deploy web:1 to it');
    expect(result.replies[0]?.text).toBe('web in prod: deploying web:2 → web:1');
    expect(result.replies[0]?.response_type).toBe('in_channel');
    expect(result.replies).toHaveLength(1);
    expect(liveMessage(h).text).toBe('web in prod: deploy web:2 → web:1 — completed in under a minute');
    expect(h.sandbox.callsTo('ecs:UpdateService').map((c) => c.params)).toEqual([
      { cluster: 'prod', service: 'web', taskDefinition: 'web:1' },
    ]);
    expect(h.sandbox.world.service('prod', 'web').taskDefinition.revision).toBe(1);
    expect(liveTasks(h, 'prod', 'web').every((t) => t.taskDefinition.revision === 1)).toBe(true);
  });

  it('deploy api web (a family) deploys its latest ACTIVE revision', async () => {
    const result = await h.command('deploy api web');
    expect(result.replies[0]?.text).toBe('api in prod: deploying api:1 → web:2');
    expect(h.sandbox.world.service('prod', 'api').taskDefinition.arn).toMatch(/web:2$/);
  });

  it('deploying the revision a service already runs changes nothing and says what would', async () => {
    const result = await h.command('deploy web web');
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]?.text).toBe(
      'web in prod already runs web:2. Nothing was changed; /ecs restart web replaces its tasks with fresh ones.',
    );
    expect(result.replies[0]?.response_type).toBe('ephemeral');
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a revision that does not exist gets the ACTIVE revisions of the family; a misspelt family gets "did you mean"', async () => {
    const revision = await h.command('deploy web web:9');
    expect(revision.replies[0]?.text).toBe('ECS has no task definition web:9. ACTIVE revisions of web: web:2, web:1.');
    // A family prod does not own is refused before ECS is asked, with the owned name it is closest to.
    const family = await h.command('deploy web wbe:1');
    expect(family.replies[0]?.text).toMatch(
      /^wbe is not a task definition family of prod, so deploy may not use it there\. Did you mean web\?/,
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a deregistered revision is refused before ECS is asked to deploy it', async () => {
    h.sandbox.world.deregisterTaskDefinition('web:1');
    const result = await h.command('deploy web web:1');
    expect(result.replies[0]?.text).toBe(
      'web:1 is INACTIVE (deregistered), and ECS deploys only ACTIVE revisions. ACTIVE revisions of web: web:2.',
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('deploy web --image registers web:3 with that image and deploys it, naming both revisions and both images', async () => {
    const result = await h.command('deploy web --image nginx:1.29');
    expect(result.replies[0]?.text).toBe(
      'web in prod: deploying web:2 → web:3 (container web: nginx:1.28 → nginx:1.29)',
    );
    expect(liveMessage(h).text).toBe('web in prod: deploy web:2 → web:3 — completed in under a minute');
    const registered = h.sandbox.world.findTaskDefinition('web:3')!;
    expect(registered.containerDefinitions.map((c) => c.image)).toEqual(['nginx:1.29']);
    expect(registered.containerDefinitions[0]!.portMappings).toEqual([
      { containerPort: 80, hostPort: 0, protocol: 'tcp' },
    ]);
    expect(h.sandbox.callsTo('ecs:UpdateService').map((c) => c.params)).toEqual([
      { cluster: 'prod', service: 'web', taskDefinition: 'web:3' },
    ]);
    expect(h.sandbox.callsTo('ecs:RegisterTaskDefinition')[0]!.principal).toMatchObject({
      roleArn: roleArn('prod', 'operate'),
    });
  });

  it('a new image in one of two containers keeps everything else of the task definition: roles, sizes, environment, logging, tags, the other container', async () => {
    const result = await h.command('deploy pair --image example/pair:2 --container app');
    expect(result.replies[0]?.text).toBe(
      'pair in prod: deploying pair:1 → pair:2 (container app: example/pair:1 → example/pair:2)',
    );
    const before = h.sandbox.world.findTaskDefinition('pair:1')!;
    const after = h.sandbox.world.findTaskDefinition('pair:2')!;
    expect(after.containerDefinitions).toEqual(
      before.containerDefinitions.map((c) => (c.name === 'app' ? { ...c, image: 'example/pair:2' } : c)),
    );
    expect(after).toMatchObject({
      cpu: '512',
      memory: '1024',
      networkMode: 'bridge',
      taskRoleArn: 'arn:aws:iam::111111111111:role/pair-task',
      executionRoleArn: 'arn:aws:iam::111111111111:role/pair-execution',
      tags: [{ key: 'team', value: 'payments' }],
    });
    expect(h.sandbox.world.service('prod', 'pair').taskDefinition.revision).toBe(2);
  });

  it('a new image for a task definition with several containers and none named is refused clearly, and nothing is registered', async () => {
    const result = await h.command('deploy pair --image example/pair:2');
    expect(result.replies[0]?.text).toBe(
      'pair:1 has 2 containers (app, log-router); say which one gets the image with --container NAME. Nothing was changed.',
    );
    const misspelt = await h.command('deploy pair --image example/pair:2 --container ap');
    expect(misspelt.replies[0]?.text).toBe(
      'pair:1 has no container ap. Did you mean app? Its containers: app, log-router.',
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('the image a container already runs is not registered again', async () => {
    const result = await h.command('deploy web --image nginx:1.28');
    expect(result.replies[0]?.text).toMatch(/^Container web of web:2 already runs nginx:1\.28/);
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('a deployment whose tasks cannot start trips the circuit breaker: the live message says ECS rolled it back, and why', async () => {
    h.sandbox.world.createService('prod', {
      name: 'guarded',
      taskDefinition: 'solo',
      desiredCount: 1,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    const result = await h.command('deploy guarded broken');
    expect(result.replies[0]?.text).toBe('guarded in prod: deploying solo:1 → broken:1');
    expect(result.replies).toHaveLength(1);
    expect(liveMessage(h).text).toBe(
      'guarded in prod: deploy solo:1 → broken:1 — rolled back after under a minute: ECS deployment circuit breaker: task failed to start; 3 tasks stopped: CannotPullContainerError: pull image manifest has been retried 5 time(s): example/broken:1: not found',
    );
    expect(h.sandbox.world.service('prod', 'guarded').taskDefinition.arn).toMatch(/solo:1$/);
  });

  it.each([
    ['deploy web', 'say what to deploy'],
    ['deploy web web:1 --image nginx:1.29', 'not both'],
    ['deploy web --container web', 'goes with --image'],
    ['deploy web web:one', 'a task definition is FAMILY or FAMILY:REVISION'],
  ])('"%s" gets usage help (%s) and makes no AWS call', async (text, problem) => {
    const result = await h.command(text);
    expect(result.ack.text).toContain(problem);
    expect(result.ack.text).toContain('/ecs deploy SVC');
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a read-only user who types deploy is refused and no AWS call is made', async () => {
    const result = await h.command('deploy web --image nginx:1.29', { user: USERS.rita });
    expect(result.ack.text).toMatch(/`deploy` needs \*operate\* on \*prod\*/);
    expect(h.sandbox.calls).toHaveLength(0);
  });
});

describe('/ecs rollback, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('rollback web goes back from web:2 to web:1, says which, and follows up', async () => {
    const result = await h.command('rollback web');
    expect(result.ack.text).toContain('Looking up web and its earlier revisions to roll it back');
    expect(result.replies[0]?.text).toBe('web in prod: rolling back web:2 → web:1');
    expect(liveMessage(h).text).toBe('web in prod: rollback web:2 → web:1 — completed in under a minute');
    expect(h.sandbox.world.service('prod', 'web').taskDefinition.revision).toBe(1);
  });

  it('rollback skips revisions that were deregistered', async () => {
    h.sandbox.world.registerTaskDefinition({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'nginx:1.29', cpu: 256, memory: 256 }],
    });
    h.sandbox.world.updateService('prod', 'web', { taskDefinition: 'web:3' });
    h.sandbox.world.deregisterTaskDefinition('web:2');
    const result = await h.command('rollback web');
    expect(result.replies[0]?.text).toBe('web in prod: rolling back web:3 → web:1');
    expect(h.sandbox.callsTo('ecs:UpdateService').map((c) => c.params)).toEqual([
      { cluster: 'prod', service: 'web', taskDefinition: 'web:1' },
    ]);
  });

  it('rollback picks the highest revision below the current one even when ListTaskDefinitions answers in no order', async () => {
    // Prepare: a sandbox whose ListTaskDefinitions ignores sort; web:1…web:8, the service on web:6.
    await h.stop();
    h = await startHarness({ sandbox: { account: servicesAccount(), unsortedLists: true } });
    for (let i = 3; i <= 8; i += 1)
      h.sandbox.world.registerTaskDefinition({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: `nginx:1.${i}`, cpu: 256, memory: 256 }],
      });
    h.sandbox.world.updateService('prod', 'web', { taskDefinition: 'web:6' });
    const ecs = new ECSClient(clientConfig(h.sandbox, await assumeRole(h.sandbox, roleArn('prod', 'read'))));
    const listed = (
      await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web', sort: 'DESC' }))
    ).taskDefinitionArns!.map((a) => Number(a.split(':').pop()));
    expect(listed).not.toEqual([...listed].sort((a, b) => b - a));

    // Act
    const result = await h.command('rollback web');

    // Assess
    expect(result.replies[0]?.text).toBe('web in prod: rolling back web:6 → web:5');
    expect(h.sandbox.world.service('prod', 'web').taskDefinition.revision).toBe(5);
  });

  it('a service on the only revision of its family has nothing to roll back to, and is told so', async () => {
    const result = await h.command('rollback solo');
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]?.text).toBe(
      'solo in prod runs solo:1, and there is no earlier ACTIVE revision of solo to go back to. Nothing was changed.',
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });
});
