import { parseEcsId } from '../commands/ecs-ids';
import { parseImage } from '../auth/ownership';
import { NotFoundError } from '../errors';
import { type ClusterOps } from '../aws/access';
import { type ServiceDetail } from '../aws/services';
import { type TaskInfo } from '../aws/tasks';
import { type Evidence, type ImageCheck, failingContainer, reasonText } from './evidence';

/** What gathering needs: the cluster's reads (the job's read role) and two things the worker knows. */
export interface GatherDeps {
  aws: ClusterOps;
  now: number;
  /** Throws when the cluster does not own a repository (its tags are then not listed). */
  ownsRepository: (name: string) => void;
  /** ECS's placement event in words (src/verbs/explanations.ts placementReason), reused, not redone. */
  placementReason: (service: ServiceDetail, message: string) => Promise<string>;
}

/** How many log lines a crash shows, and how many tags a missing one lists. */
export const LOG_LINES = 10;
export const TAGS_SHOWN = 10;
/** ECS keeps stopped tasks about an hour; a service is diagnosed from those. */
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
/** ECS's own words when the load balancer or the container health check had a task replaced. */
export const HEALTH_CHECK_STOP = /failed (ELB|container) health checks/i;
const PLACEMENT_FAILURE = /was unable to place a task/i;
const STARTED_TASKS = /has started \d+ tasks?/i;

/**
 * Reads what a diagnosis rests on, for a task (id, start of an id, ARN) or a service, with as few
 * calls as the cause needs: a task and its definition always; the logs when a container exited;
 * ECR tags when an image could not be pulled; the subnet's routes when a pull or a secret timed
 * out; target health when the service has a load balancer. A read that fails is noted, not fatal.
 */
export async function gatherEvidence(deps: GatherDeps, target: string): Promise<Evidence> {
  const ref = parseEcsId(target, 'task');
  const looksLikeTask = ref?.form === 'id' || (ref?.form === 'prefix' && /\d/.test(ref.prefix));
  if (looksLikeTask) {
    try {
      const task = await deps.aws.tasks.describe(target);
      return await gatherForTask(deps, { kind: 'task', name: target }, task);
    } catch (err) {
      if (!(err instanceof NotFoundError) || !SERVICE_NAME.test(target) || ref?.form === 'id') throw err;
    }
  }
  return gatherForService(deps, target);
}

async function gatherForService(deps: GatherDeps, name: string): Promise<Evidence> {
  const evidence: Evidence = { subject: { kind: 'service', name }, checked: [], unread: [] };
  // Both need only the name: one round trip. A service that does not exist is the answer, whatever the list says.
  const listing = attempt(evidence, 'its stopped tasks', () => deps.aws.tasks.list({ service: name, stopped: true }));
  const service = await deps.aws.services.describe(name);
  evidence.service = service;
  evidence.checked.push(
    `service ${service.name}: ${service.running}/${service.desired} running, its deployments and events`,
  );
  const stopped = await listing;
  evidence.checked.push('the tasks it stopped in the last hour');
  const failed = newestFailure(stopped ?? [], deps.now);
  const placement = latestPlacementFailure(service);
  if (failed && !(placement && placement.createdAt > (failed.stoppedAt ?? failed.stoppingAt ?? 0))) {
    return gatherForTask(deps, evidence.subject, failed, evidence);
  }
  if (service.loadBalancers?.length) await readTargetHealth(deps, evidence, service);
  if (placement) {
    const taskDefinition = await attempt(evidence, `task definition ${service.taskDefinition}`, () =>
      deps.aws.taskDefinitions.describe(service.taskDefinition),
    );
    if (taskDefinition) evidence.taskDefinition = taskDefinition;
    const [instances, explanation] = await Promise.all([
      attempt(evidence, 'the container instances', () => deps.aws.instances.list()),
      deps.placementReason(service, placement.message).catch(() => placement.message),
    ]);
    evidence.checked.push('the free CPU, memory and ports of each container instance');
    const containers = taskDefinition?.containers ?? [];
    const sum = (pick: (c: (typeof containers)[number]) => number | undefined) =>
      containers.reduce((n, c) => n + (pick(c) ?? 0), 0);
    const cpu = taskDefinition?.cpu ? Number(taskDefinition.cpu) : sum((c) => c.cpu) || undefined;
    const memory = taskDefinition?.memory
      ? Number(taskDefinition.memory)
      : sum((c) => c.memory ?? c.memoryReservation) || undefined;
    evidence.placement = {
      event: placement,
      explanation,
      instances: instances ?? [],
      needs: {
        ...(cpu !== undefined ? { cpu } : {}),
        ...(memory !== undefined ? { memory } : {}),
        hostPorts: containers.flatMap((c) =>
          c.ports.filter((p) => p.fixedOnHost).map((p) => p.hostPort ?? p.containerPort ?? 0),
        ),
      },
    };
  }
  return evidence;
}

