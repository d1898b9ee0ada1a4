import { type Directory } from './people';
import { type Screen } from './screen';
import { type OpenView } from '../slack/signed-requests';
import { type ViewAck } from './slack-front-end';

type Block = Record<string, unknown> & { type?: string; block_id?: string };
type Element = Record<string, unknown> & { type?: string; action_id?: string };
type Option = { text?: { text?: string }; value?: string };

/** The values of a submitted modal, as Slack puts them in `view.state.values`. */
export type ModalValues = Record<string, Record<string, unknown>>;

export interface ModalPrompt {
  ask(prompt: string): Promise<string | undefined>;
}

export type ModalOutcome = 'submitted' | 'cancelled' | 'ended';

/**
 * A modal, asked on the prompt: its title and text, then each input in turn — Enter keeps the
 * value shown in brackets, `/cancel` closes the form like its Cancel button. The answers go to
 * the app as a view_submission; when it answers with errors (as Slack shows them under the
 * inputs), those inputs are asked again. Slack's own checks (a number's range, a required
 * field) happen before anything is sent, as in Slack.
 */
export async function fillModal(input: {
  view: OpenView;
  prompt: ModalPrompt;
  screen: Screen;
  directory: Directory;
  submit: (view: OpenView, values: ModalValues) => Promise<ViewAck>;
  close: (view: OpenView) => Promise<void>;
}): Promise<ModalOutcome> {
  let view = input.view;
  let only: Set<string> | undefined;
  let errors: Record<string, string> = {};
  const answers: ModalValues = {};
  for (;;) {
    if (!only) showModal(view, input.screen);
    const inputs = ((view.view.blocks as Block[] | undefined) ?? []).filter((b) => b.type === 'input');
    for (const [i, block] of inputs.entries()) {
      const blockId = block.block_id ?? `input-${i}`;
      if (only && !only.has(blockId)) continue;
      const value = await askInput(block, errors[blockId], input.prompt, input.screen, input.directory);
      if (value === 'cancel' || value === 'ended') {
        if (value === 'cancel') {
          await input.close(view);
          input.screen.info(`(closed «${title(view)}»; nothing was sent)`);
        }
        return value === 'cancel' ? 'cancelled' : 'ended';
      }
      answers[blockId] = { [String((block.element as Element | undefined)?.action_id ?? 'value')]: value };
    }
    const ack = await input.submit(view, answers);
    if (ack.action === 'close') return 'submitted';
    if (ack.action === 'errors') {
      errors = ack.errors;
      only = new Set(Object.keys(ack.errors));
      input.screen.error(`The form has ${only.size === 1 ? 'a problem' : 'problems'}:`);
      continue;
    }
    view = { id: view.id, view: ack.view };
    only = undefined;
    errors = {};
  }
}

function showModal(view: OpenView, screen: Screen): void {
  const submit = String((view.view.submit as { text?: string } | undefined)?.text ?? 'Submit');
  const close = String((view.view.close as { text?: string } | undefined)?.text ?? 'Cancel');
  const blocks = ((view.view.blocks as Block[] | undefined) ?? []).filter((b) => b.type !== 'input');
  const body = screen.renderLines({ blocks }, `modal:${view.id}`, 70);
  screen.print(
    [
      '',
      `${screen.paint('┌ ', ['dim'])}${screen.paint(title(view), ['bold'])}`,
      `${screen.paint('│ ', ['dim'])}${screen.paint(`(a form: Enter keeps the value in [brackets], the last answer sends it with «${submit}», /cancel is «${close}»)`, ['dim'])}`,
      ...(body.length > 0 ? [screen.paintLines(body, `${screen.paint('│ ', ['dim'])}`)] : []),
    ].join('\n'),
  );
}

