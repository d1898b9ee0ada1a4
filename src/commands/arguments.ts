import { z } from 'zod';

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
export const PageOption = { page: { type: 'string' as const, description: 'page of a long list (the Next button sets it)' } };
export const PageNumber = z
  .string()
  .regex(/^\d+$/, 'the page must be a whole number')
  .transform(Number)
  .pipe(z.number().min(1, 'pages start at 1').max(10_000))
  .default(1);
