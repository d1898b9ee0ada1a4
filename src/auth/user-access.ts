import { type Config } from '../config/schema';
import { type TeamDirectory } from './directory';
import { accessFor, type UserAccess } from './policy';

/**
 * What a user may do in a channel: their teams (from the config's users and their Slack user
 * groups, read through the directory's cache) and the level each grants per cluster. The one
 * lookup for typed commands, buttons, Mute and approval decisions.
 */
export async function lookUpAccess(
  deps: { config: Config; directory: TeamDirectory },
  userId: string,
  channelId: string,
): Promise<UserAccess> {
  return accessFor(deps.config, userId, await deps.directory.groupsOf(userId), channelId);
}
