import { buttonsOf, type Conversation, type ConversationEvent, type ShownMessage } from './conversation';
import { type Directory } from './people';
import { renderMessage, type ButtonElement } from './render/blocks';
import { type MrkdwnContext } from './render/mrkdwn';
import { type Palette, type Style } from './render/palette';
import { paintLine, splitLines, wrapLines, type Line } from './render/text';
import { plainText } from './render/mrkdwn';
import { type Terminal } from './terminal';
import { count } from '../text/words';
import { clockTime } from '../text/times';

/** A button as shown on screen, under its number. */
export interface ButtonOnScreen {
  number: number;
  messageKey: string;
  button: ButtonElement;
  blockId: string;
}

export interface ScreenOptions {
  terminal: Terminal;
  palette: Palette;
  directory: Directory;
  conversation: Conversation;
  /** The simulated account's time (message times, `{ago}`). */
  now: () => number;
  /** Who is at the keyboard, and in which channel. */
  here: () => { user: string; channel: string };
  botName: string;
}

/** How long an update waits for the next one before it is drawn (progress lists change in bursts). */
const UPDATE_HOLD_MS = 350;
const INDENT = '  ';
const THREAD_INDENT = '    ';

/**
 * What the person at the keyboard sees. Messages in the current channel are drawn in full;
 * a new message elsewhere is a one-line notice, and the channel shows it when you switch there.
 * An update redraws the message — in place when it is the last thing on a terminal, otherwise
 * again below, marked "updated". Every button drawn gets a number that stays its own for the
 * session, so `/click 7` always means the button that was shown as [7].
 */
export class Screen {
  private readonly shown = new Map<string, number>();
  private readonly held = new Map<string, NodeJS.Timeout>();
  private readonly buttons = new Map<number, ButtonOnScreen>();
  /** Per message, the numbers its buttons were last shown with (kept when a message is redrawn unchanged). */
  private readonly numbersOf = new Map<string, Map<string, number>>();
  private nextNumber = 1;
  private lastBlock: { key: string; lines: number } | undefined;
  /** A confirmation or a form is open on the prompt: what arrives meanwhile waits for it to close. */
  private boxes = 0;
  private readonly deferred: (() => void)[] = [];
  /** During a /wait: notices counted per channel instead of printed one by one. */
  private gathering: Map<string, { count: number; latest: string; hint?: string }> | undefined;

  constructor(private readonly options: ScreenOptions) {}

  handle(event: ConversationEvent): void {
    if (event.type === 'modal') return;
    if (this.boxes > 0) {
      this.deferred.push(() => this.handle(event));
      return;
    }
    const { message } = event;
    const here = this.options.here();
    const visibleHere = message.channel === here.channel;
    if (event.type === 'deleted') {
      this.cancelHold(message.key);
      if (visibleHere && this.shown.has(message.key)) this.info(`(a message was deleted: «${this.title(message)}»)`);
      return;
    }
    if (visibleHere) {
      if (event.type === 'posted' || !this.shown.has(message.key)) this.draw(message, false);
      else this.hold(message);
      return;
    }
    // Elsewhere: a one-line notice for something new that this person would be notified of in Slack.
    const forMe = !message.ephemeral || message.visibleTo === here.user;
    if (event.type === 'posted' && forMe && !message.threadTs) {
      const channel = `#${this.options.directory.channelName(message.channel) ?? message.channel}`;
      const what = message.ephemeral ? `${channel}, only for you` : channel;
      this.notice(`new in ${what}: ${this.title(message)}`, `/channel ${channel}`, what);
    }
  }

  /**
   * Draws what this person has not seen in a channel (on switching to it), each message under
   * the time it was posted: the last screenful of it, with a line saying how many older ones
   * there are above. Returns how many messages were new.
   */
  catchUp(channel: string): number {
    const user = this.options.here().user;
    const unseen = this.options.conversation
      .channelMessages(channel)
      .filter((m) => !m.deleted && (!m.ephemeral || m.visibleTo === user) && (this.shown.get(m.key) ?? 0) < m.version);
    let from = unseen.length;
    let lines = 0;
    while (from > 0) {
      const size = this.measure(unseen[from - 1]!);
      if (from < unseen.length && lines + size > this.options.terminal.height) break;
      lines += size;
      from -= 1;
    }
    if (from > 0) {
      for (const m of unseen.slice(0, from)) this.shown.set(m.key, m.version);
      this.info(`(${count(from, 'older message')} above; this is the last screenful)`);
    }
    for (const m of unseen.slice(from)) this.draw(m, this.shown.has(m.key));
    return unseen.length;
  }

