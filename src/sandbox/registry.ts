import { ec2Service } from './ec2';
import { ecrService } from './ecr';
import { ecsService } from './ecs';
import { elbv2Service } from './elbv2';
import { logsService } from './logs';
import type { ServiceDefinition } from './service-module';
import { stsService } from './sts';

/**
 * Every AWS service the sandbox speaks, routed by protocol: JSON services by their
 * X-Amz-Target prefix, query services by the form's Version.
 *
 * To add a service (ECR, CloudWatch Logs): write src/sandbox/<service>.ts exporting
 * `defineService({ name, protocol, errors, createState, actions })` — e.g. ECR is
 * `{ kind: 'json', targetPrefix: 'AmazonEC2ContainerRegistry_V20150921' }`, CloudWatch Logs is
 * `{ kind: 'json', targetPrefix: 'Logs_20140328' }` — and add it to this list. Each action
 * calls `ctx.authorize(resources)` before it reads or changes anything (IAM presets for
 * 'ecr:*' and 'logs:*' are already in iam.ts); state the service keeps beside the world comes
 * from `createState({ world, iam, account, onEvent })`, with its seed under `account.services.<name>`.
 * Errors are `new AwsError(code, message)` from errors.ts.
 */
export const SERVICES: readonly ServiceDefinition[] = [
  stsService,
  ecsService,
  ec2Service,
  ecrService,
  logsService,
  elbv2Service,
];
