/**
 * `build` run once per cold start: every warm invocation after it gets the same result. A failed
 * start (SSM throttled, a config error fixed by a redeploy of the file) is not kept: the next
 * invocation tries again.
 */
export function oncePerColdStart<T>(build: () => Promise<T>): () => Promise<T> {
  let ready: Promise<T> | undefined;
  return () =>
    (ready ??= build().catch((err: unknown) => {
      ready = undefined;
      throw err;
    }));
}
