import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { Config } from './schema';

/** Parses and validates config text. Throws ConfigError naming the first bad keys and what was expected. */
export function parseConfig(text: string, source = 'config'): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigError(`${source}: not valid YAML${where}: ${(err as Error).message}`, { cause: err });
  }
  const result = Config.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`${source} is not valid:\n${formatIssues(result.error)}`, { cause: result.error });
  }
  return result.data;
}

export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the config file ${path} (CHATOPS_CONFIG): ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseConfig(text, path);
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `  - ${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('\n');
}

/** JSON Schema of the config file, for editors (yaml-language-server). */
export function configJsonSchema(): object {
  return z.toJSONSchema(Config, { io: 'input', unrepresentable: 'any' });
}