async function askInput(
  block: Block,
  error: string | undefined,
  prompt: ModalPrompt,
  screen: Screen,
  directory: Directory,
): Promise<Record<string, unknown> | 'cancel' | 'ended'> {
  const element = (block.element as Element | undefined) ?? {};
  const label = String((block.label as { text?: string } | undefined)?.text ?? 'Value');
  const hint = (block.hint as { text?: string } | undefined)?.text;
  const optional = block.optional === true;
  const options = (element.options as Option[] | undefined) ?? [];
  if (error) screen.error(`│ ${label}: ${error}`);
  if (hint) screen.print(`${screen.paint('│ ', ['dim'])}${screen.paint(hint, ['dim'])}`);
  if (options.length > 0) {
    screen.print(
      options
        .map(
          (o, i) =>
            `${screen.paint('│ ', ['dim'])}  ${screen.paint(`(${i + 1})`, ['button'])} ${o.text?.text ?? o.value ?? ''}`,
        )
        .join('\n'),
    );
  }
  const initial = initialText(element, options);
  for (;;) {
    const shown = `${screen.paint('│ ', ['dim'])}${label}${optional ? ' (optional)' : ''}${initial !== undefined ? ` [${initial}]` : ''}: `;
    const raw = await prompt.ask(shown);
    if (raw === undefined) return 'ended';
    const answer = raw.trim();
    if (answer === '/cancel') return 'cancel';
    const text = answer === '' ? (initial ?? '') : answer;
    if (text === '' && !optional) {
      screen.error(`│ ${label} is required.`);
      continue;
    }
    const parsed = stateValue(element, text, options, directory);
    if (typeof parsed === 'string') {
      screen.error(`│ ${parsed}`);
      continue;
    }
    return parsed;
  }
}

function initialText(element: Element, options: Option[]): string | undefined {
  if (typeof element.initial_value === 'string') return element.initial_value;
  const option = element.initial_option as Option | undefined;
  if (option) return String(options.findIndex((o) => o.value === option.value) + 1);
  if (typeof element.initial_date === 'string') return element.initial_date;
  return undefined;
}

/** The state value Slack would send for this answer, or what is wrong with it (Slack checks these in the form itself). */
function stateValue(
  element: Element,
  text: string,
  options: Option[],
  directory: Directory,
): Record<string, unknown> | string {
  const type = String(element.type ?? 'plain_text_input');
  switch (type) {
    case 'number_input': {
      if (text === '') return { type, value: null };
      const decimal = element.is_decimal_allowed === true;
      if (!(decimal ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/).test(text))
        return decimal ? 'Enter a number.' : 'Enter a whole number.';
      const n = Number(text);
      const min = element.min_value !== undefined ? Number(element.min_value) : undefined;
      const max = element.max_value !== undefined ? Number(element.max_value) : undefined;
      if (min !== undefined && n < min) return `The number must be at least ${min}.`;
      if (max !== undefined && n > max) return `The number must be at most ${max}.`;
      return { type, value: text };
    }
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input': {
      const min = Number(element.min_length ?? 0);
      const max = Number(element.max_length ?? 3000);
      if (text !== '' && text.length < min) return `Enter at least ${min} characters.`;
      if (text.length > max) return `Enter at most ${max} characters.`;
      return { type, value: text === '' ? null : text };
    }
    case 'static_select':
    case 'radio_buttons': {
      if (text === '') return { type, selected_option: null };
      const option = pick(options, text);
      if (!option) return `Choose one of 1–${options.length}.`;
      return { type, selected_option: option };
    }
    case 'checkboxes': {
      const chosen = text === '' ? [] : text.split(/[\s,]+/).map((t) => pick(options, t));
      if (chosen.some((o) => !o)) return `Choose from 1–${options.length}, separated by commas.`;
      return { type, selected_options: chosen };
    }
    case 'users_select': {
      const person = directory.person(text);
      return person
        ? { type, selected_user: person.id }
        : `There is nobody called ${text} here; people: ${directory.people.map((p) => `@${p.name}`).join(', ')}.`;
    }
    case 'conversations_select':
    case 'channels_select': {
      const channel = directory.channel(text);
      if (!channel)
        return `There is no channel ${text} here; channels: ${directory.channels.map((c) => `#${c.name}`).join(', ')}.`;
      return type === 'channels_select'
        ? { type, selected_channel: channel.id }
        : { type, selected_conversation: channel.id };
    }
    case 'datepicker':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? { type, selected_date: text } : 'Enter a date as YYYY-MM-DD.';
    default:
      return { type, value: text };
  }
}

function pick(options: Option[], answer: string): Option | undefined {
  const n = Number(answer);
  if (Number.isInteger(n) && n >= 1 && n <= options.length) return options[n - 1];
  return options.find((o) => (o.text?.text ?? '').toLowerCase() === answer.toLowerCase() || o.value === answer);
}

function title(view: OpenView): string {
  return String((view.view.title as { text?: string } | undefined)?.text ?? 'Form');
}
