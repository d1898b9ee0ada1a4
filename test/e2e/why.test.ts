import { ManualClock, type TaskRecord } from '../../src/sandbox';
import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { sandboxTimeClock } from '../../testbed/sandbox-time';
import { USERS } from '../../testbed/config';
import {
  BILLING_SECRET,
  ECR,
  EXECUTION_ROLE,
  ONLY_P3,
  OOM_REASON,
  PRIVATE_A,
  PRIVATE_B,
  SHOP_TARGET_GROUP,
  whyAccount,
} from '../../testbed/why-fixtures';

type Block = {
  type: string;
  text?: { text: string };
  elements?: { text: string | { text: string }; action_id?: string }[];
};

/** Every text of a reply (sections and context), as the user reads it. */
function shown(reply: Reply | undefined): string {
  return ((reply?.blocks ?? []) as Block[])
    .map((b) => b.text?.text ?? (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')).join(' '))
    .join('\n');
}
const section = (reply: Reply | undefined, label: string) =>
  ((reply?.blocks ?? []) as Block[]).map((b) => b.text?.text ?? '').find((t) => t.startsWith(`*${label}:*`)) ?? '';

/**
 * `/ecs why` through signed Slack requests into the real handler, against the sandbox: each cause
 * is produced by the sandbox (a behaviour of a family, a missing tag, a missing log group), and the
 * reply names it and its fix from what the sandbox reported.
 */
describe('/ecs why names the cause and the fix, with the evidence quoted', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    h = await startHarness({
      clock: sandboxTimeClock(clock),
      sandbox: { account: whyAccount(), clock, timings: { taskStartMs: 0, taskStopMs: 1000 } },
      followUpTimeoutMs: 60_000,
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  const run = (family: string): TaskRecord => h.sandbox.world.runTask('prod', { taskDefinition: family }).tasks[0]!;
  const pass = (ms: number) => {
    clock.advance(ms);
    h.sandbox.tick();
  };

  it('a service whose container is OOM-killed: raise memory (its limit, 256 MiB, shown) or find the leak, only to the user who asked', async () => {
    // A crash every 90 s after each start; 5 s after the latest one its task has STOPPED.
    pass(125_000);
    const stopped = [...h.sandbox.world.cluster('prod').tasks.values()]
      .filter((t) => t.service?.name === 'hog' && t.lastStatus === 'STOPPED')
      .sort((a, b) => b.stoppedAt! - a.stoppedAt!)[0]!;
    expect(stopped.containers[0]).toMatchObject({ exitCode: 137, reason: OOM_REASON });

    const result = await h.command('why hog', { user: USERS.rita });

    const reply = result.replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(section(reply, 'Cause')).toBe(
      '*Cause:* Container hog ran out of memory: it reached its memory limit and was killed (exit 137, OutOfMemoryError).',
    );
    expect(section(reply, 'Fix')).toContain('Raise `memory` of container hog (now 256 MiB) in a new revision of hog');
    expect(section(reply, 'Fix')).toContain('find the leak');
    const text = shown(reply);
    expect(text).toContain(`> container hog: exit 137 — ${OOM_REASON}`);
    expect(text).toContain('> hog: its hard limit is 256 MiB (container memory)');
    // CloudWatch's AWS/ECS MemoryUtilization of the service, Maximum, over the hour before the stop.
    expect(text).toMatch(
      /> service hog: memory use peaked at \d+ % of its reservation in the hour before \(CloudWatch\)/,
    );
    expect(text).toContain(`Why: task ${stopped.id.slice(0, 8)} (hog) in prod`);
    // The sandbox's container wrote its OOM lines to CloudWatch Logs; they are quoted.
    expect(text).toContain('fatal error: runtime: out of memory (limit 256 MiB)');
    for (const write of ['ecs:UpdateService', 'ecs:StopTask', 'ecs:RunTask', 'ecs:RegisterTaskDefinition'])
      expect(h.sandbox.callsTo(write)).toHaveLength(0);
  });

  it('a task killed after its stopTimeout on StopTask: the process does not handle SIGTERM, not out of memory', async () => {
    const task = run('stubborn');
    pass(60_000);
    await h.command(`stop ${task.id}`);
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated' });

    const reply = (await h.command(`why ${task.id.slice(0, 8)}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      '*Cause:* Someone stopped the task (StopTask), and app did not exit on SIGTERM, so ECS killed it with SIGKILL after stopTimeout (2 s): exit 137. Not an out-of-memory kill: no OutOfMemoryError.',
    );
    expect(section(reply, 'Fix')).toContain('Make the process handle SIGTERM and exit');
    expect(shown(reply)).toContain('> app: stopTimeout 2 s');
  });

  it('a task that exits with code 1 three seconds after it starts crashed at start-up, and its last log lines are shown', async () => {
    const task = run('broken');
    pass(10_000);
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' });

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      '*Cause:* The application in api crashed at start-up: it exited with code 1 3 s after the task started.',
    );
    expect(section(reply, 'Fix')).toContain('Its last log lines below say why');
    const text = shown(reply);
    expect(text).toContain('*Last log lines of api*');
    expect(text).toContain('api: exited with code 1');
    expect(text).toContain('the last lines each container wrote to CloudWatch Logs');
  });

  it('an image tag the ECR repository does not have: the reply lists the tags it has', async () => {
    const task = run('worker');
    pass(1_000);
    expect(task.stoppedReason).toMatch(/^CannotPullContainerError: .*not found/);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      `*Cause:* The image ${ECR}/worker:9.9 does not exist: repository worker has no tag 9.9.`,
    );
    expect(section(reply, 'Fix')).toContain('Push 9.9 to worker, or deploy one of the tags it has');
    expect(shown(reply)).toContain('> worker has no tag 9.9; tags it has: ');
    expect(shown(reply)).toMatch(/tags it has: (1\.1, 1\.0|1\.0, 1\.1)/);
    expect(h.sandbox.callsTo('ecr:DescribeImages')).toHaveLength(1);
  });

  it('an ECR repository that refuses the execution role: no permission, and the role to give it to', async () => {
    const task = run('vault');
    pass(1_000);
    expect(task.stoppedReason).toMatch(/403 Forbidden$/);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      `*Cause:* The registry refused the image pull: the task execution role ${EXECUTION_ROLE} has no permission to read the image.`,
    );
    expect(section(reply, 'Fix')).toContain(`Give ${EXECUTION_ROLE} ecr:GetAuthorizationToken`);
    expect(shown(reply)).toContain(`> execution role: ${EXECUTION_ROLE}`);
  });

  it('a log group that does not exist: create it or set awslogs-create-group', async () => {
    const task = run('legacy');
    pass(1_000);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      '*Cause:* The log group the containers log to does not exist (/ecs/gone), so the awslogs driver could not start and the task never ran.',
    );
    expect(section(reply, 'Fix')).toContain('Create the log group /ecs/gone');
  });

  it('a placement failure names the requirement no instance met, with the free CPU and memory of each instance', async () => {
    await h.command('scale web 2 -c staging');
    pass(5_000);

    const reply = (await h.command('why web -c staging')).replies[0]!;

    expect(section(reply, 'Cause')).toContain(
      '*Cause:* ECS could not place a task: no instance met its port requirement',
    );
    expect(section(reply, 'Cause')).toContain('port 80 is already used on the only instance');
    expect(section(reply, 'Fix')).toBe(
      '*Fix:* Use a dynamic host port (hostPort 0) behind a load balancer, or add container instances.',
    );
    expect(shown(reply)).toMatch(
      /> instance i-[0-9a-f]+ \(t3\.medium\): \d+ of \d+ CPU units free, \d+ of \d+ MiB free, 1 tasks/,
    );
    expect(shown(reply)).toContain('one task needs 256 CPU units, 256 MiB, host port 80');
  });

  it('a placement failure for lack of network interfaces (awsvpc on EC2) names the ENI requirement and ENI trunking', async () => {
    h.sandbox.world.createService('prod', {
      name: 'mesh',
      taskDefinition: 'mesh',
      desiredCount: 6,
      awsvpc: { subnets: [PRIVATE_A], securityGroups: [], assignPublicIp: 'DISABLED' },
    });
    pass(5_000);

    const reply = (await h.command('why mesh')).replies[0]!;

    expect(section(reply, 'Cause')).toContain('no instance met its network interface (ENI) requirement');
    expect(section(reply, 'Fix')).toContain('Turn on ENI trunking');
    expect(shown(reply)).toContain('encountered error "RESOURCE:ENI"');
  });

  it('a placement failure for memory names the memory requirement, what one task needs and what each instance has free', async () => {
    h.sandbox.world.createService('prod', { name: 'huge', taskDefinition: 'huge', desiredCount: 1 });
    pass(5_000);

    const reply = (await h.command('why huge')).replies[0]!;

    expect(section(reply, 'Cause')).toContain('no instance met its memory requirement');
    expect(section(reply, 'Fix')).toBe(
      "*Fix:* Add container instances (or larger ones), or lower the task's memory in a new revision.",
    );
    expect(shown(reply)).toContain('> one task needs 64 CPU units, 16000 MiB');
    expect(shown(reply)).toMatch(
      /> instance i-[0-9a-f]+ \(t3\.large\): \d+ of 2048 CPU units free, \d+ of \d+ MiB free/,
    );
  });

  it('a placement constraint no instance meets names the attribute requirement and says to check the constraints against the instances', async () => {
    h.sandbox.world.createService('prod', {
      name: 'pinned',
      taskDefinition: 'pinned',
      desiredCount: 1,
      placementConstraints: [ONLY_P3],
    });
    pass(5_000);

    const reply = (await h.command('why pinned')).replies[0]!;

    expect(section(reply, 'Cause')).toContain(
      '*Cause:* ECS could not place a task: no instance met its attribute requirement',
    );
    expect(section(reply, 'Fix')).toBe(
      '*Fix:* Check the placement constraints and the task definition’s requiresAttributes against the instances (instance type, AMI, agent capabilities), or add an instance that has them.',
    );
    expect(shown(reply)).toMatch(/is missing an attribute required by your task/);
    expect(shown(reply)).toMatch(/> instance i-[0-9a-f]+ \(t3\.[a-z]+\): \d+ of \d+ CPU units free/);
  });

  it('a service failing its load balancer health checks: the reason code, the health check path and port, and the fix', async () => {
    // The ALB judges a target after 2 × 30 s; ECS replaces it about one interval later.
    pass(70_000);

    const reply = (await h.command('why shop')).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      "*Cause:* The load balancer's health checks fail in target group shop (Target.ResponseCodeMismatch: Health checks failed with these codes: [404]), so ECS keeps replacing the tasks.",
    );
    expect(section(reply, 'Fix')).toBe(
      "*Fix:* Make the application answer /healthz with 200, or point the target group's health check at a path that does (or widen the matcher).",
    );
    expect(shown(reply)).toContain('> target group shop: health check HTTP /healthz on port traffic-port');
    expect(shown(reply)).toMatch(
      /> target i-[0-9a-f]+:\d+: unhealthy, Target\.ResponseCodeMismatch — Health checks failed with these codes: \[404\]/,
    );
    expect(h.sandbox.callsTo('elasticloadbalancing:DescribeTargetHealth')).toHaveLength(1);
  });

  it('a task ECS replaced for failing ELB health checks: its stop reason and the unhealthy event of ECS are quoted', async () => {
    pass(100_000);
    const replaced = [...h.sandbox.world.cluster('prod').tasks.values()].find(
      (t) => t.service?.name === 'shop' && t.stopCode === 'ServiceSchedulerInitiated',
    )!;
    expect(replaced.stoppedReason).toMatch(
      /^Task failed ELB health checks in \(target-group arn:aws:elasticloadbalancing:/,
    );

    const reply = (await h.command(`why ${replaced.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toContain('health checks fail in target group shop');
    expect(section(reply, 'Cause')).toContain('Health checks failed with these codes: [404]');
    expect(shown(reply)).toContain(
      `> stop code ServiceSchedulerInitiated: Task failed ELB health checks in (target-group ${SHOP_TARGET_GROUP})`,
    );
    expect(shown(reply)).toMatch(
      /> ECS: \(service shop\) \(task [0-9a-f]{32}\) \(instance i-[0-9a-f]+\) \(port \d+\) is unhealthy in \(target-group shop\) due to \(reason Health checks failed with these codes: \[404\]\)\./,
    );
  });

  const runFargate = (family: string): TaskRecord =>
    h.sandbox.world.runTask('prod', {
      taskDefinition: family,
      launchType: 'FARGATE',
      awsvpc: { subnets: [PRIVATE_A], securityGroups: [], assignPublicIp: 'DISABLED' },
    }).tasks[0]!;

  it('a secret the execution role may not read: the role, the secret and the permission to grant', async () => {
    const task = runFargate('billing');
    pass(1_000);
    expect(task.stoppedReason).toMatch(/^ResourceInitializationError: unable to pull secrets or registry auth: /);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      `*Cause:* The task execution role ${EXECUTION_ROLE} may not read ${BILLING_SECRET}, so the task could not start.`,
    );
    expect(section(reply, 'Fix')).toBe(
      `*Fix:* Allow secretsmanager:GetSecretValue on ${BILLING_SECRET} in ${EXECUTION_ROLE} — and kms:Decrypt if the secret uses a customer managed key.`,
    );
    expect(shown(reply)).toContain(`> secrets in the task definition: ${BILLING_SECRET}`);
  });

  it('an SSM parameter that does not exist: the secret is missing, create it or correct valueFrom', async () => {
    const task = runFargate('ledger');
    pass(1_000);
    expect(task.stoppedReason).toMatch(/unable to retrieve secrets from ssm/);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe('*Cause:* A secret the task definition names does not exist: /ledger/db-url.');
    expect(section(reply, 'Fix')).toContain('Create it, or correct valueFrom in the task definition');
    expect(shown(reply)).toContain('> secrets in the task definition: ledger/db-url');
  });

  it('a Fargate task in a subnet with no free IP address left: its network interface could not be created, use a larger subnet or more subnets', async () => {
    const awsvpc = { subnets: [PRIVATE_B], securityGroups: [], assignPublicIp: 'DISABLED' as const };
    // The seed leaves PRIVATE_B one free address: the first task takes it.
    const first = h.sandbox.world.runTask('prod', { taskDefinition: 'crowd', launchType: 'FARGATE', awsvpc }).tasks[0]!;
    const task = h.sandbox.world.runTask('prod', { taskDefinition: 'crowd', launchType: 'FARGATE', awsvpc }).tasks[0]!;
    pass(1_000);
    expect(first.lastStatus).toBe('RUNNING');
    expect(task.stoppedReason).toMatch(/^ResourceInitializationError: .*InsufficientFreeAddressesInSubnet/);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      '*Cause:* The task’s network interface could not be created: the subnet is out of free IP addresses or the account reached its ENI quota.',
    );
    expect(section(reply, 'Fix')).toContain('Use a larger subnet or add subnets in other Availability Zones');
    expect(shown(reply)).toContain(`(subnet ${PRIVATE_B})`);
  });

  it('a Docker Hub image from a private subnet whose NAT route is gone: no route to the registry, with the route table and endpoints quoted', async () => {
    h.sandbox.world.setNatRoute(PRIVATE_A, false);
    const task = runFargate('edge');
    pass(1_000);
    expect(task.stoppedReason).toMatch(/^CannotPullContainerError: .*i\/o timeout$/);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      `*Cause:* The task could not reach the image registry: the connection timed out. Its subnet ${PRIVATE_A} is private with no NAT gateway and no VPC endpoint for ecr.dkr, ecr.api, s3.`,
    );
    expect(section(reply, 'Fix')).toContain(
      'a NAT gateway as the default route of a private subnet, or VPC endpoints for ECR',
    );
    expect(shown(reply)).toMatch(new RegExp(`> subnet ${PRIVATE_A} \\(route table rtb-[0-9a-f]+\\): no default route`));
    expect(shown(reply)).toContain('> VPC endpoints: ecr.dkr no, ecr.api no, s3 no');
    expect(h.sandbox.callsTo('ec2:DescribeRouteTables')).toHaveLength(1);
  });

  it('an ECR image from that subnet fails on the registry credentials, and why says the same fix', async () => {
    h.sandbox.world.setNatRoute(PRIVATE_A, false);
    const task = runFargate('edge-ecr');
    pass(1_000);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toContain(
      '*Cause:* The task could not reach ECR to fetch the registry credentials',
    );
    expect(section(reply, 'Cause')).toContain(`Its subnet ${PRIVATE_A} is private with no NAT gateway`);
  });

  it('when the read role may not read target health, why says what it could not read and does not call the service healthy', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'elasticloadbalancing:DescribeTargetHealth' });

    const reply = (await h.command('why shop')).replies[0]!;

    expect(section(reply, 'Cause')).toContain('could not be read (below), so I cannot say it is healthy');
    expect(shown(reply)).toContain('Could not read: the target health of its load balancer');
    expect(shown(reply)).toContain('elasticloadbalancing:DescribeTargetHealth');
  });

  it('a cause no rule knows is not guessed: the reply says so, shows the raw reason escaped, and what was checked', async () => {
    const task = run('cron');
    pass(1_000);

    const reply = (await h.command(`why ${task.id}`)).replies[0]!;

    expect(section(reply, 'Cause')).toBe(
      '*Cause:* The cause is not one I recognise, so I will not guess. These are the raw reasons ECS gave.',
    );
    const text = shown(reply);
    expect(text).toContain(
      'stop code TaskFailedToStart: WeirdError: the flux capacitor &lt;!channel&gt; is out of alignment',
    );
    expect(text).not.toContain('<!channel>');
    expect(text).toContain(`Checked: task ${task.id.slice(0, 8)}: its stop code and reason`);
  });

  it('a service that does not exist: the reply names the services there are, and nothing else is read', async () => {
    const result = await h.command('why shopp');
    expect(result.seen).toContain('shopp');
    expect(result.seen).toMatch(/did you mean.*shop/i);
    expect(h.sandbox.callsTo('ecs:DescribeTaskDefinition')).toHaveLength(0);
  });

  it('a healthy service has nothing wrong, and why says so instead of inventing a cause', async () => {
    const reply = (await h.command('why api')).replies[0]!;
    expect(section(reply, 'Cause')).toContain('*Cause:* Nothing is wrong with api that ECS reports');
  });
});
