import { type AnyVerbSpec } from '../commands/types';
import { help } from './help';
import { whoami } from './whoami';
import { deploy, restart, rollback, scale, service, serviceCreate, services } from './services';
import { imageDelete, repoDelete, serviceDelete, taskdefDeregister, teardown } from './approval-verbs';

/** Every verb. Adding one is a spec in its family's file and one line here. */
export const VERBS: readonly AnyVerbSpec[] = [
  help,
  whoami,
  services,
  service,
  scale,
  restart,
  deploy,
  rollback,
  serviceCreate,
  teardown,
  serviceDelete,
  taskdefDeregister,
  imageDelete,
  repoDelete,
];
