import { type NotificationKind } from '../config/schema';

/** One container of a stopped task, as the message shows it. */
export interface ContainerFact {
  name: string;
  exitCode?: number;
  reason?: string;
}

/** What a message says about one occurrence. Plain data, stored in the window item and rendered by the views. */
export type Fact =
  | {
      type: 'taskStopped';
      taskArn: string;
      taskId: string;
      /** family:revision */
      taskDefinition?: string;
      lastStatus: string;
      stopCode?: string;
      stoppedReason?: string;
      containers: ContainerFact[];
      /** Epoch ms. */
      createdAt?: number;
      startedAt?: number;
      stoppedAt?: number;
      launchType?: string;
    }
  | { type: 'serviceAction'; eventName: string; eventType?: string; reason?: string }
  | { type: 'deployment'; eventName: string; deploymentId?: string; reason?: string; rollback: boolean }
  | {
      type: 'instanceDisconnected';
      containerInstanceArn: string;
      containerInstanceId: string;
      ec2InstanceId?: string;
      since: number;
    };

/** The ECS cluster an event is about, as ECS names it. */
export interface ClusterRef {
  name: string;
  arn?: string;
  /** The region the event came from (the envelope's). */
  region: string;
  /** The account the event came from (the envelope's); an event is routed only to a cluster of that account. */
  account?: string;
}

/** A classified event: something a channel may be told about. */
export interface Occurrence {
  kind: NotificationKind;
  cluster: ClusterRef;
  service?: string;
  /** Two deliveries of the same happening share this key (the task for a stop, else the event id). */
  dedupeKey: string;
  /** Event time, epoch ms. */
  at: number;
  fact: Fact;
}

/** The notification tunables of a route, resolved (service, else cluster, else the defaults in constants.ts). */
export interface NotifySettings {
  /** A window closes, and the next event starts a new message, after this long without events. */
  quietPeriodMs: number;
  /** A window's message is edited at most this often. */
  updateIntervalMs: number;
  /** Occurrences after the first that get their own reply in the thread (0: no thread at all). */
  threadDetails: number;
  /** A disconnect is reported only when no reconnect follows within this time. */
  agentDisconnectGraceMs: number;
}

/** Where an occurrence goes, and how its window behaves. */
export interface Route {
  /** The cluster's alias in the config. */
  alias: string;
  channel: string;
  kinds: readonly NotificationKind[];
  settings: NotifySettings;
}

/** What became of one event in the pipeline (deliver.ts), for logs and tests. */
export type Outcome =
  | { outcome: 'counted'; window: string; count: number }
  | { outcome: 'duplicate'; key: string }
  | { outcome: 'quiet'; reason: string }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'pending'; reason: string }
  | { outcome: 'swept'; items: number };
