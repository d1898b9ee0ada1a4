/** What a container's exit code usually means, in words people read (task views and notifications). */
export function exitCodeMeaning(code: number): string | undefined {
  switch (code) {
    case 0:
      return 'exited normally';
    case 1:
      return 'application error';
    case 126:
      return 'command could not be executed';
    case 127:
      return 'command not found';
    case 134:
      return 'aborted (SIGABRT)';
    case 137:
      return 'killed (SIGKILL) — often out of memory';
    case 139:
      return 'segmentation fault (SIGSEGV)';
    case 143:
      return 'terminated (SIGTERM)';
    default:
      // 128 + n: the process died of signal n.
      return code > 128 && code < 160 ? `killed by signal ${code - 128}` : undefined;
  }
}

/**
 * Whether a container's exit code is what ECS's own stop produces rather than a failure: a stop
 * sends SIGTERM, then SIGKILL once the container's stopTimeout has passed (StopTask, ECS API
 * Reference), so 143 after any stop, and 137 after a stop someone asked for (a user, a scale-in,
 * a deployment), are normal. A container with a reason of its own (an OOM kill) is never one.
 */
export function exitFromAgentStop(stopCode: string | undefined, c: { exitCode?: number; reason?: string }): boolean {
  if (c.reason !== undefined || stopCode === undefined) return false;
  if (c.exitCode === 143) return true;
  return c.exitCode === 137 && (stopCode === 'UserInitiated' || stopCode === 'ServiceSchedulerInitiated');
}
