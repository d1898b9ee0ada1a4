import { z } from 'zod';
import { parseEcsId } from './ecs-ids';

/**
 * Every argument type of every verb, in one place, with messages a user can act on. The rules are
 * AWS's own (ECS API Reference, CreateService / CreateCluster / RegisterTaskDefinition /
 * CreateCapacityProvider; ECR API Reference, CreateRepository and PutImage), so a word we accept is
 * one AWS could accept, and a word we refuse could never name anything.
 */

/** ECS names of services, containers, clusters, task definition families and capacity providers: up to 255 letters, digits, - and _. */
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** A task definition revision number, from 1. */
const REVISION = /[1-9]\d{0,9}/;

const ecsName = (message: string) => z.string().regex(ECS_NAME, message);

export const ServiceName = ecsName('a service name has letters, digits, - and _ (up to 255)');
/** A container of a task definition (ECS names containers by the same rule as services). */
export const ContainerName = ecsName('a container name has letters, digits, - and _ (up to 255)');
/** The name of a cluster to create (`cluster create`). */
export const NewClusterName = ecsName('a cluster name has letters, digits, - and _ (up to 255)');
/** A family alone; `web:3` here gets a hint towards `taskdef`. */
export const FamilyName = ecsName(
  'a task definition family has letters, digits, - and _ (for one revision, `/ecs taskdef FAMILY:REV`)',
);
/** `--like SVC`: the service whose network configuration a launch copies. */
export const LikeService = ecsName('--like takes a service name');
export const CapacityProviderName = ecsName(
  '--capacity-provider takes a capacity provider name like FARGATE or FARGATE_SPOT',
);

/** A cluster as typed: its alias from the config, its ECS name, or its ARN. */
export const ClusterWord = z
  .string()
  .regex(/^[A-Za-z0-9_.:/-]{1,300}$/, 'a cluster is its alias from the config (e.g. prod), its name or its ARN');

/** `FAMILY` (its latest ACTIVE revision) or `FAMILY:REV`, as ECS names task definitions. */
export const TaskDefinitionRef = z
  .string()
  .regex(
    new RegExp(`^${ECS_NAME.source.slice(1, -1)}(:${REVISION.source})?$`),
    'a task definition is FAMILY or FAMILY:REVISION, e.g. web or web:4',
  );

/** Exactly one revision, `FAMILY:REV` (deregistering a whole family is not a thing ECS does). */
export const TaskDefinitionRevision = z
  .string()
  .regex(
    new RegExp(`^${ECS_NAME.source.slice(1, -1)}:${REVISION.source}$`),
    'name the revision: FAMILY:REV, like web:3',
  );

/**
 * An ECR repository: lower-case parts of letters and digits joined by . _ -, separated by /
 * (up to 256). Typed capitals are forgiven, since ECR names are lower case.
 */
export const RepositoryName = z
  .string()
  .max(256, 'an ECR repository name is at most 256 characters')
  .transform((name) => name.toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
        'an ECR repository name has letters, digits, . _ - and /',
      ),
  );

export const ImageTag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag has letters, digits, _ . - (up to 128)');

/** An image to deploy: a registry URI with a tag or digest, or a Docker Hub name. */
export const ImageUri = z
  .string()
  .regex(
    /^[a-z0-9][a-zA-Z0-9._\-/:@]{0,254}$/,
    'an image is a URI like 111111111111.dkr.ecr.us-east-1.amazonaws.com/web:1.4 or nginx:1.27',
  );

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

/** `logs` takes a service, or one task by its id (or the start of it) or ARN. */
export const ServiceOrTaskRef = z
  .string()
  .refine(
    (text) => ECS_NAME.test(text) || parseEcsId(text, 'task') !== undefined || /^arn:\S+$/.test(text),
    'name a service, or a task by its id (or the first 8 characters of it) or ARN',
  );