async function gatherForTask(
  deps: GatherDeps,
  subject: Evidence['subject'],
  task: TaskInfo,
  base?: Evidence,
): Promise<Evidence> {
  const evidence: Evidence = base ?? { subject, checked: [], unread: [] };
  evidence.task = task;
  evidence.checked.push(`task ${task.id.slice(0, 8)}: its stop code and reason, each container's exit code and reason`);
  const text = reasonText(task);
  const [taskDefinition, service] = await Promise.all([
    attempt(evidence, `task definition ${task.taskDefinition}`, () =>
      deps.aws.taskDefinitions.describe(task.taskDefinition),
    ),
    evidence.service || !task.service
      ? Promise.resolve(evidence.service)
      : attempt(evidence, `service ${task.service}`, () => deps.aws.services.describe(task.service!)),
  ]);
  if (taskDefinition) {
    evidence.taskDefinition = taskDefinition;
    evidence.checked.push(
      `task definition ${taskDefinition.taskDefinition}: memory limits, stopTimeout, log configuration, secrets`,
    );
  }
  if (service && !evidence.service) {
    evidence.service = service;
    evidence.checked.push(`service ${service.name}: its deployments and events`);
  }
  const reads: Promise<unknown>[] = [];
  const failing = failingContainer(task);
  if (taskDefinition && task.startedAt !== undefined && failing?.exitCode !== undefined) {
    reads.push(
      attempt(evidence, 'the container logs', () => deps.aws.logs.forTask(task.id, taskDefinition, LOG_LINES)).then(
        (logs) => {
          if (logs) {
            evidence.logs = logs;
            evidence.checked.push('the last lines each container wrote to CloudWatch Logs');
          }
        },
      ),
    );
  }
  if (task.service && task.stoppedAt !== undefined && /OutOfMemory|memory limit|out of memory/i.test(text)) {
    const serviceName = task.service;
    const to = task.stoppedAt;
    reads.push(
      attempt(evidence, `the memory use of service ${serviceName} (CloudWatch)`, () =>
        deps.aws.metrics.serviceUtilization(serviceName, { from: to - 60 * 60_000, to, periodMs: 60_000 }),
      ).then((use) => {
        const values = use?.memory.maximum.values ?? [];
        if (values.length === 0) return;
        evidence.memoryPeak = { service: serviceName, percent: Math.max(...values) };
        evidence.checked.push(`service ${serviceName}: its memory use in the hour before the stop (CloudWatch)`);
      }),
    );
  }
  if (
    /CannotPullContainerError/i.test(text) &&
    /not found|manifest unknown|does not exist/i.test(text) &&
    taskDefinition
  ) {
    reads.push(readImages(deps, evidence, task));
  }
  if (
    /i\/o timeout|dial tcp|context deadline exceeded|connection timed out|RequestError: send request failed/i.test(
      text,
    ) &&
    task.subnetId
  ) {
    const subnetId = task.subnetId;
    reads.push(
      attempt(evidence, `subnet ${subnetId}`, () => deps.aws.network.subnetReach(subnetId)).then((reach) => {
        if (reach) {
          evidence.subnet = reach;
          evidence.checked.push(`subnet ${subnetId}: its route table and the VPC's endpoints`);
        }
      }),
    );
  }
  if (evidence.service?.loadBalancers?.length && !evidence.targetGroups) {
    reads.push(readTargetHealth(deps, evidence, evidence.service));
  }
  await Promise.all(reads);
  return evidence;
}

