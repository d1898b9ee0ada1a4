import { z } from 'zod';
import { parseEcsId } from './ecs-ids';

/** Argument types shared by verbs, with messages a user can act on. */

export const ServiceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, 'a service name has letters, digits, - and _ (up to 255)');

/** `FAMILY` (its latest ACTIVE revision) or `FAMILY:REV`, as ECS names task definitions. */
export const TaskDefinitionRef = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}(:[1-9]\d{0,9})?$/, 'a task definition is FAMILY or FAMILY:REVISION, e.g. web or web:4');

export const WholeNumber = (what: string, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${what} must be a whole number, 0 or more`)
    .transform(Number)
    .pipe(z.number().max(max, `${what} can be at most ${max}`));

export const PositiveNumber = (what: string, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${what} must be a whole number, 1 or more`)
    .transform(Number)
    .pipe(z.number().min(1, `${what} must be at least 1`).max(max, `${what} can be at most ${max}`));

/** `--page N` of list verbs (the "Next" button sends it). */
export const PageOption = {
  page: { type: 'string' as const, description: 'page of a long list (the Next button sets it)' },
};
export const PageNumber = z
  .string()
  .regex(/^\d+$/, 'the page must be a whole number')
  .transform(Number)
  .pipe(z.number().min(1, 'pages start at 1').max(10_000))
  .default(1);

/**
 * A task: its id (32 hex, or a UUID in older accounts), the start of it as lists show it, or its
 * ARN with or without the cluster segment (the forms are read in ./ecs-ids.ts).
 */
export const TaskRef = z
  .string()
  .refine(
    (text) => parseEcsId(text, 'task') !== undefined,
    'a task is its id (32 hex characters, or a UUID like 9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c), the first 8 characters as lists show them, or its ARN',
  );

/** EC2 instance ids: `i-` and 8 (older) or 17 hex digits. */
export const EC2_INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** A container instance: its EC2 instance id, its container instance id (any form, or the start of it), or its ARN. */
export const InstanceRef = z
  .string()
  .refine(
    (text) => EC2_INSTANCE_ID.test(text) || parseEcsId(text, 'container-instance') !== undefined,
    'an instance is its EC2 id (i-0abc…), its container instance id (32 hex characters or a UUID, or the first 8 characters as lists show them) or its ARN',
  );
