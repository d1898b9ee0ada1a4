import { type Deployment as EcsDeployment } from '@aws-sdk/client-ecs';
import { shortTaskDefinition } from './task-definitions';

/** One ECS deployment of a service: the tasks of one task definition revision it is rolling out or keeping. */
export interface Deployment {
  id: string;
  status: string; // PRIMARY | ACTIVE | INACTIVE
  rolloutState?: string; // IN_PROGRESS | COMPLETED | FAILED
  rolloutStateReason?: string;
  taskDefinition: string; // family:revision
  desired: number;
  running: number;
  pending: number;
  failed: number;
  createdAt?: number;
  updatedAt?: number;
}

/** A deployment as DescribeServices (and UpdateService, CreateService) report it. */
export function toDeployment(d: EcsDeployment): Deployment {
  return {
    id: d.id ?? '',
    status: d.status ?? '',
    ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
    ...(d.rolloutStateReason ? { rolloutStateReason: d.rolloutStateReason } : {}),
    taskDefinition: shortTaskDefinition(d.taskDefinition),
    desired: d.desiredCount ?? 0,
    running: d.runningCount ?? 0,
    pending: d.pendingCount ?? 0,
    failed: d.failedTasks ?? 0,
    ...(d.createdAt ? { createdAt: d.createdAt.getTime() } : {}),
    ...(d.updatedAt ? { updatedAt: d.updatedAt.getTime() } : {}),
  };
}
