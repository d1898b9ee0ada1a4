import { parseDuration } from '../config/duration';
import { type Config } from '../config/schema';
import { describePerson } from './banner';
import { type Conversation } from './conversation';
import { fillModal } from './modal';
import { type Channel, type Directory, type Person } from './people';
import { type ButtonOnScreen, type Screen } from './screen';
import { SlackRequestFailed, type SlackFrontEnd } from './slack-front-end';
import { type OpenView } from '../slack/signed-requests';
import { formatDuration } from '../text/times';
import { type Terminal } from './terminal';

export interface SessionDeps {
  config: Config;
  terminal: Terminal;
  screen: Screen;
  conversation: Conversation;
  frontEnd: SlackFrontEnd;
  directory: Directory;
  /** Resolves when the work the last input started has finished (jobs in the worker). */
  settle(): Promise<void>;
  /** How much faster simulated time runs. */
  speed: number;
  /**
   * Moves simulated time ahead by `ms` as fast as the machine allows, the account and the bot
   * reacting as it goes; stops early when `cancelled()` turns true. Resolves with the time passed.
   */
  passTime(ms: number, cancelled: () => boolean): Promise<number>;
  /** Words of the bot's verbs, for Tab completion and /help. */
  verbs: readonly string[];
  /** Names Tab completes after a verb, from what the playground knows (the config, the simulated account). */
  names?: () => CompletionNames;
}

export interface CompletionNames {
  clusters: readonly string[];
  services: readonly string[];
  families: readonly string[];
  repositories: readonly string[];
}

/** Which names a verb's first argument is. */
const ARGUMENT_KIND: Record<string, keyof CompletionNames> = {
  scale: 'services',
  restart: 'services',
  deploy: 'services',
  rollback: 'services',
  service: 'services',
  status: 'services',
  logs: 'services',
  'service delete': 'services',
  cluster: 'clusters',
  teardown: 'clusters',
  run: 'families',
  start: 'families',
  taskdef: 'families',
  taskdefs: 'families',
  'taskdef deregister': 'families',
  'service create': 'services',
  images: 'repositories',
  'image delete': 'repositories',
  'repo delete': 'repositories',
};

/** The playground's own commands; everything else that starts with / goes to Slack. */
const OWN_COMMANDS = ['/click', '/as', '/channel', '/wait', '/help', '/quit'] as const;

/**
 * The chat loop: reads what the person types and does what Slack would do with it — `/ecs …`
 * goes to the app as a slash command, `/click N` presses a button shown earlier (asking first
 * when the button has a confirm dialog, then any modal it opens), and the playground's own
 * commands switch person or channel, let time pass, or leave.
 *
 * On a terminal the prompt comes back as soon as Slack would let you type again (the app has
 * acknowledged); replies arrive above it. Reading from a pipe, each line waits until the work it
 * started is done, so a script reads like a conversation and ends when its input ends.
 */
export class Session {
  private modals: OpenView[] = [];
  private modalCount = 0;

  constructor(
    private readonly deps: SessionDeps,
    public user: Person,
    public channel: Channel,
  ) {}

  /** Runs until /quit or the end of input. */
  async run(): Promise<void> {
    const { terminal, screen } = this.deps;
    for (;;) {
      screen.flush();
      const line = await terminal.ask(this.prompt());
      if (line === undefined) return;
      const quit = await this.handle(line.trim());
      if (quit) return;
    }
  }

  /** A modal the app opened (views.open); it is asked right after the click that opened it. */
  modalOpened(view: Record<string, unknown>): void {
    this.modalCount += 1;
    this.modals.push({ id: `V0PLAYGROUND${this.modalCount}`, view });
  }

  prompt(): string {
    const { screen } = this.deps;
    return `${screen.paint(`@${this.user.name}`, ['mention', 'bold'])} ${screen.paint('in', ['dim'])} ${screen.paint(`#${this.channel.name}`, ['mention', 'bold'])} ${screen.paint('›', ['dim'])} `;
  }

