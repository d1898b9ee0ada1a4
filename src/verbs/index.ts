import { type AnyVerbSpec } from './context';
import { help } from './help';
import { whoami } from './whoami';
import { deploy, restart, rollback, scale, service, serviceCreate, services } from './services';
import { imageDelete, repoDelete, serviceDelete, taskdefDeregister, teardown } from './approval-verbs';
import { cluster, clusterCreate, clusters } from './clusters';
import { instance, instances } from './instances';
import { runTask, startTask, stopTask, task, tasks } from './tasks';
import { taskdef, taskdefs } from './taskdefs';
import { images, repos } from './images';
import { logs } from './logs';
import { autoscaling } from './autoscaling';
import { deployment, deploymentContinue, deploymentRollback, deployments } from './deployments';
import { why } from './why';
import { audit } from './audit';

/** Every verb. Adding one is a spec in its family's file and one line here. */
export const VERBS: readonly AnyVerbSpec[] = [
  help,
  whoami,
  clusters,
  cluster,
  clusterCreate,
  instances,
  instance,
  tasks,
  task,
  runTask,
  startTask,
  stopTask,
  taskdefs,
  taskdef,
  repos,
  images,
  logs,
  why,
  audit,
  services,
  service,
  scale,
  restart,
  deploy,
  rollback,
  autoscaling,
  deployments,
  deployment,
  deploymentRollback,
  deploymentContinue,
  serviceCreate,
  teardown,
  serviceDelete,
  taskdefDeregister,
  imageDelete,
  repoDelete,
];
