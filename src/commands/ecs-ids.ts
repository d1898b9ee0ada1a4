/**
 * Every form in which ECS has written a task or container instance id, read in one place: the
 * typed command, a button, and the lookup in src/aws all use this, so they cannot disagree.
 *
 * - ids: 32 hex digits (`4f6e2a1c9d8b4e7fa0b1c2d3e4f5a6b7`) or, in accounts and tasks from before
 *   the long ARN format, a UUID (`9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c`);
 * - ARNs: `arn:aws:ecs:REGION:ACCOUNT:task/ID` (the old form, no cluster) or
 *   `arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID` (the long form), the same with
 *   `container-instance/` ("Amazon Resource Names (ARNs) and IDs", ECS Developer Guide);
 * - the start of an id, as list views show it (`shortId`: the first 8 characters), resolved
 *   against the cluster's own tasks or instances.
 */

import { sliceWhole } from '../unicode';

export type EcsIdKind = 'task' | 'container-instance';

export type EcsIdRef =
  /** A whole id, lower-cased; `cluster` when it came in a long-form ARN. */
  | { form: 'id'; id: string; cluster?: string }
  /** The start of an id (hex, dashes where a UUID has them), lower-cased. */
  | { form: 'prefix'; prefix: string };

const HEX_ID = /^[0-9a-f]{32}$/;
const UUID_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** 4 to 35 characters of an id: hex, dashes only after the first few (a UUID's start). */
const ID_PREFIX = /^[0-9a-f]{4}[0-9a-f-]{0,31}$/;
const ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:(task|container-instance)\/(?:([A-Za-z0-9_-]{1,255})\/)?([0-9a-fA-F-]{32,36})$/;

/** How many characters of an id list views show (a prefix that long is what people copy). */
export const SHORT_ID_LENGTH = 8;

/** The first characters of an id, as lists show it and as `parseEcsId` takes it back. */
export function shortId(id: string): string {
  return sliceWhole(id, SHORT_ID_LENGTH);
}

export function isWholeEcsId(text: string): boolean {
  return HEX_ID.test(text) || UUID_ID.test(text);
}

/** Reads a task or container instance reference, or says undefined when it is none of the forms. */
export function parseEcsId(text: string, kind: EcsIdKind): EcsIdRef | undefined {
  const arn = ARN.exec(text);
  if (arn) {
    const [, resource, cluster, id] = arn;
    const lower = id!.toLowerCase();
    if (resource !== kind || !isWholeEcsId(lower)) return undefined;
    return cluster ? { form: 'id', id: lower, cluster } : { form: 'id', id: lower };
  }
  const lower = text.toLowerCase();
  if (isWholeEcsId(lower)) return { form: 'id', id: lower };
  if (ID_PREFIX.test(lower) && !lower.endsWith('-')) return { form: 'prefix', prefix: lower };
  return undefined;
}

/**
 * Whether an id starts with what was typed. Dashes do not count, so `9c44cd3a6e` finds the UUID
 * `9c44cd3a-6ebc-…` as well as `9c44cd3a-6e` does.
 */
export function idStartsWith(id: string, prefix: string): boolean {
  return id.toLowerCase().replaceAll('-', '').startsWith(prefix.toLowerCase().replaceAll('-', ''));
}

/** The id in an ECS ARN of either form (its last segment), or the text itself when it is no ARN. */
export function idOfArn(arn: string | undefined): string {
  if (!arn) return '';
  return arn.slice(arn.lastIndexOf('/') + 1);
}
