import type { AwsVpcConfiguration } from '@aws-sdk/client-ecs';
import type { WorldContext } from './context';
import { pickProvider, type LaunchChoice, type StrategyItem } from './fargate';
import type { ClusterRecord, ContainerInstanceRecord, TaskRecord } from './records';
import { launchTask, requestStop, type LaunchTaskInput } from './tasks';
import { attachEni, NoFreeAddresses, noFreeAddressesReason, type EniRecord } from './vpc';

/**
 * Starts one task the way it was chosen to launch: on an EC2 instance already placed, or on
 * Fargate by a capacity provider (picked from the strategy by base and weight, counting
 * `siblings`, the live tasks of the same service or RunTask call). awsvpc tasks get an ENI.
 */
export function launchChosen(
  ctx: WorldContext,
  cluster: ClusterRecord,
  choice: LaunchChoice,
  awsvpc: AwsVpcConfiguration | undefined,
  input: Omit<LaunchTaskInput, 'instance' | 'cluster' | 'fargate' | 'eni' | 'initFailure'> & {
    instance?: ContainerInstanceRecord;
  },
  siblings: Iterable<TaskRecord>,
): TaskRecord {
  let eni: EniRecord | undefined;
  let initFailure: string | undefined;
  try {
    eni = awsvpc
      ? attachEni(
          ctx,
          ctx.vpc,
          {
            subnets: awsvpc.subnets ?? [],
            securityGroups: awsvpc.securityGroups ?? [],
            assignPublicIp: awsvpc.assignPublicIp === 'ENABLED',
          },
          `arn:aws:ecs:${ctx.region}:${ctx.accountId}:attachment`,
        )
      : undefined;
  } catch (error) {
    // The task is created (RunTask succeeds) and then stops before it runs, as ECS does.
    if (!(error instanceof NoFreeAddresses)) throw error;
    initFailure = noFreeAddressesReason(error.subnet);
  }
  if (choice.launchType === 'EC2') return launchTask(ctx, { ...input, cluster, eni, initFailure });
  const capacityProviderName = choice.strategy ? providerFor(choice.strategy, siblings) : undefined;
  const task = launchTask(ctx, {
    ...input,
    instance: undefined,
    cluster,
    eni,
    initFailure,
    fargate: { capacityProviderName },
  });
  scheduleSpotInterruption(ctx, task);
  return task;
}

function providerFor(strategy: StrategyItem[], siblings: Iterable<TaskRecord>): string {
  const counts = new Map<string, number>();
  for (const t of siblings) {
    if (t.desiredStatus !== 'RUNNING' || !t.capacityProviderName) continue;
    counts.set(t.capacityProviderName, (counts.get(t.capacityProviderName) ?? 0) + 1);
  }
  return pickProvider(strategy, counts);
}

/**
 * Whether the next Fargate task of this choice has capacity: the provider the strategy picks (the
 * FARGATE launch type draws on FARGATE capacity) must not be one the sandbox made unavailable.
 */
export function fargateCapacityAvailable(
  ctx: WorldContext,
  choice: LaunchChoice,
  siblings: Iterable<TaskRecord>,
): boolean {
  if (choice.launchType !== 'FARGATE' || ctx.unavailableCapacity.size === 0) return true;
  const provider = choice.strategy ? providerFor(choice.strategy, siblings) : 'FARGATE';
  return !ctx.unavailableCapacity.has(provider);
}

/** The family's `spotInterruption` behaviour: a FARGATE_SPOT task is reclaimed some time after it starts. */
function scheduleSpotInterruption(ctx: WorldContext, task: TaskRecord): void {
  const spot = ctx.behaviours[task.taskDefinition.family]?.spotInterruption;
  if (!spot || task.capacityProviderName !== 'FARGATE_SPOT') return;
  if (!ctx.chance.chance(spot.probability ?? 1)) return;
  const jitter = spot.jitterMs ? Math.floor(ctx.chance.next() * spot.jitterMs) : 0;
  ctx.timers.schedule(ctx.now + ctx.timings.taskStartMs + Math.max(1, spot.afterMs + jitter), () => {
    if (task.lastStatus === 'RUNNING') interruptSpotTask(ctx, task);
  });
}

/** The stoppedReason AWS gives a Fargate Spot task it reclaims. */
export const SPOT_INTERRUPTION_REASON = 'Your Spot Task was interrupted.';
/**
 * A Fargate Spot interruption: desiredStatus STOPPED with stopCode SpotInterruption at once (the
 * two-minute warning, a Task State Change event) and SIGTERM to the containers, which then stop as
 * any stopped task does (their stopTimeout, at most 120 s on Fargate Spot, bounds it); a service
 * starts a replacement meanwhile ("How do I handle Spot termination notices in AWS Fargate Spot
 * tasks?", AWS Knowledge Center).
 */
export function interruptSpotTask(ctx: WorldContext, task: TaskRecord): boolean {
  if (task.capacityProviderName !== 'FARGATE_SPOT' || task.desiredStatus !== 'RUNNING') return false;
  requestStop(ctx, task, 'SpotInterruption', SPOT_INTERRUPTION_REASON);
  return true;
}
