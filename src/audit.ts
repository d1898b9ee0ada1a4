import { type Logger } from './logger';

/** One structured line per command and per button: who, where, what, which cluster and role, outcome, duration. */
export interface AuditEntry {
  user: string;
  channel: string;
  workspace: string;
  source: 'slash' | 'button' | 'modal' | 'approval';
  command: string;
  cluster?: string;
  level?: string;
  role?: string;
  outcome: 'ok' | 'refused' | 'usage' | 'error' | 'dispatched' | 'denied' | 'cancelled' | 'expired';
  detail?: string;
  durationMs: number;
}

export function audit(logger: Logger, entry: AuditEntry): void {
  logger.info({ audit: entry }, `audit ${entry.command} ${entry.outcome}`);
}
