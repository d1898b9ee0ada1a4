import { createAwsAccess, type AwsAccessOptions } from '../aws/access';
import { type AwsAccess, type ClusterOps } from '../aws/access';

/** The session length the bot asks STS for (src/aws/credentials.ts). */
const SESSION_MS = 3_600_000;

/**
 * AwsAccess whose role sessions stay valid when simulated time runs faster than real time, or
 * jumps (`/wait`).
 *
 * The sandbox expires a role session an hour of *simulated* time after AssumeRole, but the AWS
 * SDK decides when to refresh credentials by the real clock (its own memoization, against
 * Date.now()), so at 60× it would keep signing with a session that expired a real minute ago.
 * Here each AWS call goes through a fresh `createAwsAccess` once the current one has used a third
 * of a session's lifetime in simulated time (`options.clock`); any single call is far shorter
 * than the two thirds left. Everything else — which role, AssumeRole with the user's
 * SourceIdentity and tags — is the real code path.
 */
export function awsAccessForSimulatedTime(options: AwsAccessOptions): AwsAccess {
  const now = () => options.clock.now();
  const renewAfterMs = SESSION_MS / 3;
  let current = { access: createAwsAccess(options), since: now() };
  const fresh = (): AwsAccess => {
    if (now() - current.since > renewAfterMs) current = { access: createAwsAccess(options), since: now() };
    return current.access;
  };
  return {
    async forCluster(request) {
      const first = await fresh().forCluster(request);
      return renewing(first, async () => fresh().forCluster(request));
    },
  };
}

/**
 * ClusterOps whose every method runs on the ops of a fresh-enough access. Every method of the
 * ClusterOps groups returns a promise (src/aws/access.ts), so delegating through one is safe.
 */
function renewing(first: ClusterOps, latest: () => Promise<ClusterOps>): ClusterOps {
  const groups = new Map<string, unknown>();
  return new Proxy(first, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || value === null || typeof value !== 'object') return value;
      let group = groups.get(property);
      if (!group) {
        group = new Proxy(value, {
          get(groupTarget, method, groupReceiver) {
            const member: unknown = Reflect.get(groupTarget, method, groupReceiver);
            if (typeof member !== 'function') return member;
            return async (...args: unknown[]) => {
              const ops = (await latest()) as unknown as Record<
                string,
                Record<string | symbol, (...a: unknown[]) => unknown>
              >;
              return ops[property]![method]!(...args);
            };
          },
        });
        groups.set(property, group);
      }
      return group;
    },
  });
}
