/**
 * Sequential AWS round trips per verb, from the job's start to its reply (docs/targets.md: equal to
 * the minimum the API allows; the bench prints both).
 *
 * Every AWS call the sandbox answers is made LATENCY_MS slower. Of the calls a verb makes before
 * its reply (the first response_url post, or the plan posted in the channel), a call that had to
 * wait for another arrives at least LATENCY_MS after it; counting those waves gives the
 * sequential round trips, unaffected by the local work around them (`ms` is the whole time to
 * the reply, for reference). Credentials are warm (each verb runs once first), as in a reused
 * worker. The state table (DynamoDB, approval plans) is not counted: it is not in the sandbox.
 *
 * MINIMUM below is reasoned per verb from the API: which call needs an answer of which. It is
 * what the reply needs, not what would be nice: e.g. `scale` must read the old desired count
 * before UpdateService to say "1 → 3", `stop` must read the task before StopTask to tell "it had
 * already stopped, nothing changed" from a stop. A verb at its minimum prints `atMinimum: true`.
 */
import { startHarness, type Harness } from '../testbed/harness';
import { APPROVAL_USERS, OPS, startApprovalHarness } from '../testbed/approvals';
import { testConfig, USERS } from '../testbed/config';
import { taskdefsAccount } from '../testbed/taskdefs-fixtures';
import { report } from './report';

const LATENCY_MS = Number(process.env.ROUND_TRIP_LATENCY_MS ?? 150);

interface VerbCase {
  /** The figure's name, e.g. `task ID`. */
  verb: string;
  /** What is typed, with ids filled in from the sandbox. */
  text: (ids: Ids) => string;
  user?: string;
  minimum: number;
  /** What warms the role up without changing anything; default: the verb itself (read verbs). */
  warmUp?: string;
  /** Why that is the minimum: which call waits for which. */
  why: string;
  /** Where the reply goes; default the command's response_url (`audit` posts in the channel). */
  replyMethod?: string;
}

interface Ids {
  task: string;
  instance: string;
  ec2: string;
}

