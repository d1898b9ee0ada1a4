import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Duration } from '../config/duration';
import { formatIssues } from '../config/load';
import { ConfigError } from '../errors';
import { type AccountSeed, type TaskBehaviour } from '../sandbox';

/**
 * A scenario is how the simulated account behaves: which task families crash or fail to start,
 * and how fast time runs. Scenarios are YAML files in scenarios/ (`--scenario crashloop`), or any
 * file given by path.
 */
export interface Scenario {
  name: string;
  description: string;
  /** Time speed-up when --speed is not given. */
  speed?: number;
  seed?: number;
  /** Replaces the demo account's task behaviours when present. */
  behaviours?: Record<string, TaskBehaviour>;
}

export const SCENARIOS_DIR = resolve(__dirname, '..', '..', 'scenarios');
export const DEFAULT_SCENARIO = 'demo';

const Crash = z.strictObject({
  after: Duration.describe('how long after it starts the task crashes'),
  jitter: Duration.optional().describe('plus a random part of this, so tasks do not crash in step'),
  exitCode: z.number().int().min(0).max(255),
  reason: z.string().optional(),
  probability: z.number().min(0).max(1).optional(),
});
const FailToStart = z.strictObject({ reason: z.string().min(1), probability: z.number().min(0).max(1).optional() });
const SpotInterruption = z.strictObject({
  after: Duration.describe('how long after a FARGATE_SPOT task starts Fargate takes the capacity back'),
  jitter: Duration.optional(),
  probability: z.number().min(0).max(1).optional(),
});
const Sigterm = z.strictObject({
  response: z
    .enum(['exits', 'handles', 'ignores'])
    .describe(
      'what the process does on SIGTERM: dies of it (exit 143), shuts down (exit 0), ignores it (SIGKILL, exit 137)',
    ),
  shutdown: Duration.optional().describe('how long it takes to exit after SIGTERM'),
  exitCode: z.number().int().min(0).max(255).optional(),
});

const ScenarioFile = z.strictObject({
  description: z.string().min(1),
  speed: z.number().positive().max(3600).optional(),
  seed: z.number().int().optional(),
  behaviours: z
    .record(
      z.string(),
      z.strictObject({
        crash: Crash.optional(),
        failToStart: FailToStart.optional(),
        sigterm: Sigterm.optional(),
        spotInterruption: SpotInterruption.optional(),
      }),
    )
    .optional(),
});

/** `crashloop` (a file in scenarios/) or a path to a YAML file. */
export function loadScenario(ref: string): Scenario {
  const path = /[/\\]|\.ya?ml$/.test(ref) ? resolve(ref) : join(SCENARIOS_DIR, `${ref}.yaml`);
  if (!existsSync(path)) {
    throw new ConfigError(
      `There is no scenario "${ref}". Scenarios: ${scenarioNames().join(', ')} (files in scenarios/), or give a path to a YAML file.`,
    );
  }
  const name = basename(path).replace(/\.ya?ml$/, '');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = ScenarioFile.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path} is not a valid scenario:\n${formatIssues(parsed.error)}`);
  const { description, speed, seed, behaviours } = parsed.data;
  return {
    name,
    description,
    ...(speed !== undefined ? { speed } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(behaviours
      ? {
          behaviours: Object.fromEntries(
            Object.entries(behaviours).map(([family, b]) => [
              family,
              {
                ...(b.crash
                  ? {
                      crash: {
                        afterMs: b.crash.after,
                        exitCode: b.crash.exitCode,
                        ...(b.crash.jitter ? { jitterMs: b.crash.jitter } : {}),
                        ...(b.crash.reason ? { reason: b.crash.reason } : {}),
                        ...(b.crash.probability !== undefined ? { probability: b.crash.probability } : {}),
                      },
                    }
                  : {}),
                ...(b.failToStart ? { failToStart: b.failToStart } : {}),
                ...(b.sigterm
                  ? {
                      sigterm: {
                        response: b.sigterm.response,
                        ...(b.sigterm.shutdown !== undefined ? { shutdownMs: b.sigterm.shutdown } : {}),
                        ...(b.sigterm.exitCode !== undefined ? { exitCode: b.sigterm.exitCode } : {}),
                      },
                    }
                  : {}),
                ...(b.spotInterruption
                  ? {
                      spotInterruption: {
                        afterMs: b.spotInterruption.after,
                        ...(b.spotInterruption.jitter ? { jitterMs: b.spotInterruption.jitter } : {}),
                        ...(b.spotInterruption.probability !== undefined
                          ? { probability: b.spotInterruption.probability }
                          : {}),
                      },
                    }
                  : {}),
              } satisfies TaskBehaviour,
            ]),
          ),
        }
      : {}),
  };
}

export function scenarioNames(): string[] {
  try {
    return readdirSync(SCENARIOS_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''))
      .sort();
  } catch {
    return [];
  }
}

/** The account with the scenario's behaviours in place of its own. */
export function applyScenario(account: AccountSeed, scenario: Scenario): AccountSeed {
  return scenario.behaviours ? { ...account, behaviours: scenario.behaviours } : account;
}
