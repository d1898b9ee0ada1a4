import { type ContainerInstanceInfo } from '../aws/instances';
import { type ContainerLogs } from '../aws/logs';
import { type ServiceDetail, type ServiceEvent } from '../aws/services';
import { type TaskDefinitionDetail } from '../aws/task-definitions';
import { type ContainerState, type TaskInfo } from '../aws/tasks';
import { type TargetGroupHealth } from '../aws/load-balancers';
import { type SubnetReach } from '../aws/network';

/**
 * What `why` read about a task or a service before it says anything: plain data, gathered in the
 * worker (gather.ts) and handed to the rules (rules/), which never call AWS themselves.
 */
export interface Evidence {
  /** What the user asked about, as typed (a task id or a service name). */
  subject: { kind: 'task' | 'service'; name: string };
  /** The task diagnosed: the one named, or the service's newest task that stopped on its own. */
  task?: TaskInfo;
  taskDefinition?: TaskDefinitionDetail;
  service?: ServiceDetail;
  /** The last lines of the task's containers (awslogs), when a container exited. */
  logs?: ContainerLogs[];
  /** Each ECR image of this account the task could not pull, and the tags its repository has. */
  images?: ImageCheck[];
  /** The subnet of the task's network interface, when a pull or a secret timed out. */
  subnet?: SubnetReach;
  /** The service's target groups and their targets' health. */
  targetGroups?: TargetGroupHealth[];
  /** A placement failure: the service's newest "unable to place a task" event and what the cluster has. */
  placement?: PlacementEvidence;
  /**
   * After an out-of-memory stop of a service's task: the highest MemoryUtilization (percent of the
   * service's reserved memory, AWS/ECS, Maximum) CloudWatch recorded in the hour before the stop.
   */
  memoryPeak?: { service: string; percent: number };
  /** Every read made, in words ("the task's stop code and reason"), for the reply's "Checked" line. */
  checked: string[];
  /** Reads that failed or were not allowed, and why, so the reply does not pretend it saw them. */
  unread: string[];
}

export interface ImageCheck {
  container: string;
  image: string;
  repository: string;
  /** The tag asked for (`latest` when none), or the digest. */
  reference: string;
  repositoryExists: boolean;
  /** Tags the repository has, newest push first (at most a few). */
  tags: string[];
  /** Whether the reference is among them. */
  referenceExists: boolean;
}

export interface PlacementEvidence {
  event: ServiceEvent;
  /** The event said the way a person would, with the fixed port and instance count (src/verbs/explanations.ts). */
  explanation: string;
  instances: ContainerInstanceInfo[];
  /** What one task needs: CPU units and MiB summed over its containers (or the task size), fixed host ports. */
  needs: { cpu?: number; memory?: number; hostPorts: number[] };
}

/** What a rule found: the cause, the fix, and the evidence quoted (all plain text; the view escapes it). */
export interface Diagnosis {
  /** A short id, for logs and tests: 'out-of-memory', 'unknown', … */
  rule: string;
  cause: string;
  fix: string;
  /** The facts the cause rests on, quoted from what AWS said. */
  quotes: string[];
  /** Log lines worth showing (already the last few). */
  logLines?: { container: string; lines: string[] };
}

/** A rule: evidence in, a diagnosis out, or undefined when it is not this rule's cause. */
export type Rule = (evidence: Evidence) => Diagnosis | undefined;

// ---- small readers the rules share -----------------------------------------------------------

/** The container that stopped the task: an essential one that exited with an error, else any with a reason. */
export function failingContainer(task: TaskInfo): ContainerState | undefined {
  const exited = task.containers.filter((c) => c.exitCode !== undefined && c.exitCode !== 0);
  return (
    exited.find((c) => c.reason !== undefined) ??
    exited.find((c) => c.exitCode !== 143) ??
    exited[0] ??
    task.containers.find((c) => c.reason !== undefined)
  );
}

/** The stopped reason and every container reason, one text to match against. */
export function reasonText(task: TaskInfo | undefined): string {
  if (!task) return '';
  return [task.stoppedReason ?? '', ...task.containers.map((c) => c.reason ?? '')].filter(Boolean).join('\n');
}

/** How long the task ran: from started to stopping (or stopped); undefined when it never started. */
export function ranForMs(task: TaskInfo): number | undefined {
  if (task.startedAt === undefined) return undefined;
  const end = task.stoppingAt ?? task.stoppedAt;
  return end === undefined ? undefined : Math.max(0, end - task.startedAt);
}

/** The last lines one container wrote, if they were read. */
export function logLinesOf(evidence: Evidence, container: string, max = 10): string[] | undefined {
  const logs = evidence.logs?.find((l) => l.container === container);
  if (!logs || logs.kind !== 'events') return undefined;
  return logs.events.slice(-max).map((e) => e.message);
}

/** "40 s", "3 min 5 s", "2 h 4 min" */
export function shortDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 && s < 600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** A container's stop as a quote: "worker: exit 137 — OutOfMemoryError: Container killed due to memory usage". */
export function containerQuote(c: ContainerState): string {
  const exit = c.exitCode === undefined ? 'no exit code' : `exit ${c.exitCode}`;
  return `container ${c.name}: ${exit}${c.reason ? ` — ${c.reason}` : ''}`;
}

/** The task's stop as a quote: "stop code EssentialContainerExited: Essential container in task exited". */
export function stopQuote(task: TaskInfo): string {
  return `stop code ${task.stopCode ?? 'none'}: ${task.stoppedReason ?? 'no stopped reason'}`;
}