  /** Tab completion: commands, verbs, people, channels, and after a verb the names it takes. */
  complete(line: string): [string[], string] {
    const names = this.completeName(line);
    if (names) return names;
    const people = this.deps.directory.people.map((p) => p.name);
    const channels = this.deps.directory.channels.map((c) => `#${c.name}`);
    const options = [
      ...['/ecs ', ...OWN_COMMANDS.map((c) => `${c} `)],
      ...this.deps.verbs.map((v) => `/ecs ${v} `),
      ...people.map((p) => `/as ${p}`),
      ...channels.map((c) => `/channel ${c}`),
    ];
    const hits = options.filter((o) => o.startsWith(line));
    return [hits.length > 0 ? hits : [], line];
  }

  /**
   * `/ecs scale we` → `/ecs scale web `: a service, cluster (also after -c), task definition
   * family or repository name, by what the verb takes. undefined when the line is not at such a name.
   */
  private completeName(line: string): [string[], string] | undefined {
    const known = this.deps.names?.();
    const match = /^\/ecs\s+(.*)$/.exec(line);
    if (!known || !match) return undefined;
    const words = match[1]!.split(/\s+/);
    const partial = words.pop() ?? '';
    if (words.length === 0) return undefined;
    const head = line.slice(0, line.length - partial.length);
    const offer = (kind: keyof CompletionNames): [string[], string] => {
      const hits = [...new Set(known[kind])].filter((n) => n.startsWith(partial)).sort();
      return [hits.map((n) => `${head}${n} `), line];
    };
    const previous = words.at(-1)!;
    if (previous === '-c' || previous === '--cluster') return offer('clusters');
    if (previous === '--service') return offer('services');
    const verb = [words.slice(0, 2).join(' '), words[0]!].find((v) => this.deps.verbs.includes(v) || v === 'status');
    if (!verb) return undefined;
    const rest = words.slice(verb.split(' ').length);
    const kind = ARGUMENT_KIND[verb];
    return kind && rest.length === 0 ? offer(kind) : undefined;
  }

