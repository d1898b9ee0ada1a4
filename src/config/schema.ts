import { z } from 'zod';
import { Level } from '../levels';
import { Duration } from './duration';
import { formatDuration } from '../text/times';
import { wildcardMatches } from './wildcard';
import { DEFAULT_DEPLOYMENTS_CONFIG, DeploymentsConfig } from './deployments';

const SlackChannelId = z.string().regex(/^[CGD][A-Z0-9]+$/, 'expected a Slack channel id like C0123ABCD');
const SlackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user id like U0123ABCD');
const SlackUsergroupId = z.string().regex(/^S[A-Z0-9]+$/, 'expected a Slack user group id like S0123ABCD');
const RoleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'expected an IAM role ARN like arn:aws:iam::111111111111:role/name');

/** The kinds of ECS event a channel can receive (see docs/architecture.md § Notifications). */
export const NOTIFICATION_KINDS = [
  'unexpectedStop',
  'placementFailure',
  'deploymentFailure',
  'instanceDisconnected',
  'scaleIn',
  'userStop',
  'deploymentComplete',
] as const;
export const NotificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof NotificationKind>;
export const DEFAULT_NOTIFICATION_KINDS: NotificationKind[] = [
  'unexpectedStop',
  'placementFailure',
  'deploymentFailure',
  'instanceDisconnected',
];

/** A duration key of `notify` with the bounds it must stay within, each refusal saying why. */
function boundedDuration(
  bounds: { min: number; minReason: string; max: number; maxReason: string },
  description: string,
) {
  return Duration.check((ctx) => {
    if (ctx.value < bounds.min) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `must be at least ${formatDuration(bounds.min)}, got ${formatDuration(ctx.value)}: ${bounds.minReason}`,
      });
    } else if (ctx.value > bounds.max) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `must be at most ${formatDuration(bounds.max)}, got ${formatDuration(ctx.value)}: ${bounds.maxReason}`,
      });
    }
  }).describe(description);
}

/**
 * The tunables of notifications (defaults in src/notifications/constants.ts). Set on a cluster's
 * `notify`, and all but `agentDisconnectGrace` (container instances belong to the cluster) also
 * on one of its services.
 */
const QuietPeriod = boundedDuration(
  {
    min: 60_000,
    minReason:
      'events of one burst arrive up to a minute apart and out of order, so a shorter quiet period splits a burst into several messages',
    max: 24 * 3_600_000,
    maxReason: 'a window is kept only a week after its last event',
  },
  'After this long without events the next one starts a new message (default 15m)',
);
const UpdateInterval = boundedDuration(
  {
    min: 10_000,
    minReason:
      "Slack allows about one update per second per channel, and a burst of 1,000 stops is meant to cost at most 12 Web API calls; a message's count is edited at most this often",
    max: 3_600_000,
    maxReason: 'a running count older than an hour is no longer news',
  },
  "A message's running count is edited at most this often (default 60s; at least 10s)",
);
const ThreadDetails = z
  .number()
  .int('must be a whole number of occurrences')
  .min(0, 'must be 0 (nothing in the thread) or more')
  .max(
    20,
    'must be at most 20: each detail is its own Slack message in the thread, and later occurrences are counted in the message anyway',
  )
  .describe("Occurrences after the first that get their own reply in the message's thread (default 3; 0: no thread)");
const AgentDisconnectGrace = boundedDuration(
  {
    min: 60_000,
    minReason: 'the ECS agent disconnects and reconnects routinely, and disconnects are checked once a minute',
    max: 6 * 3_600_000,
    maxReason: 'a disconnect is remembered for a day',
  },
  'A container instance agent disconnect is reported only when no reconnect follows within this time (default 5m)',
);

/** Owned-resource patterns: names with IAM's wildcards, `*` any run of characters and `?` one. */
const FamilyPattern = z
  .string()
  .regex(
    /^[A-Za-z0-9_*?-]{1,255}$/,
    'a task definition family (letters, digits, - and _) or a pattern with * and ?, like web-*',
  );
