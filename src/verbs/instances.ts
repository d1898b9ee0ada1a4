import { z } from 'zod';
import { defineVerb } from './context';
import { EC2_INSTANCE_ID, InstanceRef, PageNumber, PageOption } from '../commands/arguments';
import { ChatopsError } from '../errors';
import { type Ec2InstanceDetail, type InstanceOps } from '../aws/instances';
import { instanceDetailMessage, instanceListMessage } from '../slack/views/instances';
import { escapeText } from '../slack/message';

export const instances = defineVerb({
  verb: 'instances',
  level: 'read',
  summary: 'List the container instances: EC2 id, type, state, agent, tasks, CPU and memory left',
  usage: 'instances',
  examples: ['instances', 'instances -c staging'],
  positionals: [],
  options: PageOption,
  args: z.object({ page: PageNumber }),
  visibility: 'ephemeral',
  working: () => 'Listing container instances…',
  async run(ctx, { page }) {
    const list = await ctx.aws.instances.list();
    // No instances: the cluster's capacity providers say whether it runs on Fargate (one more call, only then).
    const providers =
      list.length === 0
        ? await ctx.aws.cluster.describe().then(
            (c) => c.capacityProviders ?? [],
            () => [],
          )
        : [];
    await ctx.reply.send(instanceListMessage(ctx.alias, list, page, providers));
  },
});

export const instance = defineVerb({
  verb: 'instance',
  level: 'read',
  summary: 'One container instance: EC2 state, type, public DNS, private IP, launch time, its tasks',
  usage: 'instance ID',
  examples: ['instance i-0abc1234def567890', 'instance 5f1c2b7a'],
  positionals: [{ name: 'id', label: 'ID' }],
  args: z.object({ id: InstanceRef }),
  visibility: 'ephemeral',
  working: ({ id }) => `Reading instance ${id}…`,
  async run(ctx, { id }) {
    // Fewest round trips: the EC2 facts of an EC2 id are read at once; once the container
    // instance id is known, its tasks are listed while it is described (ListTasks takes the id).
    // The instance's own answer (or "no such instance") still comes first.
    const ec2Early = EC2_INSTANCE_ID.test(id) ? quiet(ec2Facts(ctx.aws.instances, id)) : undefined;
    const direct = await ctx.aws.instances.resolveId(id);
    const tasksEarly = direct ? quiet(ctx.aws.tasks.list({ containerInstance: direct })) : undefined;
    const found = await ctx.aws.instances.find(direct ?? id);
    const [ec2, tasks] = await Promise.all([
      ec2Early && found.ec2InstanceId === id ? ec2Early : ec2Facts(ctx.aws.instances, found.ec2InstanceId),
      tasksEarly ?? ctx.aws.tasks.list({ containerInstance: found.arn || found.id }),
    ]);
    await ctx.reply.send(
      instanceDetailMessage({
        alias: ctx.alias,
        instance: found,
        ...(ec2.detail ? { ec2: ec2.detail } : {}),
        ...(ec2.problem ? { ec2Problem: ec2.problem } : {}),
        tasks,
        now: ctx.clock.now(),
      }),
    );
  },
});

/** EC2 facts are a bonus: without them (say the role lacks ec2:DescribeInstances) the ECS facts still stand. */
async function ec2Facts(
  ops: InstanceOps,
  ec2InstanceId: string | undefined,
): Promise<{ detail?: Ec2InstanceDetail; problem?: string }> {
  if (!ec2InstanceId) return { problem: 'ECS reports no EC2 instance id for it.' };
  try {
    const detail = await ops.ec2(ec2InstanceId);
    return detail ? { detail } : { problem: `EC2 does not know ${escapeText(ec2InstanceId)} any more.` };
  } catch (err) {
    if (err instanceof ChatopsError) return { problem: err.message };
    throw err;
  }
}

/** A promise started early and awaited later: a rejection before then is not "unhandled". */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
