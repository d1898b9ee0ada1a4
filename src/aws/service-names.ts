import { paginateListServices, type ECSClient } from '@aws-sdk/client-ecs';
import { NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { escapeText } from '../slack/message';

/** ListServices returns at most 100 names a page. */
const LIST_PAGE = 100;

/** Every service name of the cluster, sorted (all pages of ListServices). */
export async function listServiceNames(ecs: ECSClient, cluster: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListServices(
    { client: ecs, pageSize: LIST_PAGE },
    { cluster, maxResults: LIST_PAGE },
  )) {
    for (const arn of page.serviceArns ?? []) names.push(arn.split('/').pop()!);
  }
  return names.sort();
}

/** "There is no service X in prod", with a "did you mean" and up to 30 of the services there are. */
export function noSuchService(alias: string, name: string, names: string[]): NotFoundError {
  const listed =
    names.length === 0
      ? 'It has no services yet.'
      : `Services there: ${names
          .slice(0, 30)
          .map((n) => `\`${escapeText(n)}\``)
          .join(', ')}${names.length > 30 ? ` and ${names.length - 30} more` : ''}.`;
  return new NotFoundError(
    `There is no service \`${escapeText(name)}\` in *${alias}*.${didYouMean(name, names)} ${listed}`,
  );
}
