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