async function readTargetHealth(deps: GatherDeps, evidence: Evidence, service: ServiceDetail): Promise<void> {
  const arns = (service.loadBalancers ?? []).map((lb) => lb.targetGroupArn);
  const groups = await attempt(evidence, 'the target health of its load balancer', () =>
    deps.aws.loadBalancers.targetHealth(arns),
  );
  if (groups) {
    evidence.targetGroups = groups;
    evidence.checked.push('its target groups: health check path and port, and each target’s health');
  }
}

/** The ECR images of this account's registry the task uses, each with whether its tag exists. */
async function readImages(deps: GatherDeps, evidence: Evidence, task: TaskInfo): Promise<void> {
  const containers = evidence.taskDefinition?.containers ?? [];
  const checks: ImageCheck[] = [];
  for (const c of containers) {
    const image = parseImage(c.image);
    if (!image.ecr || image.ecr.region !== deps.aws.region) continue;
    const repository = image.path;
    const reference = c.image.includes('@') ? c.image.split('@')[1]! : (/:([^/:]+)$/.exec(c.image)?.[1] ?? 'latest');
    try {
      deps.ownsRepository(repository);
    } catch {
      evidence.unread.push(`the tags of repository ${repository} (not one ${deps.aws.alias} owns)`);
      continue;
    }
    try {
      const images = await deps.aws.ecr.images(repository);
      const tags = images.flatMap((i) => i.tags);
      const found = reference.startsWith('sha256:')
        ? images.some((i) => i.digest === reference)
        : tags.includes(reference);
      checks.push({
        container: c.name,
        image: c.image,
        repository,
        reference,
        repositoryExists: true,
        tags: tags.slice(0, TAGS_SHOWN),
        referenceExists: found,
      });
    } catch (err) {
      if (err instanceof NotFoundError) {
        checks.push({
          container: c.name,
          image: c.image,
          repository,
          reference,
          repositoryExists: false,
          tags: [],
          referenceExists: false,
        });
      } else evidence.unread.push(`the images of repository ${repository} (${errorWords(err)})`);
    }
  }
  void task;
  if (checks.length > 0) {
    evidence.images = checks;
    evidence.checked.push('the ECR repositories of its images and their tags');
  }
}

/**
 * The service's newest task that stopped on its own, or was replaced for failing health checks,
 * within the hour ECS keeps stopped tasks. Scale-ins and stops a person asked for are not failures.
 */
function newestFailure(stopped: readonly TaskInfo[], now: number): TaskInfo | undefined {
  return stopped
    .filter((t) => (t.stoppedAt ?? t.stoppingAt ?? now) >= now - 60 * 60 * 1000)
    .filter(
      (t) =>
        HEALTH_CHECK_STOP.test(t.stoppedReason ?? '') ||
        (t.stopCode !== 'UserInitiated' && t.stopCode !== 'ServiceSchedulerInitiated'),
    )
    .sort((a, b) => (b.stoppedAt ?? b.stoppingAt ?? 0) - (a.stoppedAt ?? a.stoppingAt ?? 0))[0];
}

/** The newest "unable to place a task" event, unless the scheduler has started tasks since. */
function latestPlacementFailure(service: ServiceDetail): ServiceDetail['events'][number] | undefined {
  const events = [...service.events].sort((a, b) => b.createdAt - a.createdAt);
  const placement = events.find((e) => PLACEMENT_FAILURE.test(e.message));
  if (!placement) return undefined;
  const started = events.find((e) => STARTED_TASKS.test(e.message));
  if (started && started.createdAt > placement.createdAt) return undefined;
  const missing = service.desired - service.running - service.pending;
  return missing > 0 ? placement : undefined;
}

async function attempt<T>(evidence: Evidence, what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    evidence.unread.push(`${what} (${errorWords(err)})`);
    return undefined;
  }
}

function errorWords(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
