import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/**
 * A stand-in for the Slack Web API and for response_url, on 127.0.0.1. It answers the methods the
 * bot uses the way Slack does (`{ ok: true, ... }`, `{ ok: false, error }`, 429 with Retry-After),
 * records every call, and lets a caller script failures. Tests and the playground both use it.
 */
export interface SlackCall {
  /** Web API method (`chat.postMessage`) or `response_url`. */
  method: string;
  /** For response_url calls, the id in the URL. */
  responseId?: string;
  /** The arguments, decoded from form or JSON (JSON-looking form values, like blocks, are parsed). */
  args: Record<string, unknown>;
  /** The bearer token sent, if any. */
  token?: string;
  at: number;
  /** What the stand-in answered. */
  status: number;
}

export interface ScriptedFailure {
  method: string;
  status?: number; // default 429
  retryAfterSeconds?: number; // with 429
  error?: string; // Slack error code for a 200 { ok: false }
  times?: number; // default 1
}

export interface SlackStandinOptions {
  host?: string;
  port?: number;
  /** Members of each Slack user group (usergroups.users.list). */
  usergroups?: Record<string, string[]>;
  /** Display names for users.info. */
  users?: Record<string, { name: string; realName?: string }>;
  botUserId?: string;
  /** Called after every recorded call (the playground renders from here). */
  onCall?: (call: SlackCall) => void;
}

export interface SlackStandin {
  /** Web API base URL, with a trailing slash (what `SLACK_API_URL` / `slackApiUrl` take). */
  readonly apiUrl: string;
  readonly calls: readonly SlackCall[];
  /**
   * A fresh response_url that records what is posted to it. `from`: the message a click came from
   * (a button's message); replace_original / delete_original posted to it act on that message, as
   * Slack's do. Without it, they act on the latest message posted to this response_url.
   */
  responseUrl(id?: string, from?: Pick<StoredMessage, 'channel' | 'ts'>): string;
  callsTo(method: string): SlackCall[];
  /** Messages in a channel as they stand now: posted, then updated/deleted. */
  messages(channel: string): StoredMessage[];
  fail(failure: ScriptedFailure): void;
  setUsergroup(id: string, members: string[]): void;
  reset(): void;
  stop(): Promise<void>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  user?: string;
  ephemeral?: boolean;
}

/** Where the stand-in keeps what was posted to a response_url (by its id), for `messages(…)`. */
export function responseUrlChannel(responseId: string): string {
  return `response:${responseId}`;
}

