import { Readable } from 'node:stream';
import { demoAccount, type ManualClock, type Sandbox } from '../../../src/sandbox';
import { assumeRole, clientConfig, startTestSandbox, type Credentials } from '../../../testbed/sandbox';

/**
 * Contract tests hold the sandbox to the response syntax of the AWS API references: the shapes
 * below are written from the references' "Response Syntax" and data-type pages (field names and
 * types), not from the sandbox's code. The unmodified SDK clients make the calls; a middleware
 * keeps the raw HTTP answer so a test sees the status code, the JSON field names as sent and the
 * error `__type` (or the XML error code), which the SDK would otherwise parse away.
 */

/** The reference's member types. JSON 1.1 timestamps are epoch seconds (numbers). */
export type FieldType =
  | 'string'
  | 'integer'
  | 'long'
  | 'double'
  | 'boolean'
  | 'timestamp'
  /** A structure or list the contract does not look into. */
  | 'any'
  | Shape
  | { list: FieldType }
  | { map: FieldType }
  | { enum: readonly string[] };

export interface Shape {
  /** The reference's name for it, e.g. "Task" (API_Task.html). */
  name: string;
  fields: Record<string, FieldType>;
  /** Members this contract expects in every answer (the reference marks response members optional). */
  present?: readonly string[];
}

export const list = (of: FieldType): FieldType => ({ list: of });
export const map = (of: FieldType): FieldType => ({ map: of });
export const oneOf = (...values: string[]): FieldType => ({ enum: values });

/** Every way `value` breaks `type`, as "path: problem" lines (empty when it conforms). */
export function conformance(value: unknown, type: FieldType, path = '$'): string[] {
  if (value === null || value === undefined) return [`${path}: null`];
  if (typeof type === 'string') {
    switch (type) {
      case 'any':
        return [];
      case 'string':
        return typeof value === 'string' ? [] : [`${path}: expected a string, got ${JSON.stringify(value)}`];
      case 'boolean':
        return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
      case 'integer':
      case 'long':
        return Number.isInteger(value) ? [] : [`${path}: expected an integer, got ${JSON.stringify(value)}`];
      case 'double':
      case 'timestamp':
        return typeof value === 'number' && Number.isFinite(value)
          ? []
          : [`${path}: expected a number, got ${JSON.stringify(value)}`];
    }
  }
  if ('enum' in type)
    return typeof value === 'string' && type.enum.includes(value)
      ? []
      : [`${path}: ${JSON.stringify(value)} is not one of ${type.enum.join(' | ')}`];
  if ('list' in type) {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, i) => conformance(item, type.list, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || Array.isArray(value))
    return [`${path}: expected an object (${'map' in type ? 'map' : type.name})`];
  const entries = Object.entries(value as Record<string, unknown>);
  if ('map' in type) return entries.flatMap(([k, v]) => conformance(v, type.map, `${path}.${k}`));
  const problems: string[] = [];
  for (const [key, member] of entries) {
    const fieldType = type.fields[key];
    if (fieldType === undefined) problems.push(`${path}.${key}: not a member of ${type.name}`);
    else problems.push(...conformance(member, fieldType, `${path}.${key}`));
  }
  for (const key of type.present ?? [])
    if (!(key in (value as object))) problems.push(`${path}.${key}: missing from ${type.name}`);
  return problems;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Keeps the last raw HTTP answer a client received (before the SDK parses it). */
type Handler = (args: unknown) => Promise<{ response: unknown }>;
interface MiddlewareAdder {
  add(middleware: (next: Handler) => Handler, options: { step: 'deserialize'; priority: 'low'; name: string }): void;
}

export function recordRaw(client: { middlewareStack: unknown }): { last(): RawAnswer } {
  let last: RawAnswer | undefined;
  (client.middlewareStack as MiddlewareAdder).add(
    (next) => async (args) => {
      const out = await next(args);
      const response = out.response as { statusCode: number; headers: Record<string, string>; body: unknown };
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as AsyncIterable<Buffer | string>)
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      const body = Buffer.concat(chunks);
      last = { status: response.statusCode, headers: response.headers, body: body.toString('utf8') };
      response.body = Readable.from([body]);
      return out;
    },
    // Inside the deserializer: sees the HTTP answer before it is parsed, even one that becomes an error.
    { step: 'deserialize', priority: 'low', name: 'contractRawAnswer' },
  );
  return {
    last() {
      if (!last) throw new Error('no answer recorded yet');
      return last;
    },
  };
}

