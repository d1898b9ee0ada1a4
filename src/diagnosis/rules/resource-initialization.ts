import { type Rule, reasonText, stopQuote } from '../evidence';
import { networkQuotes } from './network-words';

const SECRETS =
  /unable to (?:pull secrets|retrieve secret|retrieve secrets)|secretsmanager|\bssm\b|from asm|GetParameters/i;
const LOG_GROUP = /log group does not exist|failed to create Cloudwatch log stream|failed to validate logger args/i;
const ENI = /\bENI\b|network interface|insufficient free addresses|IP address/i;
const TIMEOUT = /i\/o timeout|RequestError: send request failed|context deadline exceeded|dial tcp/i;

/**
 * ResourceInitializationError (and the EC2 agent's log stream error): what the task needed before
 * its containers could start — secrets, registry auth, the log group, a network interface — per
 * "Troubleshooting ResourceInitializationError errors in Amazon ECS" (ECS Developer Guide).
 */
export const resourceInitialization: Rule = (e) => {
  const task = e.task;
  const text = reasonText(task);
  if (
    !task ||
    !(/ResourceInitializationError/i.test(text) || (/CannotStartContainerError/i.test(text) && LOG_GROUP.test(text)))
  )
    return undefined;
  const quotes = [stopQuote(task)];
  const role = e.taskDefinition?.executionRoleArn;
  if (LOG_GROUP.test(text)) {
    const groups = [
      ...new Set((e.taskDefinition?.containers ?? []).flatMap((c) => (c.log?.group ? [c.log.group] : []))),
    ];
    if (groups.length > 0) quotes.push(`awslogs-group in the task definition: ${groups.join(', ')}`);
    return {
      rule: 'log-group-missing',
      cause: `The log group the containers log to does not exist${groups.length > 0 ? ` (${groups.join(', ')})` : ''}, so the awslogs driver could not start and the task never ran.`,
      fix: `Create the log group${groups.length === 1 ? ` ${groups[0]}` : ''} in CloudWatch Logs, or set awslogs-create-group to "true" in the task definition (the execution role then needs logs:CreateLogGroup).`,
      quotes,
    };
  }
  if (/ecr registry auth/i.test(text)) {
    if (TIMEOUT.test(text)) {
      const { quotes: net, verdict } = networkQuotes(e, ['ecr.api', 'ecr.dkr', 's3']);
      return {
        rule: 'registry-no-route',
        cause: `The task could not reach ECR to fetch the registry credentials for its image: the call timed out.${verdict ? ` ${verdict}` : ''}`,
        fix: 'Give the subnet a route out: a NAT gateway as the default route of a private subnet, or VPC endpoints for ECR (com.amazonaws.REGION.ecr.api and ecr.dkr, and the S3 gateway endpoint for the layers); in a public subnet, assignPublicIp ENABLED.',
        quotes: [...quotes, ...net],
      };
    }
    quotes.push(role ? `execution role: ${role}` : 'no executionRoleArn in the task definition');
    return {
      rule: 'registry-auth-denied',
      cause: `The task could not get ECR registry credentials with ${role ? `the execution role ${role}` : 'no execution role'}.`,
      fix: `Give ${role ?? 'the task an execution role with'} ecr:GetAuthorizationToken (the AmazonECSTaskExecutionRolePolicy managed policy has it).`,
      quotes,
    };
  }
  if (SECRETS.test(text)) {
    const sources = (e.taskDefinition?.containers ?? []).flatMap((c) => c.secretSources ?? []);
    const named =
      /(arn:aws[a-z-]*:(?:secretsmanager|ssm):[^\s,]+)/.exec(text)?.[1] ?? /invalid parameters: (\S+)/i.exec(text)?.[1];
    if (sources.length > 0) quotes.push(`secrets in the task definition: ${sources.join(', ')}`);
    quotes.push(role ? `execution role: ${role}` : 'no executionRoleArn in the task definition');
    if (TIMEOUT.test(text)) {
      const { quotes: net, verdict } = networkQuotes(e, ['secretsmanager', 'ssm']);
      return {
        rule: 'secrets-no-route',
        cause: `The task could not reach Secrets Manager or SSM to fetch its secrets: the call timed out.${verdict ? ` ${verdict}` : ''}`,
        fix: 'Give the subnet a way out: a NAT gateway, or VPC endpoints for secretsmanager and ssm (and ECR for the image); in a public subnet, assignPublicIp ENABLED.',
        quotes: [...quotes, ...net],
      };
    }
    if (
      /ResourceNotFoundException|ParameterNotFound|InvalidParameters|invalid parameters|can't find the specified secret/i.test(
        text,
      )
    ) {
      return {
        rule: 'secret-missing',
        cause: `A secret the task definition names does not exist${named ? `: ${named}` : ''}.`,
        fix: 'Create it, or correct valueFrom in the task definition (a Secrets Manager ARN, or an SSM parameter name or ARN in the same region), and deploy the new revision.',
        quotes,
      };
    }
    const ssm = /\bssm\b|GetParameters/i.test(text);
    const action = ssm ? 'ssm:GetParameters' : 'secretsmanager:GetSecretValue';
    return {
      rule: 'secrets-denied',
      cause: `The task execution role${role ? ` ${role}` : ''} may not read ${named ? named : `the task's ${ssm ? 'SSM parameters' : 'secrets'}`}, so the task could not start.`,
      fix: `Allow ${action} on ${named ?? 'those ARNs'} in ${role ?? 'an execution role (the task definition has none: set executionRoleArn)'} — and kms:Decrypt if the ${ssm ? 'parameter' : 'secret'} uses a customer managed key.`,
      quotes,
    };
  }
  if (ENI.test(text)) {
    return {
      rule: 'eni-limit',
      cause:
        'The task’s network interface could not be created: the subnet is out of free IP addresses or the account reached its ENI quota.',
      fix: 'Use a larger subnet or add subnets in other Availability Zones to the service; on EC2, turn on ENI trunking (awsvpcTrunking) or use instance types with more ENIs; ask for a higher ENI quota if the account is at it.',
      quotes: [...quotes, ...(e.task?.subnetId ? [`subnet ${e.task.subnetId}`] : [])],
    };
  }
  return undefined;
};
