import { type App } from '@slack/bolt';
import { registerCommandListener } from './commands';
import { registerCommandButtons } from './actions';
import { registerScaleModal } from './scale-modal';
import { type ListenerDeps } from './run-prepared';

export type { ListenerDeps };

/** Every listener of the app; each kind registers its own (bolt-ts-starter-template style). */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommandListener(app, deps);
  registerCommandButtons(app, deps);
  registerScaleModal(app, deps);
}