/** The JSON 1.1 error type as sent: `__type` (possibly namespaced) or the x-amzn-errortype header. */
export function jsonErrorType(answer: RawAnswer): string | undefined {
  const parsed = JSON.parse(answer.body || '{}') as { __type?: string };
  const raw = parsed.__type ?? answer.headers['x-amzn-errortype'];
  return raw?.split('#').pop()?.split(':')[0];
}

/** The error code of an EC2 (`<Response><Errors><Error><Code>`) or STS (`<ErrorResponse><Error><Code>`) answer. */
export function xmlErrorCode(answer: RawAnswer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(answer.body)?.[1];
}

/** Every element name in an XML answer. */
export function xmlElementNames(body: string): Set<string> {
  return new Set([...body.matchAll(/<([A-Za-z][\w.-]*)[\s/>]/g)].map((m) => m[1]!));
}

/**
 * The demo account (clusters demo-prod and demo-staging, services, tasks, instances, ECR
 * repositories, log groups), instant task transitions, and the platform operator's credentials.
 */
export async function contractSandbox(): Promise<{
  sandbox: Sandbox & { clock: ManualClock };
  credentials: Credentials;
  config: ReturnType<typeof clientConfig> & { maxAttempts: number };
}> {
  const sandbox = await startTestSandbox({
    account: demoAccount(),
    timings: { taskStartMs: 0, taskStopMs: 0, instanceShutdownMs: 0 },
  });
  const credentials = await assumeRole(sandbox, 'arn:aws:iam::111111111111:role/sandbox-operator');
  return { sandbox, credentials, config: { ...clientConfig(sandbox, credentials), maxAttempts: 1 } };
}

export interface SuccessCase<TOut> {
  name: string;
  send: () => Promise<TOut>;
  shape: Shape;
}

/**
 * A table per action: the cases (named "Action …") grouped by the action they call, in the order
 * the actions first appear, each action's successes before its errors.
 */
export function tablesPerAction(
  ok: readonly SuccessCase<unknown>[],
  errors: readonly ErrorCase[],
  run: { ok: (c: SuccessCase<unknown>) => Promise<void>; error: (c: ErrorCase) => Promise<void> },
): void {
  const actionOf = (name: string) => /^[A-Za-z]+/.exec(name)![0];
  const actions = [...new Set([...ok, ...errors].map((c) => actionOf(c.name)))];
  for (const action of actions) {
    describe(action, () => {
      const okRows = ok.filter((c) => actionOf(c.name) === action);
      const errorRows = errors.filter((c) => actionOf(c.name) === action);
      if (okRows.length > 0) it.each(okRows)('$name answers in the documented shape', run.ok);
      if (errorRows.length > 0) it.each(errorRows)('$name is $error, HTTP $status', run.error);
    });
  }
}

export interface ErrorCase {
  name: string;
  send: () => Promise<unknown>;
  /** The error name the reference lists for the operation. */
  error: string;
  status: number;
}

/**
 * The checks of a JSON-protocol service's table (AWS JSON 1.0/1.1: ECR, CloudWatch Logs, Application
 * Auto Scaling, CloudWatch): a success is HTTP 200 whose body has the documented shape (and, where
 * given, the protocol's content type); an error is the documented error name and status, on the
 * wire as in the SDK.
 */
export function jsonProtocolChecks(
  /** The recorder, read when a case runs (it is made in beforeAll, after the tables are declared). */
  raw: () => { last(): RawAnswer },
  contentType?: string,
): { ok: (c: SuccessCase<unknown>) => Promise<void>; error: (c: ErrorCase) => Promise<void> } {
  return {
    ok: async (c) => {
      await c.send();
      const answer = raw().last();
      expect(answer.status).toBe(200);
      if (contentType) expect(answer.headers['content-type']).toBe(contentType);
      expect(conformance(JSON.parse(answer.body || '{}'), c.shape)).toEqual([]);
    },
    error: async (c) => {
      await expect(c.send()).rejects.toMatchObject({ name: c.error, $metadata: { httpStatusCode: c.status } });
      const answer = raw().last();
      expect(answer.status).toBe(c.status);
      expect(jsonErrorType(answer)).toBe(c.error);
    },
  };
}
