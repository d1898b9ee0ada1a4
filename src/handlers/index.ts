import { type AnyVerbSpec } from '../commands/types';
import { help } from './help';
import { whoami } from './whoami';
import { scale } from './services';

/** Every verb. Adding one is a spec in its family's file and one line here. */
export const VERBS: readonly AnyVerbSpec[] = [
  help,
  whoami,
  scale,
];
