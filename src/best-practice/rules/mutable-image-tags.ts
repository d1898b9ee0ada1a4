import { type AuditRule } from '../finding';
import { containerResource, taskDefinitionsInUse } from '../subjects';

/**
 * Images named by `latest` or by no tag at all (which Docker reads as `latest`): what runs depends
 * on when a task started, so two tasks of one revision may run different code and a rollback to
 * the revision does not bring the old code back. Pinned by digest (`@sha256:`) is fine.
 */
export const mutableImageTags: AuditRule = {
  id: 'mutable-image-tags',
  checks: 'images tagged latest or not tagged',
  check(e) {
    return taskDefinitionsInUse(e).flatMap(({ td, services }) =>
      td.containers.flatMap((c) => {
        const tag = imageTag(c.image);
        if (tag !== 'latest' && tag !== undefined) return [];
        return [
          {
            rule: 'mutable-image-tags',
            severity: 'medium' as const,
            resource: containerResource(c.name, td.taskDefinition, services),
            problem:
              tag === 'latest'
                ? `Runs image \`${c.image}\` — the \`latest\` tag.`
                : `Runs image \`${c.image}\` with no tag, which means \`latest\`.`,
            why: 'A moving tag makes each new task pull whatever it points to now: tasks of one revision can run different code, and rolling back to this revision does not bring the old code back.',
            fix: 'Tag each build with a version or the commit (or pin the digest, `image@sha256:…`), register a revision that names it, and deploy that revision.',
          },
        ];
      }),
    );
  },
};

/** The tag of an image reference; 'digest' when pinned by digest; undefined when it has none. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return 'digest';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : undefined;
}
