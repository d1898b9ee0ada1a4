import { type App } from '@slack/bolt';
import { registerCommandListener } from './commands';
import { registerCommandButtons } from './actions';
import { registerScaleModal } from './scale-modal';
import { registerApprovalButtons } from './approvals';
import { registerMuteButtons } from './notification-buttons';
import { type StateStore } from '../state/table';
import { type ListenerDeps } from './run-prepared';
import { authorize } from '../auth/policy';
import { lookUpAccess } from '../auth/user-access';

export type { ListenerDeps };

/** Every listener of the app; each kind registers its own (bolt-ts-starter-template style). */
export function registerListeners(app: App, deps: ListenerDeps & { state?: StateStore }): void {
  registerCommandListener(app, deps);
  registerCommandButtons(app, deps);
  registerScaleModal(app, deps);
  // Approval requests live in the state table; without one there are none to click on.
  if (deps.state) registerApprovalButtons(app, { ...deps, state: deps.state });
  // The notifications' Mute button: mutes live in the state table too.
  if (deps.state) {
    registerMuteButtons(app, {
      ...deps,
      state: deps.state,
      decide: async (userId, channelId, alias, needed, action) =>
        authorize(deps.config, await lookUpAccess(deps, userId, channelId), alias, needed, action),
    });
  }
}