const RepositoryPattern = z
  .string()
  .regex(
    /^[a-z0-9._/*?-]{1,256}$/,
    'an ECR repository name (lower-case letters, digits, . _ - /) or a pattern with * and ?, like team/web-*',
  );
const RegistryPattern = z
  .string()
  .regex(
    /^[a-z0-9*?][a-z0-9.*?:-]*(\/[a-z0-9._*?-]+)*$/,
    'a registry host, optionally with a path: docker.io/library, public.ecr.aws/nginx, 222222222222.dkr.ecr.us-east-1.amazonaws.com',
  );

const NotifyRoute = z.strictObject({
  channel: SlackChannelId,
  events: z.array(NotificationKind).optional(),
  quietPeriod: QuietPeriod.optional(),
  updateInterval: UpdateInterval.optional(),
  threadDetails: ThreadDetails.optional(),
});

/** Where awsvpc tasks the bot starts get their network interface when no `--like SVC` is given. */
const NetworkConfig = z
  .strictObject({
    subnets: z
      .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'expected a subnet id like subnet-0abc1234'))
      .min(1, 'name at least one subnet')
      .max(16, 'ECS takes at most 16 subnets'),
    securityGroups: z
      .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'expected a security group id like sg-0abc1234'))
      .max(5, 'ECS takes at most 5 security groups')
      .default([]),
    assignPublicIp: z
      .boolean()
      .default(false)
      .describe('Give the task a public IP (needed in a public subnet to pull images without a NAT gateway)'),
  })
  .describe(
    'The network configuration of awsvpc tasks that run and service create start (Fargate tasks are always awsvpc)',
  );

