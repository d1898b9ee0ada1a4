/** Shapes that tests and other modules code against. */

export type SandboxServiceName = 'ecs' | 'sts' | 'ec2' | 'ecr' | 'logs' | 'elasticloadbalancing';

export interface AssumedPrincipal {
  kind: 'assumed';
  roleArn: string;
  sessionName: string;
  sourceIdentity?: string;
  tags: Record<string, string>;
}

/** `base` = any access key the sandbox did not issue: the bot's own role. */
export type Principal = { kind: 'base' } | AssumedPrincipal;

export interface SandboxCall {
  service: SandboxServiceName;
  /** The API action, e.g. 'UpdateService'. */
  action: string;
  principal: Principal;
  params: Record<string, unknown>;
  /** The AWS error code returned, if the call failed. */
  error?: string;
  /** Sandbox clock time when the call arrived. */
  at: number;
  /** The Region it was made in (from its credential scope). */
  region?: string;
}

/** `action` matches 'ecs:UpdateService' (a string must match exactly); omitted = every call. */
export type Fault =
  | { kind: 'latency'; action?: string | RegExp; ms: number }
  | { kind: 'throttle'; action?: string | RegExp; rate: number }
  | { kind: 'accessDenied'; action?: string | RegExp; resource?: string; times?: number };

export interface SandboxTimings {
  /** PENDING → RUNNING. */
  taskStartMs: number;
  /**
   * ECS's own steps of a stop, split evenly around the containers' shutdown: RUNNING →
   * DEACTIVATING → STOPPING (the agent sends SIGTERM) before, DEPROVISIONING → STOPPED after.
   * How long the containers take is their own (see TaskBehaviour.sigterm and stopTimeout).
   */
  taskStopMs: number;
  /**
   * SIGTERM → SIGKILL for a container without `stopTimeout` in its task definition: the agent's
   * ECS_CONTAINER_STOP_TIMEOUT, 30 s by default.
   */
  containerStopTimeoutMs: number;
  /**
   * Tasks the service scheduler stops (scale-in, a deployment, a deleted service draining) reach
   * STOPPED this much later than a plain StopTask: ECS first drains their load balancer
   * connections, in DEACTIVATING (the target group's deregistration delay, 300 s by default), so a deleted service
   * can stay DRAINING for minutes. 0 by default.
   */
  serviceDrainMs: number;
  /** EC2 shutting-down → terminated. */
  instanceShutdownMs: number;
  /** How long a STOPPED task stays visible to DescribeTasks/ListTasks (ECS: about an hour). */
  stoppedTaskRetentionMs: number;
}

export const DEFAULT_TIMINGS: SandboxTimings = {
  taskStartMs: 2000,
  taskStopMs: 1000,
  containerStopTimeoutMs: 30_000,
  serviceDrainMs: 0,
  instanceShutdownMs: 5000,
  stoppedTaskRetentionMs: 60 * 60 * 1000,
};
