import { z } from 'zod';
import { Level } from '../auth/levels';
import { Duration } from './duration';

const SlackChannelId = z.string().regex(/^[CGD][A-Z0-9]+$/, 'expected a Slack channel id like C0123ABCD');
const SlackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user id like U0123ABCD');
const SlackUsergroupId = z.string().regex(/^S[A-Z0-9]+$/, 'expected a Slack user group id like S0123ABCD');
const RoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'expected an IAM role ARN like arn:aws:iam::111111111111:role/name');

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

const NotifyRoute = z.strictObject({
  channel: SlackChannelId,
  events: z.array(NotificationKind).optional(),
});

export const ClusterConfig = z.strictObject({
  name: z.string().min(1).describe('The ECS cluster name or ARN'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like us-east-1'),
  roles: z.strictObject({
    read: RoleArn,
    operate: RoleArn.optional(),
    admin: RoleArn.optional(),
  }),
  externalId: z.string().min(2).max(1224).optional(),
  ecrRepositories: z.array(z.string().min(1)).default([]).describe('ECR repositories that teardown deletes with the cluster'),
  notify: z
    .strictObject({
      channel: SlackChannelId,
      events: z.array(NotificationKind).optional(),
      services: z.record(z.string(), NotifyRoute).default({}).describe('Per-service routes that override the cluster channel'),
    })
    .optional(),
});
export type ClusterConfig = z.infer<typeof ClusterConfig>;

export const TeamConfig = z
  .strictObject({
    usergroups: z.array(SlackUsergroupId).default([]),
    users: z.array(SlackUserId).default([]),
    channels: z.array(SlackChannelId).optional().describe("When set, this team's grants count only in these channels"),
    access: z.record(z.string(), Level).describe('Cluster alias (or "*") to access level'),
  })
  .refine((t) => t.usergroups.length > 0 || t.users.length > 0, { message: 'a team needs at least one of usergroups or users' });
export type TeamConfig = z.infer<typeof TeamConfig>;

export const APPROVAL_VERBS = ['teardown', 'service delete', 'repo delete', 'image delete', 'taskdef deregister'] as const;

export const ApprovalsConfig = z.strictObject({
  verbs: z.array(z.enum(APPROVAL_VERBS)).default([...APPROVAL_VERBS]),
  approvers: z.array(z.string()).default([]).describe('Teams whose members may approve'),
  expires: Duration.default(30 * 60_000),
  runAs: z.enum(['requester', 'approver']).default('requester').describe("Whose admin role runs an approved operation"),
});

export const Config = z
  .strictObject({
    clusters: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'cluster aliases use letters, digits, - _ .'), ClusterConfig),
    teams: z.record(z.string(), TeamConfig).default({}),
    channels: z.record(SlackChannelId, z.strictObject({ cluster: z.string() })).default({}),
    approvals: ApprovalsConfig.default({ verbs: [...APPROVAL_VERBS], approvers: [], expires: 30 * 60_000, runAs: 'requester' }),
  })
  .superRefine((config, ctx) => {
    const aliases = new Set(Object.keys(config.clusters));
    for (const [team, t] of Object.entries(config.teams)) {
      for (const alias of Object.keys(t.access)) {
        if (alias !== '*' && !aliases.has(alias)) {
          ctx.addIssue({ code: 'custom', path: ['teams', team, 'access', alias], message: `unknown cluster "${alias}"; known: ${[...aliases].join(', ')}` });
        }
      }
    }
    for (const [channel, c] of Object.entries(config.channels)) {
      if (!aliases.has(c.cluster)) {
        ctx.addIssue({ code: 'custom', path: ['channels', channel, 'cluster'], message: `unknown cluster "${c.cluster}"; known: ${[...aliases].join(', ')}` });
      }
    }
    for (const [i, team] of config.approvals.approvers.entries()) {
      if (!(team in config.teams)) {
        ctx.addIssue({ code: 'custom', path: ['approvals', 'approvers', i], message: `unknown team "${team}"; known: ${Object.keys(config.teams).join(', ')}` });
      }
    }
  });
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