  /** Lines a message takes when drawn (without numbering its buttons). */
  private measure(message: ShownMessage): number {
    const indent = message.threadTs ? THREAD_INDENT : INDENT;
    const body = renderMessage(message, {
      ...this.mrkdwnContext(),
      width: this.options.terminal.width - indent.length,
      colour: this.options.palette.colour,
      numberButton: () => 0,
    });
    return 2 + Math.max(1, body.length);
  }

  /** Draws every update that is waiting (before the next prompt in a script, so output is in order). */
  flush(): void {
    if (this.boxes > 0) return;
    for (const key of [...this.held.keys()]) {
      this.cancelHold(key);
      const message = this.options.conversation.message(key);
      if (message) this.draw(message, true);
    }
  }

  /** A confirmation dialog or a form starts on the prompt: messages and notices wait until closeBox. */
  openBox(): void {
    this.boxes += 1;
  }

  /** The dialog or form is answered: what arrived meanwhile is shown now, in order. */
  closeBox(): void {
    this.boxes = Math.max(0, this.boxes - 1);
    while (this.boxes === 0 && this.deferred.length > 0) this.deferred.shift()!();
  }

  button(n: number): ButtonOnScreen | undefined {
    return this.buttons.get(n);
  }

  /** Buttons whose label starts with `label`, newest first (for `/click approve`). */
  buttonsLabelled(label: string): ButtonOnScreen[] {
    const wanted = label.trim().toLowerCase();
    return [...this.buttons.values()]
      .filter((b) => b.button.text.text.toLowerCase().startsWith(wanted))
      .filter((b) => this.isCurrent(b))
      .sort((a, b) => b.number - a.number);
  }

  /** Whether the button is still on the latest version of its message. */
  isCurrent(b: ButtonOnScreen): boolean {
    const message = this.options.conversation.message(b.messageKey);
    if (!message || message.deleted) return false;
    return buttonsOf(message).some((x) => x.blockId === b.blockId && sameButton(x.button, b.button));
  }

  info(text: string): void {
    this.print(this.wrapped(text, ['dim']));
  }

  say(text: string, ...styles: Style[]): void {
    this.print(this.wrapped(text, styles));
  }

  error(text: string): void {
    this.print(this.wrapped(text, ['error']));
  }

  /** The playground's own lines, wrapped between words to the terminal's width (never mid-word by the terminal). */
  private wrapped(text: string, styles: Style[]): string {
    return this.paintLines(wrapLines(splitLines([{ text, styles }]), this.options.terminal.width));
  }

  /** From now until releaseNotices, notices are counted per channel (a simulated day brings dozens). */
  gatherNotices(): void {
    this.gathering ??= new Map();
  }

  /** One line per channel for the notices gathered: how many, and the latest. */
  releaseNotices(): void {
    const gathered = this.gathering;
    this.gathering = undefined;
    for (const [where, { count, latest, hint }] of gathered ?? []) {
      this.notice(
        count === 1 ? `new in ${where}: ${latest}` : `${count} new in ${where} meanwhile, the latest: ${latest}`,
        hint,
      );
    }
  }

  notice(text: string, hint?: string, where?: string): void {
    if (this.gathering && where !== undefined) {
      const entry = this.gathering.get(where) ?? { count: 0, latest: '' };
      entry.count += 1;
      entry.latest = text.slice(text.indexOf(': ') + 2);
      if (hint !== undefined) entry.hint = hint;
      this.gathering.set(where, entry);
      return;
    }
    const line = `◆ ${text}`;
    const max = this.options.terminal.width - (hint ? hint.length + 3 : 0);
    const clipped = line.length > max ? `${line.slice(0, Math.max(10, max - 1))}…` : line;
    this.print(`${this.paint(clipped, ['notice'])}${hint ? this.paint(`  ${hint}`, ['dim']) : ''}`);
  }

  /** Prints lines the session composed itself (banner, help). */
  print(text: string): void {
    this.lastBlock = undefined;
    this.options.terminal.print(text);
  }

  /** The mrkdwn context for this workspace (names, time). */
  mrkdwnContext(): MrkdwnContext {
    return {
      userName: (id) => this.options.directory.userName(id),
      channelName: (id) => this.options.directory.channelName(id),
      now: this.options.now,
    };
  }

  /** Renders blocks (a modal's, say) with buttons numbered like any others. */
  renderLines(message: { text?: string; blocks?: unknown[] }, key: string, width: number): Line[] {
    return renderMessage(message, {
      ...this.mrkdwnContext(),
      width,
      colour: this.options.palette.colour,
      numberButton: (button, blockId) => this.numberButton(key, button, blockId),
    });
  }

