import { type z } from 'zod';
import { type Level } from '../levels';

/**
 * The grammar of one verb: what a user types, what level it needs, how its words become
 * arguments. Pure data, read by the parser, help, the README's reference and the ack path; what a
 * verb does (`run`, `local`) is added by src/verbs/context.ts.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  /** How usage names it (SVC, N); the name by default, upper-cased. */
  label?: string;
  optional?: boolean;
  rest?: boolean;
}

export interface VerbGrammar<A = unknown> {
  verb: string;
  aliases?: string[];
  /** Level needed; 'none' for verbs that touch no cluster (help, whoami). */
  level: Level | 'none';
  summary: string;
  /** e.g. `scale SVC N` */
  usage: string;
  examples: string[];
  positionals: PositionalSpec[];
  options?: Record<string, OptionSpec>;
  /**
   * The argument that names the cluster, for verbs whose subject is a cluster (`teardown CLUSTER`):
   * it picks the cluster instead of the channel default, and may not contradict `--cluster`.
   */
  clusterArgument?: string;
  /**
   * 'allClusters': the verb spans clusters (`clusters`). No cluster is resolved; the user must have
   * the level on at least one, and each cluster is authorized on its own.
   */
  scope?: 'allClusters';
  /**
   * A boolean option that makes this one run span clusters as `scope: 'allClusters'` does
   * (`audit --all`); without it the verb works on one cluster.
   */
  allClustersOption?: string;
  /** Validates `{ ...positionals by name, ...options }` into the verb's arguments. */
  args: z.ZodType<A>;
  /** Replies visible to the whole channel (operations) or only the user (reads). */
  visibility: 'in_channel' | 'ephemeral';
  /** Short progress text for the ack, e.g. "Scaling web…": plain words (the ack escapes them for mrkdwn). */
  working?: (args: A) => string;
}

/** Type-erased VerbGrammar for lists of verbs (variance of A). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- lists hold verbs of every argument type; each validates its own args with zod before use
export type AnyVerbGrammar = VerbGrammar<any>;

/** Whether this parsed command spans clusters: the grammar's scope, or its `allClustersOption` set. */
export function spansClusters(grammar: AnyVerbGrammar, args: unknown): boolean {
  if (grammar.scope === 'allClusters') return true;
  const option = grammar.allClustersOption;
  return (
    option !== undefined &&
    typeof args === 'object' &&
    args !== null &&
    (args as Record<string, unknown>)[option] === true
  );
}