export const ClusterConfig = z.strictObject({
  name: z.string().min(1).describe('The ECS cluster name or ARN'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like us-east-1'),
  roles: z.strictObject({
    read: RoleArn,
    operate: RoleArn.optional(),
    admin: RoleArn.optional(),
  }),
  account: z
    .string()
    .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
    .optional()
    .describe(
      "The cluster's AWS account id; default: the account of its ARN (when `name` is one), else of its read role. Notifications are routed only from this account and `region`",
    ),
  externalId: z.string().min(2).max(1224).optional(),
  network: NetworkConfig.optional(),
  ecrRepositories: z
    .array(z.string().min(1))
    .default([])
    .describe('ECR repositories that teardown deletes with the cluster (the cluster owns them too)'),
  taskDefinitionFamilies: z
    .array(FamilyPattern)
    .optional()
    .describe(
      'Task definition families this cluster owns: names, or patterns with * and ? as in IAM (web, web-*). Without this key it owns only the families its services and tasks run now',
    ),
  repositories: z
    .array(RepositoryPattern)
    .optional()
    .describe(
      'ECR repositories of its account this cluster owns, besides ecrRepositories: names or patterns with * and ? (web, team/web-*). Without this key it owns only ecrRepositories',
    ),
  imageRegistries: z
    .array(RegistryPattern)
    .optional()
    .describe(
      "Where deploy --image may take images from besides the cluster account's own ECR (for repositories it owns): a registry, optionally with a path (docker.io/library, public.ecr.aws/nginx, 222222222222.dkr.ecr.us-east-1.amazonaws.com); * and ? match within a part",
    ),
  notify: z
    .strictObject({
      channel: SlackChannelId,
      events: z.array(NotificationKind).optional(),
      services: z
        .record(z.string(), NotifyRoute)
        .default({})
        .describe('Per-service routes that override the cluster channel (and the tunables below)'),
      quietPeriod: QuietPeriod.optional(),
      updateInterval: UpdateInterval.optional(),
      threadDetails: ThreadDetails.optional(),
      agentDisconnectGrace: AgentDisconnectGrace.optional(),
      muteLevel: Level.optional().describe(
        "The access level the Mute and Unmute buttons need on this cluster (default operate; read lets every reader silence the channel's alerts)",
      ),
    })
    .optional(),
});
export type ClusterConfig = z.infer<typeof ClusterConfig>;

export const TeamConfig = z
  .strictObject({
    usergroups: z.array(SlackUsergroupId).default([]),
    users: z.array(SlackUserId).default([]),
    channels: z.array(SlackChannelId).optional().describe("When set, this team's grants count only in these channels"),
    access: z
      .record(z.string(), Level)
      .describe(
        'Cluster alias (or "*") to access level. A grant that names a cluster wins over "*" within this team; across teams the highest level wins',
      ),
  })
  .refine((t) => t.usergroups.length > 0 || t.users.length > 0, {
    message: 'a team needs at least one of usergroups or users',
  });
export type TeamConfig = z.infer<typeof TeamConfig>;

/** The deletes: gated unless `approvals.verbs` leaves them out. */
const GATED_BY_DEFAULT = ['teardown', 'service delete', 'repo delete', 'image delete', 'taskdef deregister'] as const;

/** Every verb `approvals.verbs` may list: the deletes, and `deployment rollback` (only when listed). */
export const APPROVAL_VERBS = [...GATED_BY_DEFAULT, 'deployment rollback'] as const;

export const ApprovalsConfig = z.strictObject({
  verbs: z.array(z.enum(APPROVAL_VERBS)).default([...GATED_BY_DEFAULT]),
  approvers: z.array(z.string()).default([]).describe('Teams whose members may approve'),
  expires: Duration.default(30 * 60_000),
  runAs: z.enum(['requester', 'approver']).default('requester').describe('Whose admin role runs an approved operation'),
});

export const Config = z
  .strictObject({
    clusters: z.record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, 'cluster aliases use letters, digits, - _ .'),
      ClusterConfig,
    ),
    teams: z.record(z.string(), TeamConfig).default({}),
    channels: z.record(SlackChannelId, z.strictObject({ cluster: z.string() })).default({}),
    approvals: ApprovalsConfig.default({
      verbs: [...GATED_BY_DEFAULT],
      approvers: [],
      expires: 30 * 60_000,
      runAs: 'requester',
    }),
    deployments: DeploymentsConfig.default(DEFAULT_DEPLOYMENTS_CONFIG),
  })
  .superRefine((config, ctx) => {
    const aliases = new Set(Object.keys(config.clusters));
    // A cluster's roles live in its account (ECS clusters cannot be used across accounts), and
    // notifications are routed by that account: the config must agree with itself on it.
    for (const [alias, c] of Object.entries(config.clusters)) {
      const arnAccount = c.name.startsWith('arn:') ? c.name.split(':')[4] : undefined;
      const account = c.account ?? arnAccount ?? c.roles.read.split(':')[4];
      if (arnAccount !== undefined && arnAccount !== account) {
        ctx.addIssue({
          code: 'custom',
          path: ['clusters', alias, 'account'],
          message: `is ${account}, but the cluster ARN in \`name\` is in account ${arnAccount}`,
        });
      }
      if (c.name.startsWith('arn:') && c.name.split(':')[3] !== c.region) {
        ctx.addIssue({
          code: 'custom',
          path: ['clusters', alias, 'region'],
          message: `is ${c.region}, but the cluster ARN in \`name\` is in ${c.name.split(':')[3] ?? '?'}`,
        });
      }
      for (const [level, arn] of Object.entries(c.roles)) {
        const roleAccount = arn?.split(':')[4];
        if (roleAccount !== undefined && roleAccount !== account) {
          ctx.addIssue({
            code: 'custom',
            path: ['clusters', alias, 'roles', level],
            message: `is in account ${roleAccount}, but the cluster is in account ${account}: each role must be in the cluster's account`,
          });
        }
      }
    }
    for (const [team, t] of Object.entries(config.teams)) {
      for (const alias of Object.keys(t.access)) {
        if (alias !== '*' && !aliases.has(alias)) {
          ctx.addIssue({
            code: 'custom',
            path: ['teams', team, 'access', alias],
            message: `unknown cluster "${alias}"; known: ${[...aliases].join(', ')}`,
          });
        }
      }
    }
    for (const [channel, c] of Object.entries(config.channels)) {
      if (!aliases.has(c.cluster)) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', channel, 'cluster'],
          message: `unknown cluster "${c.cluster}"; known: ${[...aliases].join(', ')}`,
        });
      }
    }
    // Teardown deletes a cluster's ecrRepositories: none of them may be another cluster's too.
    for (const [alias, cluster] of Object.entries(config.clusters)) {
      const home = `${cluster.roles.read.split(':')[4]}|${cluster.region}`;
      for (const [i, repository] of cluster.ecrRepositories.entries()) {
        const others = Object.entries(config.clusters).filter(
          ([other, c]) =>
            other !== alias &&
            `${c.roles.read.split(':')[4]}|${c.region}` === home &&
            [...c.ecrRepositories, ...(c.repositories ?? [])].some((p) => wildcardMatches(p, repository)),
        );
        if (others.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['clusters', alias, 'ecrRepositories', i],
            message: `"${repository}" belongs to ${others.map(([other]) => other).join(' and ')} too (same account and region), and teardown of ${alias} would delete it; list it under ${alias}'s repositories instead`,
          });
        }
      }
    }
    for (const [i, team] of config.deployments.continue.teams.entries()) {
      if (!(team in config.teams)) {
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', 'continue', 'teams', i],
          message: `unknown team "${team}"; known: ${Object.keys(config.teams).join(', ')}`,
        });
      }
    }
    for (const [i, team] of config.approvals.approvers.entries()) {
      if (!(team in config.teams)) {
        ctx.addIssue({
          code: 'custom',
          path: ['approvals', 'approvers', i],
          message: `unknown team "${team}"; known: ${Object.keys(config.teams).join(', ')}`,
        });
      }
    }
  });
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
