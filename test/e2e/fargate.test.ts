import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { liveMessage } from '../../testbed/deployments';
import { fargateAccount, fargateConfig, VPC } from '../../testbed/fargate-fixtures';
import type { TaskRecord } from '../../src/sandbox';

/**
 * fg and staging have no notify channel: a deployment's live message goes to the channel the
 * command was typed in (#web here), and, being the command's follow-up there, is its only answer.
 */

/** What the live message says the command's follow-up found: its text after the phase line. */
function finding(live: { text: string }): string | undefined {
  const at = live.text.indexOf(' · ');
  return at < 0 ? undefined : live.text.slice(at + ' · '.length);
}

describe('Fargate clusters through the signed Slack handler: run, service create and the views', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: fargateAccount() }, config: fargateConfig() });
  });
  afterEach(async () => {
    await h.stop();
  });

  const jobs = (): TaskRecord[] =>
    [...h.sandbox.world.cluster('fg').tasks.values()].filter((t) => t.taskDefinition.family === 'job');

  it('run on a cluster with a default capacity provider strategy launches by that strategy, in the subnets of the cluster’s network config', async () => {
    const result = await h.command('run job -c fg');
    const [run] = h.sandbox.callsTo('ecs:RunTask');
    expect(run!.params).toMatchObject({
      cluster: 'fg',
      taskDefinition: 'job',
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [VPC.privateA, VPC.privateB],
          securityGroups: [VPC.appSg],
          assignPublicIp: 'DISABLED',
        },
      },
    });
    expect(run!.params.launchType).toBeUndefined();
    const [task] = jobs();
    expect(task).toMatchObject({ launchType: 'FARGATE', capacityProviderName: 'FARGATE' });
    expect(result.replies[0]!.text).toBe('Started 1 of 1 task of job in fg');
    const shown = JSON.stringify(result.replies[0]!.blocks);
    expect(shown).toContain(`on FARGATE · ${task!.eni!.privateIp}`);
    expect(shown).toContain('RunTask, on FARGATE');
  });

  it('run --like SVC copies that service’s subnets, security groups and public IP instead of the config', async () => {
    await h.command('run job --like web -c fg');
    const [run] = h.sandbox.callsTo('ecs:RunTask');
    expect(run!.params.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: [VPC.publicA], securityGroups: [VPC.appSg], assignPublicIp: 'ENABLED' },
    });
    expect(jobs()[0]!.eni!.subnet.id).toBe(VPC.publicA);
  });

  it('run --capacity-provider FARGATE_SPOT overrides the cluster’s strategy; a provider the cluster lacks is refused by name', async () => {
    const result = await h.command('run job --capacity-provider FARGATE_SPOT -c fg');
    expect(h.sandbox.callsTo('ecs:RunTask')[0]!.params.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 },
    ]);
    expect(jobs()[0]!.capacityProviderName).toBe('FARGATE_SPOT');
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain('on FARGATE_SPOT');

    const refused = await h.command('run job --capacity-provider MY_ASG -c fg');
    expect(refused.seen).toContain('*fg* has no capacity provider `MY_ASG`; it has `FARGATE`, `FARGATE_SPOT`');
    expect(h.sandbox.callsTo('ecs:RunTask')).toHaveLength(1);
  });

  it('run of a Fargate-only family on an EC2 cluster with no network config says exactly what is missing and starts nothing', async () => {
    const result = await h.command('run batch -c staging');
    expect(result.seen).toContain(
      '`batch` uses awsvpc networking, so ECS needs its subnets and security groups, and *staging* has none configured.',
    );
    expect(result.seen).toContain('--like SVC');
    expect(result.seen).toContain('network: { subnets: [...], securityGroups: [...] }');
    expect(h.sandbox.callsTo('ecs:RunTask')).toHaveLength(0);
  });

  it('run of a Fargate-only family on a cluster with no default strategy sends launchType FARGATE; --like a service without awsvpc is refused by name', async () => {
    const refused = await h.command('run batch --like web -c staging');
    expect(refused.seen).toContain(
      'Service `web` in *staging* has no awsvpc network configuration to copy, and `batch` needs one.',
    );
    expect(h.sandbox.callsTo('ecs:RunTask')).toHaveLength(0);

    await h.stop();
    const config = fargateConfig();
    config.clusters.staging!.network = { subnets: [VPC.privateA], securityGroups: [], assignPublicIp: false };
    h = await startHarness({ sandbox: { account: fargateAccount() }, config });
    const result = await h.command('run batch -c staging');
    const [run] = h.sandbox.callsTo('ecs:RunTask');
    expect(run!.params).toMatchObject({
      cluster: 'staging',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [VPC.privateA], assignPublicIp: 'DISABLED' } },
    });
    expect(run!.params.capacityProviderStrategy).toBeUndefined();
    expect(result.replies[0]!.text).toBe('Started 1 of 1 task of batch in staging');
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain('RunTask, on FARGATE');
  });

  it('run on an EC2 cluster still sends the EC2 launch type and no network configuration', async () => {
    await h.command('run api -c prod');
    const [run] = h.sandbox.callsTo('ecs:RunTask');
    expect(run!.params).toMatchObject({ cluster: 'prod', launchType: 'EC2' });
    expect(run!.params.networkConfiguration).toBeUndefined();
  });

  it('service create on a Fargate cluster creates the service by the cluster’s strategy with the network config, and its tasks run on Fargate with ENIs', async () => {
    const result = await h.command('service create batch job --count 2 -c fg', { user: USERS.bob });
    const [create] = h.sandbox.callsTo('ecs:CreateService');
    expect(create!.params).toMatchObject({
      cluster: 'fg',
      serviceName: 'batch',
      taskDefinition: 'job:1',
      desiredCount: 2,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
      networkConfiguration: {
        awsvpcConfiguration: { subnets: [VPC.privateA, VPC.privateB], securityGroups: [VPC.appSg] },
      },
    });
    expect(result.replies).toHaveLength(0);
    expect(liveMessage(h, CHANNELS.web).text).toBe(
      'batch in fg: service create of job:1 — completed in under a minute',
    );
    const service = h.sandbox.world.service('fg', 'batch');
    expect([...service.tasks].every((t) => t.launchType === 'FARGATE' && t.eni !== undefined)).toBe(true);
  });

  it('task ID on a Fargate task shows its capacity provider, platform version, private IP and ENI, its size and ephemeral storage', async () => {
    await h.command('run job -c fg');
    const task = jobs()[0]!;
    const result = await h.command(`task ${task.id} -c fg`);
    const shown = JSON.stringify(result.replies[0]!.blocks);
    expect(shown).toContain('*Launch*\\nFARGATE capacity provider, platform 1.4.0');
    expect(shown).toContain(`*Network*\\n${task.eni!.privateIp} on \`${task.eni!.id}\`\\n${task.eni!.subnet.id}`);
    expect(shown).toContain('*Size*\\n0.25 vCPU, 512 MiB, 20 GiB ephemeral storage');
    expect(shown).toContain('*Instance*\\nnone (Fargate)');
  });

  it('tasks lists each Fargate task with its capacity provider and private IP', async () => {
    const web = [...h.sandbox.world.service('fg', 'web').tasks][0]!;
    const result = await h.command('tasks -c fg');
    expect(JSON.stringify(result.replies[0]!.blocks)).toContain(`service web · FARGATE · ${web.eni!.privateIp}`);
  });

  it('service SVC on Fargate shows its capacity provider strategy, platform version and network', async () => {
    await h.command('service create batch job --capacity-provider FARGATE_SPOT -c fg', { user: USERS.bob });
    const result = await h.command('service batch -c fg');
    const shown = JSON.stringify(result.replies[0]!.blocks);
    expect(shown).toContain('*Capacity providers*\\nFARGATE_SPOT 1');
    expect(shown).toContain('*Platform version*\\nLATEST');
    expect(shown).toContain(`*Network*\\n${VPC.privateA}, ${VPC.privateB} · ${VPC.appSg} · no public IP`);
  });

  it('instances on a cluster with none says it runs on Fargate and names its capacity providers; cluster lists them and the default strategy', async () => {
    const instances = await h.command('instances -c fg');
    expect(instances.replies[0]!.text).toBe(
      'fg has no container instances: it runs its tasks on AWS Fargate (capacity providers FARGATE, FARGATE_SPOT).',
    );
    const cluster = await h.command('cluster -c fg');
    const shown = JSON.stringify(cluster.replies[0]!.blocks);
    expect(shown).toContain('*Capacity providers*\\nFARGATE, FARGATE_SPOT');
    expect(shown).toContain('*Default strategy*\\nFARGATE 1');
    expect(shown).toContain('this cluster runs its tasks on AWS Fargate');
    expect(shown).not.toContain('nowhere to run');
  });

  it('service create of a Fargate service whose tasks cannot fetch their secrets: its live message shows the ResourceInitializationError and its usual fix', async () => {
    await h.stop();
    const account = fargateAccount();
    account.behaviours = {
      ...account.behaviours,
      job: {
        failToStart: {
          reason:
            'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm',
        },
      },
    };
    h = await startHarness({ sandbox: { account }, config: fargateConfig(), followUpTimeoutMs: 600 });
    const result = await h.command('service create batch job -c fg', { user: USERS.bob });
    expect(result.replies).toHaveLength(0);
    const live = liveMessage(h, CHANNELS.web);
    expect(finding(live)).toMatch(
      /^batch in fg: .*\d+ tasks? stopped: .*ResourceInitializationError: unable to pull secrets/,
    );
    expect(live.blocks).toContain(':bulb: ResourceInitializationError: the task could not fetch its secrets');
    expect(live.blocks).toContain('secretsmanager:GetSecretValue');
  });

  it('run when Fargate has no capacity starts nothing, shows ECS’s failure reason and says what helps', async () => {
    h.sandbox.world.setCapacityAvailable('FARGATE', false);
    const result = await h.command('run job -c fg');
    expect(jobs()).toHaveLength(0);
    expect(result.replies[0]!.text).toContain('Started 0 of 1 task of job in fg; 1 could not be placed');
    const shown = JSON.stringify(result.replies[0]!.blocks);
    expect(shown).toContain(
      'Capacity is unavailable at this time. Please try again later or in a different availability zone',
    );
    expect(shown).toContain(':bulb: Fargate had no capacity for the task');

    // FARGATE_SPOT still has capacity: only the provider without it fails.
    const spot = await h.command('run job --capacity-provider FARGATE_SPOT -c fg');
    expect(spot.replies[0]!.text).toBe('Started 1 of 1 task of job in fg');
  });

  it('service create when Fargate has no capacity: its live message shows the service’s “unable to place a task” event and what helps, and the task is placed once capacity is back', async () => {
    await h.stop();
    h = await startHarness({ sandbox: { account: fargateAccount() }, config: fargateConfig(), followUpTimeoutMs: 600 });
    h.sandbox.world.setCapacityAvailable('FARGATE', false);
    const result = await h.command('service create batch job -c fg', { user: USERS.bob });
    const events = h.sandbox.world.service('fg', 'batch').events.map((e) => e.message);
    expect(events).toContain(
      '(service batch) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.',
    );
    expect(result.replies).toHaveLength(0);
    const followUp = finding(liveMessage(h, CHANNELS.web));
    expect(followUp).toContain(
      'batch in fg: 1 of 1 could not be placed: (service batch) was unable to place a task. Reason: Capacity is unavailable at this time.',
    );
    expect(followUp).toContain('Fargate had no capacity for the task');

    h.sandbox.world.setCapacityAvailable('FARGATE', true);
    expect([...h.sandbox.world.service('fg', 'batch').tasks]).toHaveLength(1);
  });

  it('run of an awsvpc family on EC2 starts what the instance has network interfaces for and says RESOURCE:ENI and what helps for the rest; a service of it then cannot place its task and its live message says the same', async () => {
    await h.stop();
    const account = fargateAccount();
    account.taskDefinitions.push({
      family: 'netjob',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'netjob', image: 'example/job:4', cpu: 128, memory: 128, essential: true }],
    });
    const config = fargateConfig();
    config.clusters.staging!.network = { subnets: [VPC.privateA], securityGroups: [VPC.appSg], assignPublicIp: false };
    config.clusters.staging!.taskDefinitionFamilies = ['web-fixed', 'batch', 'netjob'];
    h = await startHarness({ sandbox: { account }, config, followUpTimeoutMs: 600 });
    // staging's one t3.medium attaches 3 network interfaces; its primary one is taken, so 2 awsvpc tasks fit.
    const result = await h.command('run netjob --count 3 -c staging');
    const [run] = h.sandbox.callsTo('ecs:RunTask');
    expect(run!.params).toMatchObject({ launchType: 'EC2', count: 3 });
    const started = [...h.sandbox.world.cluster('staging').tasks.values()].filter(
      (t) => t.taskDefinition.family === 'netjob',
    );
    expect(started).toHaveLength(2);
    expect(started.every((t) => t.eni !== undefined && t.instance !== undefined)).toBe(true);
    expect(result.replies[0]!.text).toContain('Started 2 of 3 tasks of netjob in staging; 1 could not be placed');
    const shown = JSON.stringify(result.replies[0]!.blocks);
    expect(shown).toContain(
      '1 × no free network interface (ENI) for another awsvpc task on any instance (`RESOURCE:ENI`)',
    );
    expect(shown).toContain(':bulb: Every awsvpc task needs its own network interface');
    expect(shown).toContain('awsvpcTrunking');

    // A service of the same family finds no interface left: its event names RESOURCE:ENI and the live message explains it.
    const created = await h.command('service create net netjob -c staging', { user: USERS.bob });
    expect(
      h.sandbox.world
        .service('staging', 'net')
        .events.map((e) => e.message)
        .join('\n'),
    ).toMatch(
      /\(service net\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]+\) encountered error "RESOURCE:ENI"/,
    );
    expect(created.replies).toHaveLength(0);
    const followUp = finding(liveMessage(h, CHANNELS.web));
    expect(followUp).toContain('net in staging: 1 of 1 could not be placed');
    expect(followUp).toContain('Every awsvpc task needs its own network interface');
  });

  it('service create of a Fargate service whose awslogs log group does not exist: its live message shows ResourceInitializationError (not CannotStartContainerError) and says to create the group', async () => {
    await h.stop();
    const account = fargateAccount();
    account.taskDefinitions.push({
      family: 'logjob',
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [
        {
          name: 'logjob',
          image: 'example/job:4',
          essential: true,
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/logjob', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' },
          },
        },
      ],
    });
    const config = fargateConfig();
    config.clusters.fg!.taskDefinitionFamilies = ['job', 'site', 'logjob'];
    h = await startHarness({ sandbox: { account }, config, followUpTimeoutMs: 600 });
    const result = await h.command('service create logs logjob -c fg', { user: USERS.bob });
    const stopped = [...h.sandbox.world.cluster('fg').tasks.values()].find(
      (t) => t.taskDefinition.family === 'logjob' && t.lastStatus === 'STOPPED',
    );
    expect(stopped).toMatchObject({ stopCode: 'TaskFailedToStart' });
    expect(stopped!.stoppedReason).toMatch(
      /^ResourceInitializationError: failed to validate logger args: .*The specified log group does not exist/,
    );
    expect(result.replies).toHaveLength(0);
    const live = liveMessage(h, CHANNELS.web);
    expect(finding(live)).toContain('ResourceInitializationError: failed to validate logger args');
    expect(live.text).not.toContain('CannotStartContainerError');
    expect(live.blocks).not.toContain('CannotStartContainerError');
    expect(live.blocks).toContain(
      ':bulb: ResourceInitializationError: the awslogs log driver could not start, usually because the log group does not exist',
    );
  });
});
