import { randomUUID } from 'node:crypto';
import { type Config } from '../config/schema';
import { type TeamDirectory } from '../auth/directory';
import { authorize, clustersWith, type UserAccess } from '../auth/policy';
import { lookUpAccess } from '../auth/user-access';
import { noClusterMessage, resolveCluster } from '../auth/resolve-cluster';
import { type Clock } from '../clock';
import { type CommandJob } from '../jobs/job';
import { escapeText, textMessage, type SlackMessage } from '../slack/message';
import { parseWords, type ParsedCommand } from '../commands/parse';
import { type AnyVerbSpec, type CommandUser } from '../verbs/context';
import { spansClusters } from '../commands/grammar';

export interface Invocation {
  words: string[];
  user: CommandUser;
  channelId: string;
  responseUrl: string;
  source: CommandJob['source'];
  /** A button's cluster, which wins over flags and defaults. */
  cluster?: string;
  /** A button's: the job's first in-channel reply replaces the clicked message. */
  replaceOriginal?: boolean;
  /**
   * The signed request's key (src/slack/request-key.ts): the job's id comes from it, so a replay
   * of the request makes the same job, which the worker runs only once. Absent: a random id.
   */
  requestKey?: string;
}

export type Prepared =
  | { kind: 'reply'; message: SlackMessage; outcome: 'ok' | 'refused' | 'usage'; verb: string; cluster?: string }
  | { kind: 'job'; job: CommandJob; spec: AnyVerbSpec; working: string };

export interface PrepareDeps {
  config: Config;
  directory: TeamDirectory;
  verbs: readonly AnyVerbSpec[];
  clock: Clock;
}

/**
 * The ack path: parse, pick the cluster, authorize, and either answer at once or build the job
 * for the worker. Makes no AWS call; the only I/O is the cached user-group lookup.
 */
export async function prepareInvocation(input: Invocation, deps: PrepareDeps): Promise<Prepared> {
  const parsed = parseWords(input.words, deps.verbs);
  if (!parsed.ok)
    return {
      kind: 'reply',
      message: textMessage(parsed.error),
      outcome: 'usage',
      verb: parsed.spec?.verb ?? input.words[0] ?? '',
    };
  const { spec } = parsed;
  const access: UserAccess = await lookUpAccess(deps, input.user.id, input.channelId);

  if (spec.level === 'none') {
    if (!spec.local) throw new Error(`verb ${spec.verb} has neither a level nor a local answer`);
    const message = await spec.local(
      { config: deps.config, user: input.user, channelId: input.channelId, access, verbs: deps.verbs },
      parsed.args,
    );
    return { kind: 'reply', message, outcome: 'ok', verb: spec.verb };
  }

  if (spansClusters(spec, parsed.args)) {
    // Spans clusters: every one the user may use at this level here, each authorized on its own.
    const clusters = clustersWith(access, spec.level).map((alias) => ({ alias, team: access.clusters[alias]!.team! }));
    const first = clusters[0];
    if (!first)
      return { kind: 'reply', message: textMessage(noClusterMessage(access)), outcome: 'refused', verb: spec.verb };
    const working = spec.working ? escapeText(spec.working(parsed.args)) : `Running \`${spec.verb}\`…`;
    return {
      kind: 'job',
      job: commandJob(input, parsed, deps, { alias: first.alias, level: spec.level, team: first.team, clusters }),
      spec,
      working,
    };
  }

  const named = spec.clusterArgument ? (parsed.args as Record<string, unknown>)[spec.clusterArgument] : undefined;
  const clusterWord = typeof named === 'string' ? named : undefined;
  if (clusterWord !== undefined && parsed.clusterFlag !== undefined && clusterWord !== parsed.clusterFlag) {
    return {
      kind: 'reply',
      message: textMessage(
        `\`${spec.verb} ${escapeText(clusterWord)}\` and \`--cluster ${escapeText(parsed.clusterFlag)}\` name different clusters. Name the cluster once: \`/ecs ${spec.usage}\`.`,
      ),
      outcome: 'usage',
      verb: spec.verb,
    };
  }
  const choice = resolveCluster(
    deps.config,
    access,
    input.channelId,
    input.cluster ?? clusterWord ?? parsed.clusterFlag,
  );
  if (!choice.ok) return { kind: 'reply', message: textMessage(choice.message), outcome: 'refused', verb: spec.verb };
  if (input.cluster !== undefined && clusterWord !== undefined) {
    // A button's cluster wins over flags, but a word that names the cluster (teardown's) must agree with it.
    const word = resolveCluster(deps.config, access, input.channelId, clusterWord);
    if (!word.ok || word.alias !== choice.alias) {
      return {
        kind: 'reply',
        message: textMessage(
          `This button is for *${choice.alias}*, but \`${spec.verb} ${escapeText(clusterWord)}\` and it name different clusters. Nothing was changed; type \`/ecs ${spec.usage}\` instead.`,
        ),
        outcome: 'usage',
        verb: spec.verb,
        cluster: choice.alias,
      };
    }
  }
  const decision = authorize(deps.config, access, choice.alias, spec.level, spec.verb);
  if (!decision.allowed)
    return {
      kind: 'reply',
      message: textMessage(decision.reason),
      outcome: 'refused',
      verb: spec.verb,
      cluster: choice.alias,
    };
  // A verb may ask more than a level (who may continue a paused deployment): decided here, from the config.
  const further = spec.mayRun?.(deps.config, access, choice.alias);
  if (further !== undefined)
    return { kind: 'reply', message: textMessage(further), outcome: 'refused', verb: spec.verb, cluster: choice.alias };

  const job = commandJob(input, parsed, deps, { alias: choice.alias, level: spec.level, team: decision.team });
  const working = spec.working ? escapeText(spec.working(parsed.args)) : `Running \`${spec.verb}\`…`;
  return { kind: 'job', job, spec, working: `${working} (${choice.alias})` };
}

function commandJob(
  input: Invocation,
  parsed: Extract<ParsedCommand<AnyVerbSpec>, { ok: true }>,
  deps: PrepareDeps,
  target: { alias: string; level: CommandJob['level']; team: string; clusters?: CommandJob['clusters'] },
): CommandJob {
  return {
    kind: 'command',
    id: input.requestKey ? `slack-${input.requestKey}` : randomUUID(),
    words: parsed.words,
    verb: parsed.spec.verb,
    cluster: target.alias,
    level: target.level,
    team: target.team,
    user: input.user,
    channelId: input.channelId,
    responseUrl: input.responseUrl,
    source: input.source,
    requestedAt: deps.clock.now(),
    ...(target.clusters ? { clusters: target.clusters } : {}),
    ...(input.replaceOriginal ? { replaceOriginal: true } : {}),
  };
}