export async function startSlackStandin(options: SlackStandinOptions = {}): Promise<SlackStandin> {
  const calls: SlackCall[] = [];
  const failures: (ScriptedFailure & { status: number; times: number })[] = [];
  const usergroups = new Map(Object.entries(options.usergroups ?? {}));
  const messages = new Map<string, StoredMessage[]>();
  /** The message each click's response_url acts on, by response id. */
  const clickedMessages = new Map<string, Pick<StoredMessage, 'channel' | 'ts'>>();
  let tsCounter = 0;
  let responseCounter = 0;
  const nextTs = (): string => {
    tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      send(res, 500, { ok: false, error: 'internal_error', detail: String(err) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const body = await readBody(req);
    const args = decodeArgs(body, req.headers['content-type'] ?? '');
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') ||
      (typeof args.token === 'string' ? args.token : undefined);
    const response = url.pathname.startsWith('/response/');
    const method = response ? 'response_url' : url.pathname.replace(/^\/api\//, '');
    const call: SlackCall = { method, args, at: Date.now(), status: 200, ...(token ? { token } : {}) };
    if (response) call.responseId = decodeURIComponent(url.pathname.slice('/response/'.length));

    const failureIndex = failures.findIndex((f) => f.method === method);
    if (failureIndex >= 0) {
      const failure = failures[failureIndex]!;
      failure.times -= 1;
      if (failure.times <= 0) failures.splice(failureIndex, 1);
      call.status = failure.status;
      record(call);
      if (failure.status === 429) {
        res.setHeader('Retry-After', String(failure.retryAfterSeconds ?? 1));
        send(res, 429, { ok: false, error: 'ratelimited' });
      } else if (failure.status === 200) {
        send(res, 200, { ok: false, error: failure.error ?? 'internal_error' });
      } else {
        send(res, failure.status, { ok: false, error: failure.error ?? 'fatal_error' });
      }
      return;
    }
    record(call);
    if (response) {
      applyResponseUrl(call);
      send(res, 200, { ok: true });
      return;
    }
    send(res, 200, answer(method, args));
  }

  function record(call: SlackCall): void {
    calls.push(call);
    options.onCall?.(call);
  }

  function channelMessages(channel: string): StoredMessage[] {
    let list = messages.get(channel);
    if (!list) {
      list = [];
      messages.set(channel, list);
    }
    return list;
  }

  function applyResponseUrl(call: SlackCall): void {
    const clicked = clickedMessages.get(call.responseId ?? '');
    if (clicked && (call.args.replace_original === true || call.args.delete_original === true)) {
      const list = channelMessages(clicked.channel);
      const index = list.findIndex((m) => m.ts === clicked.ts);
      if (index < 0) return;
      const { channel, ts, threadTs } = list[index]!;
      if (call.args.delete_original === true) list.splice(index, 1);
      else list[index] = { channel, ts, ...(threadTs ? { threadTs } : {}), ...messageFields(call.args) };
      return;
    }
    // response_url posts land in the channel the command came from; we key them by the response id.
    const channel = responseUrlChannel(call.responseId ?? '');
    const list = channelMessages(channel);
    const message: StoredMessage = { channel, ts: nextTs(), ...messageFields(call.args) };
    if (call.args.replace_original === true && list.length > 0) list[list.length - 1] = message;
    else if (call.args.delete_original === true) list.pop();
    else list.push(message);
  }

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://standin.slack.com/',
          team: 'Stand-in',
          user: 'ecs',
          team_id: 'T0STANDIN',
          user_id: options.botUserId ?? 'U0BOT',
          bot_id: 'B0BOT',
        };
      case 'chat.postMessage': {
        const channel = String(args.channel ?? '');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const ts = nextTs();
        const message: StoredMessage = { channel, ts, ...messageFields(args) };
        if (typeof args.thread_ts === 'string') message.threadTs = args.thread_ts;
        channelMessages(channel).push(message);
        return { ok: true, channel, ts, message: { ts, text: message.text, blocks: message.blocks } };
      }
      case 'chat.postEphemeral': {
        const channel = String(args.channel ?? '');
        const ts = nextTs();
        channelMessages(channel).push({
          channel,
          ts,
          ephemeral: true,
          user: String(args.user ?? ''),
          ...messageFields(args),
        });
        return { ok: true, message_ts: ts };
      }
      case 'chat.update': {
        const channel = String(args.channel ?? '');
        const ts = String(args.ts ?? '');
        const list = channelMessages(channel);
        const index = list.findIndex((m) => m.ts === ts);
        if (index < 0) return { ok: false, error: 'message_not_found' };
        list[index] = { ...list[index]!, ...messageFields(args) };
        return { ok: true, channel, ts, text: list[index]!.text };
      }
      case 'chat.delete': {
        const list = channelMessages(String(args.channel ?? ''));
        const index = list.findIndex((m) => m.ts === args.ts);
        if (index < 0) return { ok: false, error: 'message_not_found' };
        list.splice(index, 1);
        return { ok: true };
      }
      case 'usergroups.users.list': {
        const members = usergroups.get(String(args.usergroup ?? ''));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'users.info': {
        const id = String(args.user ?? '');
        const user = options.users?.[id];
        return {
          ok: true,
          user: { id, name: user?.name ?? id.toLowerCase(), real_name: user?.realName ?? user?.name ?? id },
        };
      }
      case 'views.open':
      case 'views.update':
      case 'views.push':
        return {
          ok: true,
          view: {
            id: `V${nextTs().replace('.', '')}`,
            ...(typeof args.view === 'object' ? (args.view as object) : {}),
          },
        };
      case 'conversations.info':
        return { ok: true, channel: { id: args.channel, name: String(args.channel).toLowerCase() } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    apiUrl: `${base}/api/`,
    calls,
    responseUrl(id, from) {
      responseCounter += 1;
      const responseId = id ?? `r${responseCounter}`;
      if (from) clickedMessages.set(responseId, { channel: from.channel, ts: from.ts });
      return `${base}/response/${encodeURIComponent(responseId)}`;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages: (channel) => [...(messages.get(channel) ?? [])],
    fail(failure) {
      failures.push({ status: 429, times: 1, ...failure });
    },
    setUsergroup(id, members) {
      usergroups.set(id, members);
    },
    reset() {
      calls.length = 0;
      failures.length = 0;
      messages.clear();
      clickedMessages.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function messageFields(args: Record<string, unknown>): Pick<StoredMessage, 'text' | 'blocks'> {
  const fields: Pick<StoredMessage, 'text' | 'blocks'> = {};
  if (typeof args.text === 'string') fields.text = args.text;
  if (Array.isArray(args.blocks)) fields.blocks = args.blocks;
  return fields;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function decodeArgs(body: string, contentType: string): Record<string, unknown> {
  if (!body) return {};
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
