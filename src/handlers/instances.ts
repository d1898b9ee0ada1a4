import { z } from 'zod';
import { defineVerb } from '../commands/types';
import { PageNumber, PageOption } from '../commands/arguments';
import { ChatopsError } from '../errors';
import { type ContainerInstanceInfo, type Ec2InstanceDetail, type InstanceOps } from '../aws/types';
import { instanceDetailMessage, instanceListMessage } from '../slack/views/instances';
import { escapeText } from '../slack/message';

/** A container instance id (32 hex, or the first few as lists show), its ARN, or the EC2 instance id. */
export const InstanceRef = z
  .string()
  .regex(
    /^(i-[0-9a-f]{8,17}|[0-9a-f]{4,32}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:container-instance\/[A-Za-z0-9_/-]+)$/,
    'an instance is its EC2 id (i-0abc…), its container instance id (or the first 8 characters) or its ARN',
  );

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
    await ctx.reply.send(instanceListMessage(ctx.alias, await ctx.aws.instances.list(), page));
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
    const found = await ctx.aws.instances.find(id);
    const [ec2, tasks] = await Promise.all([ec2Facts(ctx.aws.instances, found), ctx.aws.tasks.list({ containerInstance: found.arn || found.id })]);
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
async function ec2Facts(ops: InstanceOps, found: ContainerInstanceInfo): Promise<{ detail?: Ec2InstanceDetail; problem?: string }> {
  if (!found.ec2InstanceId) return { problem: 'ECS reports no EC2 instance id for it.' };
  try {
    const detail = await ops.ec2(found.ec2InstanceId);
    return detail ? { detail } : { problem: `EC2 does not know ${escapeText(found.ec2InstanceId)} any more.` };
  } catch (err) {
    if (err instanceof ChatopsError) return { problem: err.message };
    throw err;
  }
}
