import { type Evidence, type Rule, reasonText, stopQuote } from '../evidence';
import { networkQuotes } from './network-words';

const NOT_FOUND = /not found|manifest unknown|does not exist|name unknown/i;
const DENIED = /denied|403 Forbidden|unauthori[sz]ed|no basic auth credentials|AccessDenied/i;
const NO_ROUTE = /i\/o timeout|dial tcp|context deadline exceeded|connection timed out|request canceled while waiting/i;

/**
 * CannotPullContainerError, told apart as the ECS Developer Guide's "CannotPullContainer task
 * errors" does: the image or tag is not there; the registry refused the execution role; the task
 * could not reach the registry at all (a private subnet without a NAT gateway or VPC endpoints).
 */
export const cannotPull: Rule = (e) => {
  const text = reasonText(e.task);
  if (!e.task || !/CannotPullContainerError/i.test(text)) return undefined;
  const reason =
    e.task.containers.find((c) => /CannotPullContainerError/i.test(c.reason ?? ''))?.reason ??
    e.task.stoppedReason ??
    '';
  const quotes = [
    stopQuote(e.task),
    ...(reason && reason !== e.task.stoppedReason ? [`container reason: ${reason}`] : []),
  ];
  if (NO_ROUTE.test(text)) return noRoute(e, quotes);
  if (DENIED.test(text)) {
    const role = e.taskDefinition?.executionRoleArn;
    return {
      rule: 'pull-denied',
      cause: `The registry refused the image pull: ${role ? `the task execution role ${role} has` : 'the task definition has no execution role, so the pull had'} no permission to read the image.`,
      fix: role
        ? `Give ${role} ecr:GetAuthorizationToken, ecr:BatchCheckLayerAvailability, ecr:GetDownloadUrlForLayer and ecr:BatchGetImage (the AmazonECSTaskExecutionRolePolicy managed policy has them), and allow it in the repository policy if the repository is in another account.`
        : 'Set an executionRoleArn with the AmazonECSTaskExecutionRolePolicy managed policy in a new revision, and deploy it.',
      quotes: [...quotes, role ? `execution role: ${role}` : 'no executionRoleArn in the task definition'],
    };
  }
  if (NOT_FOUND.test(text)) return notFound(e, quotes);
  return undefined;
};

function notFound(e: Evidence, quotes: string[]) {
  const missing = (e.images ?? []).filter((i) => !i.referenceExists);
  const found: string[] = [];
  for (const i of missing) {
    if (!i.repositoryExists)
      found.push(`ECR repository ${i.repository} does not exist (image ${i.image} of container ${i.container})`);
    else
      found.push(
        `${i.repository} has no ${i.reference.startsWith('sha256:') ? 'image with digest' : 'tag'} ${i.reference}; tags it has: ${i.tags.length > 0 ? i.tags.join(', ') : 'none'}`,
      );
  }
  const first = missing[0];
  const cause = first
    ? first.repositoryExists
      ? `The image ${first.image} does not exist: repository ${first.repository} has no ${first.reference.startsWith('sha256:') ? 'image with that digest' : `tag ${first.reference}`}.`
      : `The image ${first.image} does not exist: there is no ECR repository ${first.repository} in this account and region.`
    : 'The image (or its tag) does not exist in the registry.';
  const fix = first?.repositoryExists
    ? `Push ${first.reference} to ${first.repository}, or deploy one of the tags it has (\`/ecs deploy SVC --image ${first.image.replace(/[:@][^:@/]+$/, '')}:TAG\`).`
    : first
      ? `Create the repository and push the image, or correct the image name in the task definition.`
      : 'Check the image name and tag in the task definition against what the registry has.';
  return { rule: 'image-not-found', cause, fix, quotes: [...quotes, ...found] };
}

function noRoute(e: Evidence, quotes: string[]) {
  const { quotes: net, verdict } = networkQuotes(e, ['ecr.dkr', 'ecr.api', 's3']);
  return {
    rule: 'pull-no-route',
    cause: `The task could not reach the image registry: the connection timed out.${verdict ? ` ${verdict}` : ''}`,
    fix: 'Give the subnet a route out: a NAT gateway as the default route of a private subnet, or VPC endpoints for ECR (com.amazonaws.REGION.ecr.dkr and ecr.api, and the S3 gateway endpoint for the layers); a task in a public subnet needs assignPublicIp ENABLED.',
    quotes: [...quotes, ...net],
  };
}
