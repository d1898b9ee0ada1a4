import { parseArgs } from 'node:util';
import { type AnyVerbGrammar } from './grammar';
import { tokenize } from './tokenize';
import { closestName } from './suggest';
import { escapeText } from '../text/escape';
import { type z } from 'zod';

/** `S`: the verbs' type as given (the grammar, or the specs with what they do), handed back as found. */
export type ParsedCommand<S extends AnyVerbGrammar = AnyVerbGrammar> =
  { ok: true; spec: S; args: unknown; words: string[]; clusterFlag?: string } | { ok: false; error: string; spec?: S };

const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;
const NEGATIVE_MARK = '\u0000';

/** Finds the verb (one or two words, or an alias) at the start of the tokens. */
export function findVerb<S extends AnyVerbGrammar>(
  tokens: string[],
  verbs: readonly S[],
): { spec: S; rest: string[] } | undefined {
  const lower = tokens.map((t) => t.toLowerCase());
  const two = lower.slice(0, 2).join(' ');
  const byName = (name: string) => verbs.find((v) => v.verb === name || v.aliases?.includes(name));
  const twoWord = tokens.length >= 2 ? byName(two) : undefined;
  if (twoWord) return { spec: twoWord, rest: tokens.slice(2) };
  const oneWord = lower[0] !== undefined ? byName(lower[0]) : undefined;
  if (oneWord) return { spec: oneWord, rest: tokens.slice(1) };
  return undefined;
}

/**
 * Turns `/ecs` text into a verb and validated arguments, or a message that says what was wrong,
 * shows the usage and an example. Pure: never throws on any input.
 */
export function parseCommand<S extends AnyVerbGrammar>(text: string, verbs: readonly S[]): ParsedCommand<S> {
  return parseWords(tokenize(text), verbs);
}

/** The same, for words already split (buttons, jobs). */
export function parseWords<S extends AnyVerbGrammar>(tokens: string[], verbs: readonly S[]): ParsedCommand<S> {
  if (tokens.length === 0) return parseWords(['help'], verbs);
  const found = findVerb(tokens, verbs);
  if (!found) {
    const names = verbs.flatMap((v) => [v.verb, ...(v.aliases ?? [])]);
    const guess = closestName(tokens[0]!, names) ?? closestName(tokens.slice(0, 2).join(' '), names);
    return {
      ok: false,
      error: `I don't know the command \`${escapeText(tokens[0]!)}\`.${guess ? ` Did you mean \`${guess}\`?` : ''} Type \`/ecs help\` for the list.`,
    };
  }
  const { spec, rest } = found;
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    cluster: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(spec.options ?? {}))
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}) };
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    // parseArgs would read "-1" as a short option; mark negative numbers so they stay arguments.
    const marked = rest.map((t) => (NEGATIVE_NUMBER.test(t) ? NEGATIVE_MARK + t : t));
    const parsed = parseArgs({ args: marked, options, allowPositionals: true, strict: true });
    values = parsed.values as Record<string, string | boolean | undefined>;
    positionals = parsed.positionals.map((p) => (p.startsWith(NEGATIVE_MARK) ? p.slice(1) : p));
  } catch (err) {
    return { ok: false, spec, error: usageError(spec, optionMessage(err, spec)) };
  }
  if (values.help === true) return { ok: false, spec, error: usageText(spec) };
  const named: Record<string, unknown> = {};
  const slots = spec.positionals;
  const restSlot = slots.find((s) => s.rest);
  for (const [i, slot] of slots.entries()) {
    if (slot.rest) named[slot.name] = positionals.slice(i);
    else if (positionals[i] !== undefined) named[slot.name] = positionals[i];
  }
  if (!restSlot && positionals.length > slots.length) {
    const extra = positionals.slice(slots.length).join(' ');
    return { ok: false, spec, error: usageError(spec, `I didn't expect \`${escapeText(extra)}\`.`) };
  }
  for (const [name, value] of Object.entries(values)) {
    if (name !== 'cluster' && name !== 'help' && value !== undefined) named[name] = value;
  }
  const result = spec.args.safeParse(named);
  if (!result.success) return { ok: false, spec, error: usageError(spec, describeIssues(result.error, spec)) };
  const clusterFlag = typeof values.cluster === 'string' ? values.cluster : undefined;
  return { ok: true, spec, args: result.data, words: tokens, ...(clusterFlag !== undefined ? { clusterFlag } : {}) };
}

