/**
 * Why a task stopped (or could not be placed), in words a person can act on, for the causes that
 * are peculiar to Fargate and awsvpc networking. Plain text (the caller escapes it). Based on the
 * ECS Developer Guide's "Amazon ECS stopped tasks error messages", "Troubleshooting
 * ResourceInitializationError errors" and "CannotPullContainer task errors", and on the Fargate
 * Spot termination notice article of the AWS Knowledge Center.
 */

export interface StopFacts {
  stopCode?: string;
  stoppedReason?: string;
  /** Container reasons, e.g. "CannotPullContainerError: …". */
  reasons?: readonly string[];
  /** The task belongs to a service (whose scheduler replaces it). */
  inService?: boolean;
}

export function explainStop(facts: StopFacts): string | undefined {
  const text = [facts.stoppedReason ?? '', ...(facts.reasons ?? [])].join('\n');
  if (facts.stopCode === 'SpotInterruption') {
    return facts.inService
      ? 'Fargate Spot took its capacity back (a two-minute warning, then SIGTERM). The service starts a replacement on its own; nothing to fix. If this work must not be interrupted, give FARGATE a base or weight in the capacity provider strategy.'
      : 'Fargate Spot took its capacity back (a two-minute warning, then SIGTERM). A standalone task is not replaced: run it again, on FARGATE (`--capacity-provider FARGATE`) if it must not be interrupted.';
  }
  if (/ResourceInitializationError/i.test(text)) {
    if (/secret|ssm|parameter|registry auth|asm/i.test(text)) {
      return 'ResourceInitializationError: the task could not fetch its secrets (Secrets Manager / SSM Parameter Store) before starting. Usual fix: give the task execution role secretsmanager:GetSecretValue or ssm:GetParameters (and kms:Decrypt for a customer key) on those ARNs, and make sure the subnet reaches the service: a NAT gateway, a public IP in a public subnet, or VPC endpoints.';
    }
    if (/log ?group|logger|awslogs|cloudwatch/i.test(text)) {
      return 'ResourceInitializationError: the awslogs log driver could not start, usually because the log group does not exist. Usual fix: create the log group named in awslogs-group (or set awslogs-create-group to true and allow logs:CreateLogGroup on the execution role).';
    }
    if (/\beni\b|network interface|subnet|ip address/i.test(text)) {
      return "ResourceInitializationError: the task's network interface could not be set up. Usual fix: the subnet may be out of free IP addresses or the account at its ENI quota; use a larger or another subnet.";
    }
    return 'ResourceInitializationError: Fargate could not prepare the task (secrets, registry credentials, log driver or network interface). Check the task execution role and that the subnet reaches AWS services (NAT gateway, public IP or VPC endpoints).';
  }
  if (/CannotPullContainerError/i.test(text)) {
    if (
      /i\/o timeout|context deadline exceeded|dial tcp|connection timed out|request canceled while waiting/i.test(text)
    ) {
      return 'CannotPullContainerError: the task could not reach the image registry. A task in a private subnet needs a NAT gateway or VPC endpoints (for ECR: ecr.api, ecr.dkr and the S3 gateway endpoint); one in a public subnet needs assignPublicIp ENABLED.';
    }
    if (/not found|manifest unknown|does not exist/i.test(text)) {
      return 'CannotPullContainerError: the image or tag does not exist in the registry. Check the image name and tag in the task definition.';
    }
    if (/denied|unauthori[sz]ed|forbidden/i.test(text)) {
      return 'CannotPullContainerError: the registry refused the pull. Give the task execution role ecr:GetAuthorizationToken and ecr:BatchGetImage (or the private registry credentials).';
    }
  }
  if (facts.stopCode === 'TaskFailedToStart' && !/CannotPullContainerError/i.test(text)) {
    return 'The task never started: ECS could not prepare it. The stopped reason above says what failed.';
  }
  return undefined;
}

/** A placement failure (service event or RunTask failure reason) about awsvpc or Fargate capacity. */
export function explainPlacement(reason: string): string | undefined {
  if (/RESOURCE:ENI|insufficient (free )?ENI|elastic network interface/i.test(reason)) {
    return 'Every awsvpc task needs its own network interface, and the instances have none left. Usual fix: turn on ENI trunking (the awsvpcTrunking account setting), use instance types with more ENIs, or add instances.';
  }
  if (/capacity is unavailable|insufficient capacity|no capacity/i.test(reason)) {
    return "Fargate had no capacity for the task in the subnets' zones at that moment (most often FARGATE_SPOT). ECS retries; adding subnets in more Availability Zones or FARGATE to the strategy helps.";
  }
  return undefined;
}

/** "port 80 is", "ports 80, 443 are", or (ports unknown) "a host port it needs is": the subject of a port conflict. */
export function portsInUse(fixedHostPorts: readonly number[]): string {
  return fixedHostPorts.length === 0
    ? 'a host port it needs is'
    : fixedHostPorts.length === 1
      ? `port ${fixedHostPorts[0]} is`
      : `ports ${fixedHostPorts.join(', ')} are`;
}

/**
 * ECS's stop codes in words (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html):
 * a `clause` finishes a sentence about the task ("stopped: someone stopped it"), a `label` names
 * the cause in a headline ("task stopped — stopped by a user"). A Map, not an object literal: a
 * stop code from ECS is data, and "constructor" must stay a string.
 */
const STOP_CODE_WORDS = new Map<string, { clause: string; label: string }>([
  ['EssentialContainerExited', { clause: 'an essential container exited', label: 'essential container exited' }],
  ['TaskFailedToStart', { clause: 'it failed to start', label: 'failed to start' }],
  ['UserInitiated', { clause: 'someone stopped it', label: 'stopped by a user' }],
  [
    'ServiceSchedulerInitiated',
    { clause: 'its service stopped it (scale-in or a deployment)', label: 'stopped by the service scheduler' },
  ],
  ['SpotInterruption', { clause: 'a Spot interruption', label: 'Spot interruption' }],
  ['TerminationNotice', { clause: 'its instance was terminated', label: 'termination notice' }],
]);

/** A stop code in words; an unknown code as ECS wrote it; none at all as "no stop code". */
export function stopCodeText(code: string | undefined, style: 'clause' | 'label' = 'clause'): string {
  if (code === undefined) return 'no stop code';
  return STOP_CODE_WORDS.get(code)?.[style] ?? code;
}
