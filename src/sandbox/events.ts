import type { ContainerInstance, ServiceDeploymentLifecycleStage, Task } from '@aws-sdk/client-ecs';
import type { Logger } from 'pino';
import type { Wire } from './wire';

/**
 * The EventBridge events ECS emits, as delivered to a rule target: the envelope plus detail.
 * Shapes follow "Amazon ECS events" in the ECS Developer Guide
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html):
 * task and container-instance details are the resource as the API describes it (times as ISO
 * strings) plus `updatedAt` and a per-resource `version`; service action events carry no version.
 */
export interface EventEnvelope<TDetailType extends string, TDetail> {
  version: '0';
  id: string;
  'detail-type': TDetailType;
  source: 'aws.ecs';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: TDetail;
}

export type TaskStateChangeDetail = Wire<Task> & { updatedAt: string; version: number };

export type ContainerInstanceStateChangeDetail = Wire<ContainerInstance> & {
  clusterArn: string;
  updatedAt: string;
  version: number;
};

export type ServiceActionEventName =
  'SERVICE_STEADY_STATE' | 'SERVICE_TASK_START_IMPAIRED' | 'SERVICE_TASK_PLACEMENT_FAILURE' | 'TASKS_STOPPED';

export interface ServiceActionDetail {
  eventType: 'INFO' | 'WARN' | 'ERROR';
  eventName: ServiceActionEventName;
  clusterArn: string;
  capacityProviderArns?: string[];
  createdAt: string;
  /** For placement failures: RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:PORTS, … */
  reasons?: string[];
  taskArns?: string[];
}

export interface DeploymentStateChangeDetail {
  eventType: 'INFO' | 'ERROR';
  eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS' | 'SERVICE_DEPLOYMENT_COMPLETED' | 'SERVICE_DEPLOYMENT_FAILED';
  deploymentId: string;
  updatedAt: string;
  reason: string;
}

/** The hook state change events of "Amazon ECS service deployment hook state change events". */
export type HookEventName =
  'HOOK_IN_PROGRESS' | 'HOOK_AWAITING_ACTION' | 'HOOK_SUCCEEDED' | 'HOOK_FAILED' | 'HOOK_TIMED_OUT';

/**
 * The detail of an "ECS Hook State Change" event (Developer Guide, ecs_hook_state_change_events).
 * Its fields are those of the page's one example, a HOOK_AWAITING_ACTION event of a PAUSE hook;
 * the page shows no other event name, so the sandbox gives them the same fields. The envelope's
 * `resources` holds the service deployment's ARN (not the service's, as Deployment State Change has).
 * The sandbox runs only PAUSE hooks, and so never sends HOOK_IN_PROGRESS (a Lambda hook's running).
 */
export interface HookStateChangeDetail {
  /** INFO; ERROR for HOOK_FAILED and HOOK_TIMED_OUT (the sandbox's choice, see service-events.ts). */
  eventType: 'INFO' | 'ERROR';
  eventName: HookEventName;
  hookId: string;
  hookType: 'PAUSE';
  /** When the hook's time-out action happens, to the second as in the example. */
  expiresAt: string;
  lifecycleStage: ServiceDeploymentLifecycleStage;
  clusterArn: string;
  serviceArn: string;
  serviceDeploymentArn: string;
  /** With nine fractional digits, as in the example (the sandbox's clock has milliseconds). */
  updatedAt: string;
}

export type TaskStateChangeEvent = EventEnvelope<'ECS Task State Change', TaskStateChangeDetail>;
export type ContainerInstanceStateChangeEvent = EventEnvelope<
  'ECS Container Instance State Change',
  ContainerInstanceStateChangeDetail
>;
export type ServiceActionEvent = EventEnvelope<'ECS Service Action', ServiceActionDetail>;
export type DeploymentStateChangeEvent = EventEnvelope<'ECS Deployment State Change', DeploymentStateChangeDetail>;
export type HookStateChangeEvent = EventEnvelope<'ECS Hook State Change', HookStateChangeDetail>;

export type EcsEventBridgeEvent =
  | TaskStateChangeEvent
  | ContainerInstanceStateChangeEvent
  | ServiceActionEvent
  | DeploymentStateChangeEvent
  | HookStateChangeEvent;

export type EcsEventListener = (event: EcsEventBridgeEvent) => void;

/**
 * Events are queued while the world changes and delivered once a change is complete, so a
 * listener never sees the world half-way through an operation (and may call back into it).
 */
export class EventBus {
  private readonly listeners = new Set<EcsEventListener>();
  private queue: EcsEventBridgeEvent[] = [];

  constructor(private readonly logger?: Logger) {}

  on(listener: EcsEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Builds the event only when someone listens: seeding 5,000 tasks should not render 5,000 events. */
  enqueue(build: () => EcsEventBridgeEvent): void {
    if (this.listeners.size > 0) this.queue.push(build());
  }

  flush(): void {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      for (const event of batch) {
        for (const listener of [...this.listeners]) {
          try {
            listener(event);
          } catch (error) {
            this.logger?.warn({ err: error, detailType: event['detail-type'] }, 'sandbox event listener threw');
          }
        }
      }
    }
  }
}