  paintLines(lines: readonly Line[], indent = ''): string {
    return lines.map((l) => `${indent}${paintLine(l, this.options.palette)}`).join('\n');
  }

  paint(text: string, styles: Style[]): string {
    return this.options.palette.paint(text, styles);
  }

  /** "web: 3 tasks stopped…": how a message is named in notices (its fallback text, first line). */
  title(message: ShownMessage): string {
    const text = (message.text ?? '').split('\n')[0] ?? '';
    const plain = wrapLines(splitLines(plainText(text.replace(/[*_~`]/g, ''))), 1000)[0] ?? [];
    const flat = plain.map((s) => s.text).join('');
    return flat.length > 90 ? `${flat.slice(0, 89)}…` : flat || '(no text)';
  }

  private hold(message: ShownMessage): void {
    if (this.held.has(message.key)) return;
    const timer = setTimeout(() => {
      this.held.delete(message.key);
      const latest = this.options.conversation.message(message.key);
      if (!latest || latest.deleted) return;
      if (this.boxes > 0) this.deferred.push(() => this.draw(latest, true));
      else this.draw(latest, true);
    }, UPDATE_HOLD_MS);
    timer.unref();
    this.held.set(message.key, timer);
  }

  private cancelHold(key: string): void {
    const timer = this.held.get(key);
    if (timer) clearTimeout(timer);
    this.held.delete(key);
  }

  private draw(message: ShownMessage, update: boolean): void {
    this.cancelHold(message.key);
    const here = this.options.here();
    const indent = message.threadTs ? THREAD_INDENT : INDENT;
    const width = this.options.terminal.width - indent.length;
    const body = this.renderLines(message, message.key, width);
    const head = this.headLine(message, update, here.user);
    // A blank line above each message, as Slack spaces them; an in-place update rewrites it too.
    const block = `\n${head}\n${this.paintLines(body.length > 0 ? body : [[{ text: '(empty message)', styles: ['dim'] }]], indent)}`;
    const lines = block.split('\n').length;
    this.shown.set(message.key, message.version);
    if (update && this.lastBlock?.key === message.key && this.options.terminal.rewrite(this.lastBlock.lines, block)) {
      this.lastBlock = { key: message.key, lines };
      return;
    }
    this.options.terminal.print(block);
    this.lastBlock = { key: message.key, lines };
  }

  private headLine(message: ShownMessage, update: boolean, user: string): string {
    const labels: string[] = [];
    if (message.ephemeral)
      labels.push(
        message.visibleTo && message.visibleTo !== user
          ? `only visible to @${this.options.directory.userName(message.visibleTo) ?? message.visibleTo}`
          : 'only visible to you',
      );
    if (update) labels.push('↻ updated');
    const indent = message.threadTs ? '  ' : '';
    const time = clock(message.postedAt, this.options.now());
    if (message.threadTs) {
      const parent = this.options.conversation.message(`${message.channel}:${message.threadTs}`);
      // The parent's title fills what is left of the line.
      const fixed =
        indent.length + this.options.botName.length + 2 + [time, ...labels, '↳ in the thread of «»'].join(' · ').length;
      const room = Math.max(12, this.options.terminal.width - fixed);
      const name = parent ? this.title(parent) : 'a message';
      labels.push(`↳ in the thread of «${name.length > room ? `${name.slice(0, room - 1)}…` : name}»`);
    }
    return `${indent}${this.paint(this.options.botName, ['bold', 'accent'])}  ${this.paint([time, ...labels].join(' · '), ['dim'])}`;
  }

  private numberButton(key: string, button: ButtonElement, blockId: string): number {
    let numbers = this.numbersOf.get(key);
    if (!numbers) {
      numbers = new Map();
      this.numbersOf.set(key, numbers);
    }
    const identity = `${blockId}|${button.action_id ?? ''}|${button.value ?? ''}|${button.text?.text ?? ''}`;
    let n = numbers.get(identity);
    if (n === undefined) {
      n = this.nextNumber;
      this.nextNumber += 1;
      numbers.set(identity, n);
    }
    this.buttons.set(n, { number: n, messageKey: key, button, blockId });
    return n;
  }
}

function sameButton(a: ButtonElement, b: ButtonElement): boolean {
  return a.action_id === b.action_id && a.value === b.value && a.text?.text === b.text?.text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `09:30`, or `Jan 4 09:30` for a message of another day (as Slack dates older messages). */
function clock(ms: number, now: number): string {
  const d = new Date(ms);
  const time = clockTime(ms);
  return Math.floor(ms / 86_400_000) === Math.floor(now / 86_400_000)
    ? time
    : `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${time}`;
}