const CASES: VerbCase[] = [
  { verb: 'whoami', text: () => 'whoami', minimum: 0, why: 'config only' },
  {
    verb: 'clusters',
    text: () => 'clusters',
    minimum: 1,
    why: 'DescribeClusters, each cluster in parallel under its own role',
  },
  {
    verb: 'cluster NAME',
    text: () => 'cluster',
    minimum: 2,
    why: 'DescribeClusters ‖ ListContainerInstances → DescribeContainerInstances (CPU and memory left)',
  },
  {
    verb: 'services',
    text: () => 'services',
    minimum: 2,
    why: 'ListServices → DescribeServices (one page; each further page adds one)',
  },
  {
    verb: 'service SVC',
    text: () => 'service web',
    minimum: 1,
    why: 'DescribeServices holds counts, deployments and events',
  },
  { verb: 'tasks', text: () => 'tasks', minimum: 2, why: 'ListTasks → DescribeTasks' },
  {
    verb: 'task ID',
    text: (i) => `task ${i.task}`,
    minimum: 2,
    why: 'DescribeTasks → DescribeContainerInstances (the EC2 instance needs the task’s container instance)',
  },
  {
    verb: 'task PREFIX',
    text: (i) => `task ${i.task.slice(0, 8)}`,
    minimum: 3,
    why: 'ListTasks (running ‖ stopped) → DescribeTasks → DescribeContainerInstances',
  },
  {
    verb: 'instances',
    text: () => 'instances',
    minimum: 2,
    why: 'ListContainerInstances → DescribeContainerInstances',
  },
  {
    verb: 'instance ID',
    text: (i) => `instance ${i.instance}`,
    minimum: 2,
    why: 'DescribeContainerInstances ‖ ListTasks(containerInstance) → EC2 DescribeInstances ‖ DescribeTasks',
  },
  {
    verb: 'instance EC2-ID',
    text: (i) => `instance ${i.ec2}`,
    minimum: 3,
    why: 'EC2 DescribeInstances at once ‖ ListContainerInstances(filter ec2InstanceId == …) → DescribeContainerInstances ‖ ListTasks(containerInstance) → DescribeTasks',
  },
  { verb: 'taskdefs', text: () => 'taskdefs', minimum: 1, why: 'ListTaskDefinitionFamilies' },
  { verb: 'taskdefs FAMILY', text: () => 'taskdefs worker', minimum: 1, why: 'ListTaskDefinitions ACTIVE ‖ INACTIVE' },
  { verb: 'taskdef FAMILY', text: () => 'taskdef worker', minimum: 1, why: 'DescribeTaskDefinition' },
  {
    verb: 'repos',
    text: () => 'repos',
    minimum: 2,
    why: 'DescribeRepositories → ListImages of each (in parallel): the list shows image counts',
  },
  { verb: 'images REPO', text: () => 'images worker', minimum: 1, why: 'DescribeImages' },
  {
    verb: 'logs SVC',
    text: () => 'logs worker',
    minimum: 4,
    why: 'ListTasks → DescribeTasks → DescribeTaskDefinition (log group of that task’s revision) → GetLogEvents',
  },
  {
    verb: 'logs TASK',
    text: (i) => `logs ${i.task}`,
    minimum: 3,
    why: 'DescribeTasks → DescribeTaskDefinition → GetLogEvents',
  },
  {
    verb: 'why SVC',
    text: () => 'why worker',
    minimum: 4,
    why: 'DescribeServices ‖ ListTasks(STOPPED) → DescribeTasks → DescribeTaskDefinition (its containers, log groups) → GetLogEvents (the crashed container’s last lines); other causes read ECR tags, target health or the subnet’s routes in that last step',
  },
  {
    verb: 'why TASK',
    text: (i) => `why ${i.task}`,
    minimum: 2,
    why: 'DescribeTasks → DescribeTaskDefinition ‖ DescribeServices; a crashed container adds GetLogEvents',
  },
  {
    verb: 'run',
    warmUp: 'run nope',
    text: () => 'run worker',
    minimum: 2,
    why: "DescribeClusters ‖ DescribeTaskDefinition (the cluster's default strategy; awsvpc or Fargate-only?) → RunTask",
  },
  {
    verb: 'start --instance ID',
    warmUp: 'run nope',
    text: (i) => `start worker --instance ${i.instance}`,
    minimum: 1,
    why: 'StartTask ‖ DescribeContainerInstances (the reply names the EC2 instance)',
  },
  {
    verb: 'start --instance EC2-ID',
    warmUp: 'run nope',
    text: (i) => `start worker --instance ${i.ec2}`,
    minimum: 2,
    why: 'ListContainerInstances(filter ec2InstanceId == …) → StartTask ‖ DescribeContainerInstances',
  },
  {
    verb: 'stop TASK',
    warmUp: 'run nope',
    text: (i) => `stop ${i.task}`,
    minimum: 2,
    why: 'DescribeTasks (already stopped? then nothing changes) → StopTask; the follow-up is later',
  },
  {
    verb: 'audit',
    text: () => 'audit',
    replyMethod: 'chat.postMessage',
    minimum: 4,
    why: 'ListContainerInstances → DescribeContainerInstances (the EC2 ids) → EC2 DescribeInstances (their security groups) → DescribeSecurityGroupRules ‖ DescribeSecurityGroups; ListServices → DescribeServices → DescribeTaskDefinition and DescribeClusters alongside',
  },
  {
    verb: 'scale',
    warmUp: 'run nope',
    text: () => 'scale web 2',
    minimum: 2,
    why: 'DescribeServices (the count before) → UpdateService; the follow-up is later',
  },
  {
    verb: 'restart',
    warmUp: 'run nope',
    text: () => 'restart web',
    minimum: 1,
    why: 'UpdateService(forceNewDeployment) answers with the service',
  },
  {
    verb: 'deploy SVC REV',
    warmUp: 'run nope',
    text: () => 'deploy worker worker:1',
    minimum: 2,
    why: 'DescribeServices ‖ DescribeTaskDefinition (ACTIVE?) → UpdateService',
  },
  {
    verb: 'deploy --image',
    warmUp: 'run nope',
    text: () => 'deploy worker --image 111111111111.dkr.ecr.us-east-1.amazonaws.com/worker:2.4.2',
    minimum: 4,
    why: 'DescribeServices (which revision runs) → DescribeTaskDefinition (its containers) → RegisterTaskDefinition → UpdateService',
  },
  {
    verb: 'rollback',
    warmUp: 'run nope',
    text: () => 'rollback worker',
    minimum: 3,
    why: 'DescribeServices → ListTaskDefinitions (every page) → UpdateService',
  },
  {
    verb: 'service create',
    warmUp: 'service create warm nope',
    text: () => 'service create extra worker:2',
    user: USERS.bob,
    minimum: 2,
    why: 'DescribeTaskDefinition (ACTIVE, resolved revision) ‖ DescribeClusters (default strategy) → CreateService',
  },
];

/**
 * Verbs that need approval: the reply is the plan, posted in the channel (chat.postMessage),
 * read from the live cluster. Run in the approvals world (cluster `lab`, 3 services, 2 standalone
 * tasks, 2 instances, 2 ECR repositories).
 */
