import {
  familyNeedsLiveUse,
  familyOf,
  familyOwnership,
  imageOwnership,
  repositoryOwnership,
  type Ownership,
} from './ownership';
import { type Config } from '../config/schema';
import { ChatopsError } from '../errors';

/** A command named a family, repository or image its cluster does not own; nothing was called that changes anything. */
export class NotOwnedError extends ChatopsError {
  constructor(message: string) {
    super('not_owned', message);
  }
}

/**
 * The ownership rule (src/auth/ownership.ts) as each verb's `run` calls it in the worker, before
 * any call that changes anything: it throws NotOwnedError with the refusal. The families a
 * cluster runs now are read only when the rule needs them, once per job, with the job's role.
 */
export interface OwnershipGuard {
  /**
   * `ref` is FAMILY, FAMILY:REV or an ARN. `runByService`: the caller has just read a service of
   * this cluster that runs it (deploy --image, rollback), so it is in use without another read.
   */
  family(ref: string, verb: string, options?: { runByService?: boolean }): Promise<void>;
  repository(name: string, verb: string): void;
  image(uri: string, verb: string): void;
}

/**
 * The two reads the rule may need, with the job's role: the cluster's services (their current
 * deployments too) and its tasks, as far as their task definitions go. A ClusterOps is one.
 */
export interface FamilyReads {
  services: {
    listNames(): Promise<string[]>;
    describeMany(names: string[]): Promise<{ taskDefinition: string; deployments: { taskDefinition: string }[] }[]>;
  };
  tasks: { list(): Promise<{ taskDefinition: string }[]> };
}

export function ownershipGuard(config: Config, alias: string, aws: FamilyReads): OwnershipGuard {
  let running: Promise<string[]> | undefined;
  const liveFamilies = () => (running ??= familiesInUse(aws));
  const enforce = (ownership: Ownership) => {
    if (!ownership.owned) throw new NotOwnedError(ownership.refusal);
  };
  return {
    async family(ref, verb, options = {}) {
      const family = familyOf(ref);
      // Only a cluster without taskDefinitionFamilies, for a family nobody claims, needs the read.
      const live = options.runByService
        ? [family]
        : familyNeedsLiveUse(config, alias, family)
          ? await liveFamilies()
          : [];
      const ownership = familyOwnership(config, alias, family, verb, live);
      // A refusal of a cluster without the key lists everything it runs: a read, and only then.
      if (!ownership.owned && options.runByService && config.clusters[alias]?.taskDefinitionFamilies === undefined) {
        enforce(familyOwnership(config, alias, family, verb, [...new Set([family, ...(await liveFamilies())])]));
      }
      enforce(ownership);
    },
    repository(name, verb) {
      enforce(repositoryOwnership(config, alias, name, verb));
    },
    image(uri, verb) {
      enforce(imageOwnership(config, alias, uri, verb));
    },
  };
}

/**
 * The families this cluster's services (their current deployments too) and running tasks use:
 * ListServices + DescribeServices, ListTasks + DescribeTasks, read only.
 */
export async function familiesInUse(aws: FamilyReads): Promise<string[]> {
  const [services, tasks] = await Promise.all([
    aws.services.listNames().then((names) => aws.services.describeMany(names)),
    aws.tasks.list(),
  ]);
  const refs = [
    ...services.flatMap((s) => [s.taskDefinition, ...s.deployments.map((d) => d.taskDefinition)]),
    ...tasks.map((t) => t.taskDefinition),
  ];
  return [...new Set(refs.filter(Boolean).map(familyOf))].sort();
}
