import type { Logger } from 'pino';
import type { EcsEventListener } from './events';
import type { AuthResource, Iam } from './iam';
import type { Params } from './protocols/params';
import type { QueryStyle, XmlValue } from './protocols/query';
import type { AccountSeed } from './seed';
import type { Principal, SandboxServiceName } from './types';
import type { SandboxWorld } from './world/world';

/** How a service is spoken on the wire. */
export type ServiceProtocol =
  | {
      kind: 'json';
      /** X-Amz-Target prefix, e.g. 'AmazonEC2ContainerServiceV20141113' */
      targetPrefix: string;
      /** AWS JSON 1.1 (ECS, ECR, Logs) by default; CloudWatch speaks 1.0. */
      version?: '1.0' | '1.1';
    }
  | { kind: 'query'; style: QueryStyle; /** the form's Version */ version: string; xmlns: string };

/** The error codes a service uses for the failures the sandbox itself produces. */
export interface ServiceErrorCodes {
  accessDenied: string;
  /** Prefix of AccessDenied messages (EC2 starts with "You are not authorized to perform this operation."). */
  accessDeniedPrefix?: string;
  throttling: string;
  throttlingMessage: string;
  throttlingStatus?: number;
  expiredToken: string;
  unknownOperation: string;
  validation: string;
}

export interface ActionContext<TState> {
  readonly action: string;
  readonly params: Params;
  readonly principal: Principal;
  readonly world: SandboxWorld;
  readonly iam: Iam;
  readonly state: TState;
  readonly region: string;
  readonly accountId: string;
  /** IAM check of this action on these resources; call it before reading or changing anything. */
  authorize(resources?: AuthResource | readonly AuthResource[]): void;
}

/** A JSON service returns the response object; a query service returns the XML result content. */
export type ActionHandler<TState> = (ctx: ActionContext<TState>) => unknown;

export interface ServiceModuleInit {
  world: SandboxWorld;
  iam: Iam;
  account: AccountSeed;
  /** ECS's EventBridge events, e.g. for CloudWatch Logs to open a log stream when a task starts. */
  onEvent: (listener: EcsEventListener) => () => void;
  logger?: Logger;
}

export interface ServiceModule<TState = undefined> {
  name: SandboxServiceName;
  protocol: ServiceProtocol;
  errors: ServiceErrorCodes;
  /** Per-sandbox state the service keeps beside the world (ECR repositories, log streams). */
  createState: (init: ServiceModuleInit) => TState;
  actions: Record<string, ActionHandler<TState>>;
}

/** A service bound to one sandbox: what the dispatcher routes to. */
export interface BoundService {
  name: SandboxServiceName;
  protocol: ServiceProtocol;
  errors: ServiceErrorCodes;
  hasAction(action: string): boolean;
  run(action: string, ctx: Omit<ActionContext<unknown>, 'state'>): unknown;
}

/** Wraps a module so services with different state types sit in one registry. */
export interface ServiceDefinition {
  name: SandboxServiceName;
  bind(init: ServiceModuleInit): BoundService;
}

export function defineService<TState>(module: ServiceModule<TState>): ServiceDefinition {
  return {
    name: module.name,
    bind(init) {
      const state = module.createState(init);
      return {
        name: module.name,
        protocol: module.protocol,
        errors: module.errors,
        hasAction: (action) => Object.hasOwn(module.actions, action),
        run(action, ctx) {
          const handler = module.actions[action];
          if (!handler) throw new Error(`no handler for ${module.name}:${action}`);
          return handler({ ...ctx, state });
        },
      };
    },
  };
}

/** Query results are XML content; this keeps handler return types honest. */
export function xmlResult(value: XmlValue): XmlValue {
  return value;
}

/** The error names ECS, ECR and CloudWatch Logs share (AWS JSON 1.1 services). */
export const JSON_SERVICE_ERRORS: ServiceErrorCodes = {
  accessDenied: 'AccessDeniedException',
  throttling: 'ThrottlingException',
  throttlingMessage: 'Rate exceeded',
  expiredToken: 'ExpiredTokenException',
  unknownOperation: 'UnknownOperationException',
  validation: 'InvalidParameterException',
};
