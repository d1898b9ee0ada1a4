import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  RegisterTaskDefinitionCommand,
  paginateListTaskDefinitions,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ChatopsError, NotFoundError } from '../errors';
import { didYouMean } from '../commands/suggest';
import { awsCall, awsErrorName, type AwsCallContext } from './errors';
import { shortTaskDefinition } from './services';
import { type DeploymentOps, type ImageRevision } from './types';
import { escapeText } from '../slack/message';

/**
 * What DescribeTaskDefinition returns that RegisterTaskDefinition also accepts: a new revision
 * for a new image keeps all of it. The rest (arn, revision, status, requiresAttributes,
 * compatibilities, registeredAt/By, deregisteredAt) is ECS's own bookkeeping. The `satisfies`
 * makes the compiler check each name exists on both sides.
 */
const CARRIED_OVER = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const satisfies readonly (keyof TaskDefinition & keyof RegisterTaskDefinitionCommandInput)[];

/** ListTaskDefinitions returns at most 100 a page. */
const LIST_PAGE = 100;

export function createDeploymentOps(ecs: ECSClient, base: Omit<AwsCallContext, 'action'>): DeploymentOps {
  const ctx = (action: string, resource?: string): AwsCallContext => ({
    ...base,
    action,
    ...(resource ? { resource } : {}),
  });

  /** DescribeTaskDefinition; undefined when ECS does not know it (its ClientException). */
  async function describe(
    ref: string,
    withTags = false,
  ): Promise<{ taskDefinition: TaskDefinition; tags: { key?: string; value?: string }[] } | undefined> {
    try {
      const out = await awsCall(ctx('ecs:DescribeTaskDefinition', `task definition ${ref}`), () =>
        ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: ref, ...(withTags ? { include: ['TAGS'] } : {}) }),
        ),
      );
      return out.taskDefinition ? { taskDefinition: out.taskDefinition, tags: out.tags ?? [] } : undefined;
    } catch (err) {
      if (isUnknownTaskDefinition(err)) return undefined;
      throw err;
    }
  }

  /**
   * ACTIVE revisions of a family, in the order ListTaskDefinitions gives them (asked for newest
   * first, `sort: DESC`), until `stop` says enough. Callers that need an order sort by number.
   */
  async function activeRevisions(family: string, stop: (revision: number) => boolean = () => false): Promise<number[]> {
    return awsCall(ctx('ecs:ListTaskDefinitions', `task definition family ${family}`), async () => {
      const revisions: number[] = [];
      // familyPrefix names one family exactly, despite its name.
      const pages = paginateListTaskDefinitions(
        { client: ecs, pageSize: LIST_PAGE },
        { familyPrefix: family, status: 'ACTIVE', sort: 'DESC', maxResults: LIST_PAGE },
      );
      for await (const page of pages) {
        for (const arn of page.taskDefinitionArns ?? []) {
          const [f, rev] = shortTaskDefinition(arn).split(':');
          if (f !== family || rev === undefined) continue;
          revisions.push(Number(rev));
          if (stop(Number(rev))) return revisions;
        }
      }
      return revisions;
    });
  }

  async function unknownTaskDefinition(ref: string): Promise<never> {
    const [family] = ref.split(':');
    const revisions = await activeRevisions(family!).catch(() => [] as number[]);
    if (revisions.length > 0) {
      throw new NotFoundError(
        `ECS has no task definition \`${escapeText(ref)}\`. ACTIVE revisions of ${escapeText(family ?? '')}: ${revisionList(family!, revisions)}.`,
      );
    }
    const families = await awsCall(ctx('ecs:ListTaskDefinitionFamilies'), () =>
      ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE', maxResults: 100 })),
    )
      .then((out) => out.families ?? [])
      .catch(() => [] as string[]);
    const listed =
      families.length === 0
        ? ''
        : ` Families: ${families
            .slice(0, 30)
            .map((f) => `\`${escapeText(f)}\``)
            .join(', ')}${families.length > 30 ? ' and more' : ''}.`;
    throw new NotFoundError(
      `ECS has no task definition family \`${escapeText(family ?? '')}\`.${didYouMean(family!, families)}${listed}`,
    );
  }

  return {
    async resolve(ref) {
      const found = await describe(ref);
      if (!found) return unknownTaskDefinition(ref);
      const resolved = shortTaskDefinition(found.taskDefinition.taskDefinitionArn);
      if (found.taskDefinition.status !== 'ACTIVE') {
        const family = found.taskDefinition.family ?? ref.split(':')[0]!;
        const revisions = await activeRevisions(family);
        throw new ChatopsError(
          'taskdef_inactive',
          `\`${escapeText(resolved)}\` is ${escapeText(found.taskDefinition.status ?? 'not ACTIVE')} (deregistered), and ECS deploys only ACTIVE revisions.${revisions.length > 0 ? ` ACTIVE revisions of ${escapeText(family)}: ${revisionList(family, revisions)}.` : ` ${escapeText(family)} has no ACTIVE revision.`}`,
        );
      }
      return resolved;
    },

    async previousRevision(taskDefinition) {
      const [family, rev] = taskDefinition.split(':');
      const current = Number(rev);
      // The highest revision number below the current one, read from every page: the order of
      // ListTaskDefinitions is a request (`sort`), not something to stake a rollback on.
      const below = (await activeRevisions(family!)).filter((r) => r < current);
      return below.length > 0 ? `${family}:${Math.max(...below)}` : undefined;
    },

    async registerWithImage(taskDefinition, image, containerName): Promise<ImageRevision> {
      const found = await describe(taskDefinition, true);
      if (!found) return unknownTaskDefinition(taskDefinition);
      const td = found.taskDefinition;
      const containers = td.containerDefinitions ?? [];
      const names = containers.map((c) => c.name ?? '');
      let target: string;
      if (containerName !== undefined) {
        if (!names.includes(containerName)) {
          throw new NotFoundError(
            `\`${escapeText(taskDefinition)}\` has no container \`${escapeText(containerName)}\`.${didYouMean(containerName, names)} Its containers: ${names.map((n) => `\`${escapeText(n)}\``).join(', ')}.`,
          );
        }
        target = containerName;
      } else if (containers.length === 1) {
        target = names[0]!;
      } else {
        throw new ChatopsError(
          'container_ambiguous',
          `\`${escapeText(taskDefinition)}\` has ${containers.length} containers (${names.map((n) => `\`${escapeText(n)}\``).join(', ')}); say which one gets the image with \`--container NAME\`. Nothing was changed.`,
        );
      }
      const previousImage = containers.find((c) => c.name === target)?.image ?? '';
      if (previousImage === image) {
        throw new ChatopsError(
          'image_unchanged',
          `Container \`${escapeText(target)}\` of \`${escapeText(taskDefinition)}\` already runs \`${escapeText(image)}\`, so there is nothing new to deploy. To pull the same tag again, \`/ecs restart\` replaces the tasks.`,
        );
      }
      const carried: Record<string, unknown> = {};
      for (const key of CARRIED_OVER) if (td[key] !== undefined) carried[key] = td[key];
      const input = {
        ...carried,
        family: td.family!,
        containerDefinitions: containers.map((c) => (c.name === target ? { ...c, image } : c)),
      } as RegisterTaskDefinitionCommandInput;
      // Tags come back only when asked for; an empty list is left out (nothing to carry).
      const tags = found.tags.filter((t) => t.key !== undefined);
      if (tags.length > 0) input.tags = tags;
      const out = await awsCall(ctx('ecs:RegisterTaskDefinition', `task definition family ${td.family}`), () =>
        ecs.send(new RegisterTaskDefinitionCommand(input)),
      );
      return {
        from: shortTaskDefinition(td.taskDefinitionArn),
        to: shortTaskDefinition(out.taskDefinition?.taskDefinitionArn),
        container: target,
        previousImage,
        image,
      };
    },
  };
}

function isUnknownTaskDefinition(err: unknown): boolean {
  const name = err instanceof Error && 'awsErrorName' in err ? String(err.awsErrorName) : awsErrorName(err);
  // ECS answers an unknown task definition with ClientException "Unable to describe task definition."
  return (
    name === 'ClientException' &&
    err instanceof Error &&
    /unable to describe|not found|does not exist/i.test(err.message)
  );
}

function revisionList(family: string, revisions: number[]): string {
  const shown = revisions.slice(0, 10).map((r) => `\`${escapeText(family)}:${r}\``);
  return `${shown.join(', ')}${revisions.length > 10 ? ` and ${revisions.length - 10} older` : ''}`;
}
