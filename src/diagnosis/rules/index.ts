import { type Rule } from '../evidence';
import { cannotPull } from './cannot-pull';
import { crashed } from './crashed';
import { healthChecks } from './health-checks';
import { outOfMemory } from './out-of-memory';
import { placement } from './placement';
import { resourceInitialization } from './resource-initialization';
import { sigtermIgnored } from './sigterm-ignored';

/**
 * Every cause `why` knows, most specific first: the first that recognises the evidence names the
 * cause. Adding one is a module in this folder and a line here.
 */
export const RULES: readonly Rule[] = [
  outOfMemory,
  cannotPull,
  resourceInitialization,
  healthChecks,
  sigtermIgnored,
  crashed,
  placement,
];