  /** Handles one line; true when the session should end. */
  async handle(line: string): Promise<boolean> {
    const { screen } = this.deps;
    // Blank lines and # comments do nothing: a script of commands can explain itself.
    if (line === '' || line.startsWith('#')) return false;
    const [word = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    try {
      switch (word.toLowerCase()) {
        case '/quit':
        case '/exit':
          return true;
        case '/help':
          this.help();
          return false;
        case '/as':
          this.switchUser(args);
          return false;
        case '/channel':
        case '/join':
          this.switchChannel(args);
          return false;
        case '/click':
          await this.click(args);
          return false;
        case '/wait':
          await this.wait(args);
          return false;
        case '/ecs':
          await this.deps.frontEnd.slashCommand({
            command: '/ecs',
            text: line.slice(word.length).trim(),
            user: this.user,
            channel: this.channel,
          });
          await this.afterInput();
          return false;
        default:
          if (word.startsWith('/')) {
            screen.error(
              `${word} is not a valid command. In Slack, every message that starts with "/" is a command; this workspace has /ecs. /help lists the playground's own.`,
            );
          } else {
            screen.info(`(Only the bot is listening here, and it reads /ecs commands. Try /ecs help.)`);
          }
          return false;
      }
    } catch (err) {
      if (err instanceof SlackRequestFailed) screen.error(err.message);
      else
        screen.error(
          `Something went wrong in the playground itself: ${err instanceof Error ? err.message : String(err)}`,
        );
      return false;
    }
  }

  private async afterInput(): Promise<void> {
    // Modals first: in Slack the form would be open in front of you now.
    while (this.modals.length > 0) {
      const view = this.modals.shift()!;
      this.deps.screen.openBox();
      const outcome = await fillModal({
        view,
        prompt: this.deps.terminal,
        screen: this.deps.screen,
        directory: this.deps.directory,
        submit: (v, values) => this.deps.frontEnd.submitView({ user: this.user, view: v, values }),
        close: (v) => this.deps.frontEnd.closeView({ user: this.user, view: v }),
      }).finally(() => this.deps.screen.closeBox());
      if (outcome === 'ended') return;
    }
    if (!this.deps.terminal.interactive) await this.deps.settle();
  }

  private async click(args: string): Promise<void> {
    const { screen } = this.deps;
    const target = this.findButton(args);
    if (!target) return;
    const shown = this.deps.conversation.message(target.messageKey);
    if (!shown || !screen.isCurrent(target)) {
      screen.error(
        `Button [${target.number}] is no longer there: its message has changed since (its latest version shows the buttons it has now).`,
      );
      return;
    }
    const { button } = target;
    if (button.url) screen.info(`(opens ${button.url} in a browser)`);
    if (button.confirm) {
      const ok = await this.confirm(target);
      if (ok === undefined) return;
      if (!ok) {
        screen.info('(cancelled; nothing was sent)');
        return;
      }
    }
    const channel = this.deps.directory.channels.find((c) => c.id === shown.channel) ?? {
      id: shown.channel,
      name: shown.channel.toLowerCase(),
      notificationsOf: [],
    };
    await this.deps.frontEnd.click({ user: this.user, channel, message: shown, button, blockId: target.blockId });
    await this.afterInput();
  }

  /** `/click 7`, or `/click approve`: the newest button with that label that is still there. */
  private findButton(args: string): ButtonOnScreen | undefined {
    const { screen } = this.deps;
    const ref = args.trim().replace(/^\[|\]$/g, '');
    if (ref === '') {
      screen.error(
        'Which button? /click N presses the button shown as [N]; /click LABEL the newest one with that label.',
      );
      return undefined;
    }
    if (/^\d+$/.test(ref)) {
      const found = screen.button(Number(ref));
      if (!found)
        screen.error(`There is no button [${ref}] on screen. Buttons are numbered as they are shown: [1], [2], …`);
      return found;
    }
    const found = screen.buttonsLabelled(ref)[0];
    if (!found) screen.error(`No button on screen is labelled "${ref}".`);
    return found;
  }

  /** Slack's confirm dialog, on the prompt. undefined when input ended. */
  private async confirm(target: ButtonOnScreen): Promise<boolean | undefined> {
    const { screen } = this.deps;
    const dialog = target.button.confirm!;
    const yes = dialog.confirm?.text ?? 'Yes';
    const no = dialog.deny?.text ?? 'Cancel';
    const body = screen.renderLines(
      { blocks: dialog.text ? [{ type: 'section', text: dialog.text }] : [] },
      `confirm:${target.number}`,
      70,
    );
    // What arrives while the dialog is open waits below it, as Slack's dialog covers the channel.
    screen.openBox();
    try {
      screen.print(
        [
          '',
          `${screen.paint('┌ ', ['dim'])}${screen.paint(dialog.title?.text ?? 'Are you sure?', ['bold'])}`,
          ...(body.length > 0 ? [screen.paintLines(body, screen.paint('│ ', ['dim']))] : []),
        ].join('\n'),
      );
      // On a terminal y or n answers at once; a pipe sends whole lines.
      const enter = this.deps.terminal.interactive ? '' : ', then Enter';
      const answer = await this.deps.terminal.ask(
        `${screen.paint('│ ', ['dim'])}${yes}? ${screen.paint(`[y = ${yes}, n = ${no}${enter}]`, ['dim'])} `,
        { keys: ['y', 'n'] },
      );
      if (answer === undefined) return undefined;
      const a = answer.trim().toLowerCase();
      return a === 'y' || a === 'yes' || a === yes.toLowerCase();
    } finally {
      screen.closeBox();
    }
  }

  private switchUser(args: string): void {
    const { screen, directory, config } = this.deps;
    const person = args ? directory.person(args) : undefined;
    if (!person) {
      screen.error(
        `${args ? `There is nobody called ${args} here. ` : ''}People: ${directory.people.map((p) => `@${p.name}`).join(', ')}. /as NAME switches.`,
      );
      return;
    }
    this.user = person;
    screen.say(
      `You are now @${person.name} (${describePerson(config, person, directory)}), in #${this.channel.name}.`,
      'accent',
    );
  }

  private switchChannel(args: string): void {
    const { screen, directory } = this.deps;
    const channel = args ? directory.channel(args) : undefined;
    if (!channel) {
      screen.error(
        `${args ? `There is no channel ${args} here. ` : ''}Channels: ${directory.channels.map((c) => `#${c.name}`).join(', ')}. /channel NAME switches.`,
      );
      return;
    }
    this.channel = channel;
    const about = [
      channel.defaultCluster ? `commands here use ${channel.defaultCluster}` : undefined,
      channel.notificationsOf.length > 0
        ? `notifications of ${channel.notificationsOf.join(', ')} arrive here`
        : undefined,
    ].filter(Boolean);
    screen.say(`You are in #${channel.name}${about.length > 0 ? ` (${about.join('; ')})` : ''}.`, 'accent');
    if (screen.catchUp(channel.id) === 0) screen.info('(nothing new here)');
  }

  /**
   * Simulated time jumps ahead (it does not sleep): the account runs its scheduler through the
   * whole span and the bot reacts as it would have, so `/wait 24h` takes seconds. Ctrl-C stops
   * the jump where it is.
   */
  private async wait(args: string): Promise<void> {
    const { screen, terminal } = this.deps;
    const ms = args.trim() === '' ? 60_000 : parseDuration(args.trim().replace(/\s+/g, ''));
    if (ms === undefined || ms <= 0 || ms > 7 * 86_400_000) {
      screen.error('/wait takes a simulated time like 30s, 10m or 2h (at most 7d).');
      return;
    }
    screen.info(
      `(${formatDuration(ms, 'rounded')} pass in the simulated account${terminal.interactive ? '; Ctrl-C stops the clock where it is' : ''}…)`,
    );
    let cancelled = false;
    terminal.onCancel(() => (cancelled = true));
    // Messages in this channel are drawn as they come; news from elsewhere is summed up at the end.
    screen.gatherNotices();
    let passed: number;
    try {
      passed = await this.deps.passTime(ms, () => cancelled);
    } finally {
      terminal.onCancel(undefined);
      screen.releaseNotices();
    }
    if (cancelled)
      screen.info(
        `(wait cancelled: ${formatDuration(passed, 'rounded')} of ${formatDuration(ms, 'rounded')} passed; simulated time goes on from there at the usual pace)`,
      );
    await this.deps.settle();
  }

  private help(): void {
    const { screen, directory } = this.deps;
    const c = (t: string) => screen.paint(t, ['code']);
    const lines = [
      screen.paint('In this chat', ['bold']),
      `  ${c('/ecs …'.padEnd(16))}the bot, exactly as in Slack (${c('/ecs help')} lists its commands)`,
      `  ${c('/click N'.padEnd(16))}press button [N]; ${c('/click LABEL')} presses the newest button with that label`,
      `  ${c('/as NAME'.padEnd(16))}become someone else: ${directory.people.map((p) => `@${p.name}`).join(', ')}`,
      `  ${c('/channel NAME'.padEnd(16))}go to another channel: ${directory.channels.map((ch) => `#${ch.name}`).join(', ')}`,
      `  ${c('/wait [TIME]'.padEnd(16))}let simulated time pass (${c('/wait 10m')}): the clock jumps, Ctrl-C stops it`,
      `  ${c('/quit'.padEnd(16))}leave (Ctrl-D too)`,
      screen.paint(
        'Forms and confirmations are asked on the prompt; Enter keeps the value in [brackets], /cancel closes a form.',
        ['dim'],
      ),
      screen.paint('Tab completes commands, people, channels, and the names a verb takes.', ['dim']),
      screen.paint('Messages in other channels show as one line starting with ◆; /channel shows them in full.', [
        'dim',
      ]),
    ];
    screen.print(lines.join('\n'));
  }
}
