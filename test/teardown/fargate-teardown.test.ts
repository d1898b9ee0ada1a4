import { type Harness, startHarness } from '../../testbed/harness';
import { testConfig } from '../../testbed/config';
import {
  APPROVAL_USERS as U,
  OPS,
  approvalsConfigYaml,
  channelMessages,
  clusterStatus,
  labAccount,
  requestMessage,
  shown,
} from '../../testbed/approvals';

const SUBNET = 'subnet-0a1f3c5e7b9d2e401';
const AWSVPC = { awsvpcConfiguration: { subnets: [SUBNET] } };
const FARGATE = {
  networkMode: 'awsvpc' as const,
  cpu: '256',
  memory: '512',
  requiresCompatibilities: ['FARGATE' as const],
};

/** labAccount() with `lab` on Fargate: capacity providers and a default strategy; `mixed` keeps its instances too. */
async function fargateLab(mixed: boolean): Promise<Harness> {
  const account = labAccount();
  account.taskDefinitions = account.taskDefinitions.map((td) =>
    td.family.startsWith('lab-')
      ? {
          ...td,
          ...FARGATE,
          containerDefinitions: td.containerDefinitions.map((c) => ({ ...c, cpu: undefined, memory: undefined })),
        }
      : td,
  );
  account.taskDefinitions.push({
    family: 'lab-ec2',
    containerDefinitions: [{ name: 'x', image: 'example/x:1', cpu: 128, memory: 128, essential: true }],
  });
  const lab = account.clusters.find((c) => c.name === 'lab')!;
  lab.capacityProviders = ['FARGATE', 'FARGATE_SPOT'];
  lab.defaultCapacityProviderStrategy = [
    { capacityProvider: 'FARGATE', weight: 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: 1 },
  ];
  if (!mixed) lab.instances = [];
  lab.services = [
    { name: 'web', taskDefinition: 'lab-web', desiredCount: 2, networkConfiguration: AWSVPC },
    { name: 'api', taskDefinition: 'lab-api', desiredCount: 1, networkConfiguration: AWSVPC },
    ...(mixed ? [{ name: 'legacy', taskDefinition: 'lab-ec2', desiredCount: 1, launchType: 'EC2' as const }] : []),
  ];
  const h = await startHarness({
    config: testConfig(approvalsConfigYaml()),
    sandbox: { account, timings: { taskStartMs: 0, taskStopMs: 0, instanceShutdownMs: 0 } },
  });
  h.sandbox.world.runTask('lab', {
    taskDefinition: 'lab-batch',
    count: 2,
    startedBy: 'nightly-import',
    awsvpc: { subnets: [SUBNET] },
  });
  return h;
}

describe('/ecs teardown of a Fargate cluster and of a mixed one', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('on Fargate: the plan has no instances to terminate, and once approved the services, tasks and cluster are gone and every ENI released', async () => {
    h = await fargateLab(false);
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    const { message, requestId } = requestMessage(h);
    const plan = shown(message);
    expect(plan).toMatch(/\*2 services\* to scale to 0 and delete/);
    expect(plan).toMatch(/\*2 standalone tasks\* to stop/);
    expect(plan).not.toMatch(/container instances?\* to deregister/);
    expect(plan).not.toMatch(/EC2 instances?\* to terminate/);

    await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });
    const [final] = channelMessages(h);
    expect(final?.text).toMatch(
      /^Teardown of lab: Teardown finished in (under a second|\d+s): 2 services deleted, 2 tasks stopped, the cluster deleted, 2 ECR repositories deleted\.$/,
    );
    expect(await clusterStatus(h, 'lab')).toBe('INACTIVE');
    expect(h.sandbox.callsTo('ec2:TerminateInstances')).toHaveLength(0);
    // DeleteCluster takes the Fargate capacity providers off with it: no PutClusterCapacityProviders first.
    expect(h.sandbox.callsTo('ecs:PutClusterCapacityProviders')).toHaveLength(0);
    expect(h.sandbox.world.vpc().enis.size).toBe(0);
  });

  it('on a mixed cluster: Fargate and EC2 services go, the EC2 instances are terminated, the cluster is deleted', async () => {
    h = await fargateLab(true);
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    const { requestId } = requestMessage(h);
    await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });
    const [final] = channelMessages(h);
    expect(final?.text).toMatch(
      /3 services deleted, 2 tasks stopped, 2 container instances deregistered, 2 EC2 instances terminated, the cluster deleted/,
    );
    expect(await clusterStatus(h, 'lab')).toBe('INACTIVE');
  });
});
