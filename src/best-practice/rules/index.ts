import { type AuditRule } from '../finding';
import { agentHealth } from './agent-health';
import { circuitBreaker } from './circuit-breaker';
import { fixedHostPorts } from './fixed-host-ports';
import { imdsv2 } from './imdsv2';
import { memoryLimits } from './memory-limits';
import { mixedEnvironments } from './mixed-environments';
import { mutableImageTags } from './mutable-image-tags';
import { openPorts } from './open-ports';
import { plaintextSecrets } from './plaintext-secrets';
import { singleTask } from './single-task';
import { singleZone } from './single-zone';

/** Every audit rule, in the order its findings are listed within a severity. Adding one is a file and a line here. */
export const AUDIT_RULES: readonly AuditRule[] = [
  openPorts,
  plaintextSecrets,
  agentHealth,
  imdsv2,
  mutableImageTags,
  memoryLimits,
  circuitBreaker,
  fixedHostPorts,
  singleZone,
  mixedEnvironments,
  singleTask,
];