export function usageText(spec: AnyVerbGrammar): string {
  const lines = [`*/ecs ${spec.usage}* — ${spec.summary}${aliasNote(spec)}`];
  if (spec.scope === 'allClusters') lines.push(`Shows each cluster where you have *${spec.level}* in this channel.`);
  else if (spec.allClustersOption)
    lines.push(
      `Needs *${spec.level}* on the cluster (without a cluster: this channel's default); with \`--${spec.allClustersOption}\`, every cluster where you have *${spec.level}* in this channel.`,
    );
  else if (spec.clusterArgument) {
    // The cluster is the verb's own argument (teardown CLUSTER): --cluster would only repeat it.
    const positional = spec.positionals.find((p) => p.name === spec.clusterArgument);
    const label = positional?.label ?? spec.clusterArgument.toUpperCase();
    lines.push(
      `Needs *${spec.level}* on the cluster ${label} names${positional?.optional ? ` (without ${label}: this channel's default cluster)` : ''}.`,
    );
  } else if (spec.level !== 'none')
    lines.push(`Needs *${spec.level}* on the cluster. Add \`--cluster NAME\` (\`-c\`) to pick a cluster.`);
  for (const [name, o] of Object.entries(spec.options ?? {}))
    lines.push(
      `\`--${name}\`${o.short ? ` (\`-${o.short}\`)` : ''}${o.type === 'string' ? ' VALUE' : ''}: ${o.description}`,
    );
  if (spec.examples.length > 0)
    lines.push(
      `Example${spec.examples.length > 1 ? 's' : ''}: ${spec.examples.map((e) => `\`/ecs ${e}\``).join(', ')}`,
    );
  return lines.join('\n');
}

/** " (also `/ecs status`)" for a verb with aliases. */
export function aliasNote(spec: AnyVerbGrammar): string {
  return spec.aliases?.length ? ` (also ${spec.aliases.map((a) => `\`/ecs ${a}\``).join(', ')})` : '';
}

function usageError(spec: AnyVerbGrammar, problem: string): string {
  return `${problem}\n${usageText(spec)}`;
}

function describeIssues(error: z.ZodError, spec: AnyVerbGrammar): string {
  const issue = error.issues[0];
  if (!issue) return 'Those arguments are not right.';
  const key = String(issue.path[0] ?? '');
  const positional = spec.positionals.find((p) => p.name === key);
  const label = positional ? (positional.label ?? key.toUpperCase()) : `--${key}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${label} is missing.`;
  // Messages that already name the argument ("N must be a whole number") read better unprefixed.
  const message = escapeText(issue.message);
  return message.startsWith(`${label} `)
    ? `${message.charAt(0).toUpperCase()}${message.slice(1)}.`
    : `${label}: ${message}`;
}

function optionMessage(err: unknown, spec: AnyVerbGrammar): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    const known = ['--cluster', ...Object.keys(spec.options ?? {}).map((o) => `--${o}`)];
    const guess = closestName(unknown[1]!, known);
    return `\`${escapeText(unknown[1]!)}\` is not an option of \`${spec.verb}\`.${guess ? ` Did you mean \`${guess}\`?` : ''}`;
  }
  const missingValue = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missingValue) return `\`${missingValue[1]}\` needs a value.`;
  return escapeText(message.replace(/\. To specify a positional argument.*$/s, '.'));
}
