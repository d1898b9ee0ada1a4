import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '../..');

interface Manifest {
  display_information: { name: string; description?: string; long_description?: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: {
      command: string;
      url: string;
      description: string;
      usage_hint?: string;
      should_escape?: boolean;
    }[];
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    event_subscriptions?: unknown;
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync(join(ROOT, 'deploy/slack-app-manifest.yaml'), 'utf8')) as Manifest;

/**
 * The bot-token scopes each Web API method needs (https://api.slack.com/methods, "Required
 * scopes"); any one of a method's list is enough, and an empty list means none. A method the
 * code calls that is missing here fails the test below: look it up and add it.
 */
const SCOPES_OF_METHOD: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.getPermalink': [],
  'usergroups.users.list': ['usergroups:read'],
  'usergroups.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'conversations.info': ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
  'conversations.join': ['channels:join'],
  'reactions.add': ['reactions:write'],
  'views.open': [],
  'views.update': [],
  'views.push': [],
  'views.publish': [],
  'auth.test': [],
};
/** Scopes that come from the app's features, not from a Web API method. */
const FEATURE_SCOPES: Record<string, string> = { commands: 'the /ecs slash command' };

/** Source files of the bot itself: not the sandbox AWS, not the Slack stand-in that plays Slack in tests. */
function botSources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const rel = relative(ROOT, path);
    if (rel === join('src', 'sandbox') || rel === join('src', 'slack', 'standin')) return [];
    if (statSync(path).isDirectory()) return botSources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const FAMILIES =
  'chat|usergroups|users|conversations|views|reactions|files|pins|bookmarks|reminders|team|auth|bots|emoji|dnd|apps|admin|assistant|functions|canvases|calls|search|stars|workflows';
/**
 * `client.chat.postMessage(`, `ctx.slack.usergroups.users\n  .list(`, `app.client.views.open(`: a
 * Web API family called on something named like a Slack client. By name: `apiCall('chat.update'`
 * and the stand-in's `callsTo('chat.update')` in tests. Bolt's `say(` posts with chat.postMessage.
 */
const CALL = new RegExp(`\\b(?:client|slack|web|webClient|slackClient)\\.(${FAMILIES})((?:\\.[a-zA-Z]+)+)\\s*\\(`, 'g');
const BY_NAME = new RegExp(`(?:apiCall|callsTo)\\(\\s*['"\`]((?:${FAMILIES})(?:\\.[a-zA-Z]+)+)['"\`]`, 'g');

/** Every Slack Web API method the code calls, with the files that call it. Tests are read by name only (`callsTo('…')`): their `slack` is the stand-in. */
function methodsCalled(files: string[], byNameOnly = false): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (method: string, file: string) => found.set(method, [...(found.get(method) ?? []), relative(ROOT, file)]);
  for (const file of files) {
    // Join call chains that continue on the next line (`deps.slack.usergroups.users\n  .list(`).
    const text = readFileSync(file, 'utf8').replace(/\s*\n\s*\./g, '.');
    if (!byNameOnly) for (const m of text.matchAll(CALL)) add(`${m[1]}${m[2]}`, file);
    for (const m of text.matchAll(BY_NAME)) add(m[1]!, file);
    if (!byNameOnly && /\bsay\(/.test(text)) add('chat.postMessage', file);
  }
  return found;
}

function testSources(dir = join(ROOT, 'test')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testSources(path);
    return name.endsWith('.ts') && !path.endsWith('slack-app-manifest.test.ts') ? [path] : [];
  });
}

describe('deploy/slack-app-manifest.yaml', () => {
  const called = methodsCalled(botSources());
  const calledInTests = methodsCalled(testSources(), true);
  const requested = manifest.oauth_config.scopes.bot;

  it('finds the Slack methods the code calls (the scan itself works)', () => {
    expect([...called.keys()]).toEqual(expect.arrayContaining(['chat.postMessage', 'usergroups.users.list']));
  });

  it('has one slash command, /ecs, whose request URL is the /slack/events route over https', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/ecs']);
    const ecs = manifest.features.slash_commands[0]!;
    expect(ecs.url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(ecs.description.length).toBeGreaterThan(0);
  });

  it('sends buttons and dialogs (interactivity) to the same /slack/events URL as the slash command', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toBe(manifest.features.slash_commands[0]!.url);
  });

  it('keeps Socket Mode off (Lambda is called over HTTP) and subscribes to no events the code does not handle', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.event_subscriptions).toBeUndefined();
  });

  it('asks for bot scopes only, and no user scopes', () => {
    expect(manifest.oauth_config.scopes.user ?? []).toEqual([]);
  });

  it('covers every Slack Web API method the code calls (src/ and the calls tests expect) with a requested scope', () => {
    const all = new Map([...calledInTests, ...called]);
    const uncovered: string[] = [];
    for (const [method, files] of all) {
      const needs = SCOPES_OF_METHOD[method];
      if (!needs) {
        uncovered.push(`${method} (called in ${files[0]}): not in SCOPES_OF_METHOD; look up its required scope`);
        continue;
      }
      if (needs.length > 0 && !needs.some((scope) => requested.includes(scope)))
        uncovered.push(`${method} (called in ${files[0]}) needs one of ${needs.join(', ')}`);
    }
    expect(uncovered).toEqual([]);
  });

  it('requests no scope that no method in the code needs', () => {
    const needed = new Set([...called.keys()].flatMap((method) => SCOPES_OF_METHOD[method] ?? []));
    const unneeded = requested.filter((scope) => !needed.has(scope) && !(scope in FEATURE_SCOPES));
    expect(unneeded).toEqual([]);
    expect(requested).toContain('commands');
  });

  it('stays within the limits Slack checks when the app is created from it', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect((manifest.display_information.description ?? '').length).toBeLessThanOrEqual(140);
    const long = manifest.display_information.long_description;
    if (long !== undefined) expect(long.length).toBeGreaterThanOrEqual(175);
    if (long !== undefined) expect(long.length).toBeLessThanOrEqual(4000);
    expect(manifest.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    expect((manifest.features.slash_commands[0]!.usage_hint ?? '').length).toBeLessThanOrEqual(1000);
  });
});