const GATED: VerbCase[] = [
  {
    verb: 'teardown (the plan)',
    text: () => 'teardown lab',
    minimum: 3,
    why: 'ListServices ‖ ListTasks (running ‖ stopping) ‖ ListContainerInstances ‖ ECR DescribeRepositories → their Describe calls and ListImages → EC2 DescribeInstances (the EC2 ids come from DescribeContainerInstances); DescribeClusters alongside the lists',
  },
  { verb: 'service delete (the plan)', text: () => 'service delete web', minimum: 1, why: 'DescribeServices' },
  {
    verb: 'taskdef deregister (the plan)',
    text: () => 'taskdef deregister lab-web:1',
    minimum: 2,
    why: 'DescribeTaskDefinition ‖ ListServices → DescribeServices (which services still run it)',
  },
  {
    verb: 'repo delete (the plan)',
    text: () => 'repo delete lab/web',
    minimum: 3,
    why: 'DescribeRepositories → ListImages (its image count) ‖ ListServices → DescribeServices → DescribeTaskDefinition of their revisions (which services of the account pull from it)',
  },
];

export async function run(): Promise<void> {
  await runPlain();
  await runGated();
}

async function runGated(): Promise<void> {
  const h = await startApprovalHarness();
  try {
    for (const c of GATED) {
      h.sandbox.clearFaults();
      await h.command(c.text({ task: '', instance: '', ec2: '' }), { user: APPROVAL_USERS.alice, channel: OPS });
      h.sandbox.inject({ kind: 'latency', ms: LATENCY_MS });
      const measured = await roundTrips(
        h,
        c.text({ task: '', instance: '', ec2: '' }),
        APPROVAL_USERS.alice,
        'chat.postMessage',
        OPS,
      );
      reportCase(c, measured);
    }
  } finally {
    h.sandbox.clearFaults();
    await h.stop();
  }
}

async function runPlain(): Promise<void> {
  const h = await startHarness({
    config: testConfig(),
    sandbox: { account: taskdefsAccount() },
    followUpTimeoutMs: 2_000,
  });
  try {
    const web = [...h.sandbox.world.cluster('prod').tasks.values()].find(
      (t) => t.taskDefinition.family === 'worker' && t.desiredStatus === 'RUNNING',
    )!;
    const instance = web.instance!;
    const ids: Ids = { task: web.id, instance: instance.id, ec2: instance.ec2.id };
    for (const c of CASES) {
      // Warm the role's credentials (and anything else a reused worker has), without latency.
      h.sandbox.clearFaults();
      // Read verbs warm up by running once; operate and admin verbs by a call AWS refuses (an
      // unknown task definition), which assumes the same role and changes nothing. It is a family
      // the cluster owns (`nope` in the test config), or the ownership check would refuse it
      // before any AWS call and the role would still be cold.
      await h.command(c.warmUp ?? c.text(ids), { user: c.user ?? USERS.alice });
      h.sandbox.inject({ kind: 'latency', ms: LATENCY_MS });
      reportCase(c, await roundTrips(h, c.text(ids), c.user ?? USERS.alice, c.replyMethod));
    }
  } finally {
    h.sandbox.clearFaults();
    await h.stop();
  }
}

function reportCase(c: VerbCase, measured: { roundTrips: number; calls: number; ms: number }): void {
  report(`round trips: ${c.verb}`, measured.roundTrips, 'sequential AWS calls', {
    minimum: c.minimum,
    atMinimum: measured.roundTrips <= c.minimum,
    calls: measured.calls,
    ms: Math.round(measured.ms),
    latencyMs: LATENCY_MS,
    why: c.why,
  });
}

async function roundTrips(
  h: Harness,
  text: string,
  user: string,
  replyMethod = 'response_url',
  channel?: string,
): Promise<{ roundTrips: number; calls: number; ms: number }> {
  const before = h.sandbox.calls.length;
  const slackBefore = h.slack.calls.length;
  const started = Date.now();
  await h.command(text, { user, ...(channel ? { channel } : {}) });
  const reply = h.slack.calls.slice(slackBefore).find((c) => c.method === replyMethod);
  const ms = (reply?.at ?? Date.now()) - started;
  const onPath = h.sandbox.calls.slice(before).filter((c) => c.at <= (reply?.at ?? Infinity));
  const calls = onPath.length;
  if (process.env.ROUND_TRIP_DEBUG)
    process.stderr.write(
      `${text}: ${h.sandbox.calls
        .slice(before)
        .map((c) => `${c.action}@${c.at - started}`)
        .join(' ')}\n`,
    );
  // A call that waited for another arrives at least LATENCY_MS after it: each call's wave is its
  // arrival (after the first) in units of the latency, and the round trips are the waves.
  const first = onPath[0]?.at ?? started;
  const waves = onPath.length === 0 ? 0 : Math.max(...onPath.map((c) => Math.round((c.at - first) / LATENCY_MS))) + 1;
  return { roundTrips: waves, calls, ms };
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
