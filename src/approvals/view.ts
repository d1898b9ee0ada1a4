import { type KnownBlock } from '@slack/types';
import {
  actions,
  button,
  confirmDialog,
  context,
  escapeText,
  header,
  lineSections,
  section,
  SLACK_LIMITS,
  truncate,
  type SlackMessage,
} from '../slack/message';
import { imageSize } from '../slack/views/images';
import { count, listSome } from '../text/words';
import { slackDate } from '../text/times';
import { stripMarkup } from '../text/markup';
import { sliceWhole } from '../unicode';
import { type StepRecord, type StepState } from './gated-operation';
import { type PlanUsage } from './operations/usage';
import { type Plan } from './plan';
import { type ApprovalRequest } from './types';

/** Button action ids; each button's value is only the request id (everything else is in the store). */
export const APPROVAL_ACTIONS = {
  approve: 'approval:approve',
  deny: 'approval:deny',
  cancel: 'approval:cancel',
} as const;

/** Names in a plan list before "and N more". */
const LIST_NAMES = 25;
/** Progress lines shown in full; earlier finished steps fold into one line. */
const PROGRESS_LINES = 60;

/** The request as first posted: the plan, who may approve, when it expires, and the buttons. */
export function approvalRequestMessage(
  request: ApprovalRequest,
  approvals: { approvers: string[]; runAs: 'requester' | 'approver' },
): SlackMessage {
  const { approvers } = approvals;
  const title = planTitle(request.plan, request.alias);
  const who =
    approvers.length > 0
      ? `a member of ${approvers.map((t) => `*${escapeText(t)}*`).join(' or ')} with admin on *${request.alias}*`
      : 'an approver';
  return {
    text: `${escapeText(plainTitle(request.plan, request.alias))}: approval needed (asked by <@${request.requester.id}>)`,
    blocks: [
      header(`${plainTitle(request.plan, request.alias)} — approval needed`),
      section(
        `<@${request.requester.id}> asked for ${title}. This is what it will do, read from the live cluster just now:`,
      ),
      ...planBlocks(request.plan, request.alias),
      context(
        `Needs approval from ${who}, other than <@${request.requester.id}>. Expires ${slackDate(request.deadline)}. Request \`${request.id.slice(0, 8)}\`.`,
      ),
      actions(`approval:${request.id}`, [
        button('Approve', APPROVAL_ACTIONS.approve, request.id, {
          style: 'primary',
          confirm: confirmDialog(
            'Approve?',
            truncate(
              `This runs ${title} now, with ${approvals.runAs === 'approver' ? 'your' : `<@${request.requester.id}>'s`} admin role. It cannot be undone.`,
              300,
            ),
            'Approve',
          ),
        }),
        button('Deny', APPROVAL_ACTIONS.deny, request.id, { style: 'danger' }),
        button('Cancel (requester)', APPROVAL_ACTIONS.cancel, request.id),
      ]),
    ],
  };
}

/** Denied, cancelled, expired or approved-and-about-to-start: the plan stays, the buttons go. */
export function decidedMessage(request: ApprovalRequest): SlackMessage {
  const title = plainTitle(request.plan, request.alias);
  const name = escapeText(title);
  const by = request.decidedBy ? `<@${request.decidedBy.id}>` : 'someone';
  const at = request.decidedAt ? `, ${slackDate(request.decidedAt)}` : '';
  let banner: string;
  let text: string;
  switch (request.status) {
    case 'denied':
      banner = `:no_entry: *Denied* by ${by}${at}. Nothing was changed.`;
      text = `${name}: denied by ${by}. Nothing was changed.`;
      break;
    case 'cancelled':
      banner = `:leftwards_arrow_with_hook: *Cancelled* by ${by}${at}. Nothing was changed.`;
      text = `${name}: cancelled by ${by}. Nothing was changed.`;
      break;
    case 'expired':
      banner = `:hourglass: *Expired* ${slackDate(request.deadline)} without a decision. Nothing was changed. Run \`/ecs ${escapeText(request.command)}\` again to ask again.`;
      text = `${name}: the request expired without a decision. Nothing was changed.`;
      break;
    default:
      banner = `:white_check_mark: *Approved* by ${by}${at}. Starting…`;
      text = `${name}: approved by ${by}. Starting…`;
  }
  return {
    text,
    blocks: [
      header(title),
      section(`<@${request.requester.id}> asked for ${planTitle(request.plan, request.alias)}.`),
      ...planBlocks(request.plan, request.alias),
      section(banner),
      context(`Request \`${request.id.slice(0, 8)}\``),
    ],
  };
}

/** The live progress list: one line per step, then the closing sentence once there is one. */
export function progressMessage(
  request: ApprovalRequest,
  steps: StepRecord[],
  closing?: { ok: boolean; text: string },
): SlackMessage {
  const title = plainTitle(request.plan, request.alias);
  const name = escapeText(title);
  const approval = request.decidedBy
    ? `Approved by <@${request.decidedBy.id}>${request.decidedAt ? `, ${slackDate(request.decidedAt)}` : ''}`
    : 'No approval needed (the config does not gate this verb)';
  const runner = request.runAs ? ` · running as <@${request.runAs.user.id}>'s admin role` : '';
  const blocks: KnownBlock[] = [
    header(title),
    context(`${approval} · asked by <@${request.requester.id}>${runner} · request \`${request.id.slice(0, 8)}\``),
    ...lineSections(progressLines(steps), 2900),
  ];
  if (closing) blocks.push(section(`${closing.ok ? ':white_check_mark:' : ':x:'} ${closing.text}`));
  const done = steps.filter((s) => s.state === 'done' || s.state === 'skipped').length;
  const text = closing ? `${name}: ${stripMarkup(closing.text)}` : `${name}: ${done} of ${steps.length} steps done…`;
  return { text: truncate(text, 3000), blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) };
}

/** The approved plan no longer matches the cluster: nothing ran. */
export function staleMessage(request: ApprovalRequest, reason: string): SlackMessage {
  const title = plainTitle(request.plan, request.alias);
  const text = `Not started: ${reason} Nothing was changed. Run \`/ecs ${escapeText(request.command)}\` again for a fresh plan to approve.`;
  return {
    text: `${escapeText(title)}: ${stripMarkup(text)}`,
    blocks: [
      header(title),
      context(
        `Approved by <@${request.decidedBy?.id ?? request.requester.id}> · asked by <@${request.requester.id}> · request \`${request.id.slice(0, 8)}\``,
      ),
      ...planBlocks(request.plan, request.alias),
      section(`:warning: ${text}`),
    ],
  };
}

// ---- plans ---------------------------------------------------------------------------------------

/** "the teardown of *staging*", in a sentence. */
export function planTitle(plan: Plan, alias: string): string {
  switch (plan.kind) {
    case 'teardown':
      return `the teardown of *${alias}*`;
    case 'service delete':
      return `deleting service \`${escapeText(plan.service.name)}\` in *${alias}*`;
    case 'taskdef deregister':
      return `deregistering task definition \`${escapeText(plan.taskDefinition)}\``;
    case 'image delete':
      return `deleting image \`${escapeText(plan.repository)}:${escapeText(plan.tag)}\``;
    case 'repo delete':
      return `deleting ECR repository \`${escapeText(plan.repository)}\``;
    case 'deployment rollback':
      return `rolling back deployment \`${escapeText(plan.ref)}\` of \`${escapeText(plan.service)}\` in *${alias}*`;
  }
}

/** "Teardown of staging", for headers and notification text. */
export function plainTitle(plan: Plan, alias: string): string {
  switch (plan.kind) {
    case 'teardown':
      return `Teardown of ${alias}`;
    case 'service delete':
      return `Delete service ${plan.service.name} (${alias})`;
    case 'taskdef deregister':
      return `Deregister task definition ${plan.taskDefinition}`;
    case 'image delete':
      return `Delete image ${plan.repository}:${plan.tag}`;
    case 'repo delete':
      return `Delete ECR repository ${plan.repository}`;
    case 'deployment rollback':
      return `Roll back deployment ${plan.ref} (${alias})`;
  }
}

export function planBlocks(plan: Plan, alias: string): KnownBlock[] {
  switch (plan.kind) {
    case 'teardown': {
      const lines: string[] = [];
      const active = plan.services.filter((s) => s.status === 'ACTIVE');
      const draining = plan.services.filter((s) => s.status !== 'ACTIVE');
      if (active.length > 0) {
        lines.push(
          `• *${count(active.length, 'service')}* to scale to 0 and delete: ${names(active.map((s) => `\`${escapeText(s.name)}\` (${s.running}/${s.desired})`))}`,
        );
      }
      if (draining.length > 0)
        lines.push(
          `• ${count(draining.length, 'service')} already being deleted, to wait for: ${names(draining.map((s) => `\`${escapeText(s.name)}\``))}`,
        );
      if (plan.tasks.length > 0) {
        lines.push(
          `• *${count(plan.tasks.length, 'standalone task')}* to stop: ${names(plan.tasks.map((t) => `\`${escapeText(sliceWhole(t.id, 12))}\` (${escapeText(t.taskDefinition)})`))}`,
        );
      }
      if (plan.containerInstances.length > 0) {
        lines.push(
          `• *${count(plan.containerInstances.length, 'container instance')}* to deregister: ${names(plan.containerInstances.map((c) => `\`${escapeText(sliceWhole(c.id, 12))}\`${c.ec2InstanceId ? ` (${escapeText(c.ec2InstanceId)})` : ''}`))}`,
        );
      }
      if (plan.ec2Instances.length > 0) {
        lines.push(
          `• *${count(plan.ec2Instances.length, 'EC2 instance')}* to terminate: ${names(plan.ec2Instances.map((i) => `\`${escapeText(i.id)}\`${i.type ? ` ${escapeText(i.type)}` : ''}${i.leftover ? ' (left by an earlier teardown)' : ''}`))}`,
        );
      }
      lines.push(
        plan.clusterActive
          ? `• *the cluster* \`${escapeText(alias)}\` itself, once it is empty`
          : `• the ECS cluster is already deleted`,
      );
      if (plan.repositories.length > 0) {
        lines.push(
          `• *${count(plan.repositories.length, 'ECR repository', 'ECR repositories')}* from the config, with their images: ${names(plan.repositories.map((r) => `\`${escapeText(r.name)}\` (${count(r.imageCount, 'image')})`))}`,
        );
      }
      return lineSections(lines, 2900);
    }
    case 'service delete':
      return [
        section(
          `• Scale \`${escapeText(plan.service.name)}\` (now ${plan.service.running} running of ${plan.service.desired}, \`${escapeText(plan.service.taskDefinition)}\`) to 0 and delete it; ECS stops its tasks as it drains.`,
        ),
      ];
    case 'taskdef deregister': {
      const usage = plan.usage ?? { checked: [{ cluster: alias, services: plan.usedBy }], unchecked: [] };
      const used = usageLines(
        usage,
        alias,
        'They keep running, but cannot start new tasks from it after a deployment changes.',
      );
      return [
        section(
          `• Deregister \`${escapeText(plan.taskDefinition)}\` (images: ${names(plan.images.map((i) => `\`${escapeText(i)}\``))}): it becomes INACTIVE.\n${used}`,
        ),
      ];
    }
    case 'image delete': {
      const others =
        plan.otherTags.length > 0
          ? `The image keeps its other tags (${names(plan.otherTags.map((t) => `\`${escapeText(t)}\``))}); only the tag goes.`
          : 'It is the image’s only tag, so the image itself is deleted.';
      const size = plan.sizeBytes !== undefined ? `, ${imageSize(plan.sizeBytes)}` : '';
      const used = plan.usage
        ? `\n${usageLines(plan.usage, alias, 'Their running tasks keep going, but new tasks cannot pull it.')}`
        : '';
      return [
        section(
          `• Delete tag \`${escapeText(plan.tag)}\` from \`${escapeText(plan.repository)}\` (\`${escapeText(sliceWhole(plan.digest, 19))}…\`${size}). ${others}${used}`,
        ),
      ];
    }
    case 'repo delete': {
      const used = plan.usage
        ? `\n${usageLines(plan.usage, alias, 'Their running tasks keep going, but new tasks cannot pull from it.')}`
        : '';
      return [
        section(
          `• Delete repository \`${escapeText(plan.repository)}\` and its ${count(plan.imageCount, 'image')} (force). \`${escapeText(plan.uri)}\` will no longer pull.${used}`,
        ),
      ];
    }
    case 'deployment rollback':
      return [
        section(
          `• Roll back deployment \`${escapeText(plan.ref)}\` of \`${escapeText(plan.service)}\`${plan.revisions ? ` (${escapeText(plan.revisions)})` : ''}, ${escapeText(plan.status)} now: ECS returns the service to the revision it replaced.`,
        ),
      ];
  }
}

/**
 * Who still uses what a delete removes, cluster by cluster (every cluster of the config in the
 * same account and region was read), and the clusters that could not be read.
 */
function usageLines(usage: PlanUsage, alias: string, consequence: string): string {
  const using = usage.checked.filter((u) => u.services.length > 0);
  const lines = using.map(
    (u) =>
      `• :warning: Services in *${escapeText(u.cluster)}* still use it: ${names(u.services.map((s) => `\`${escapeText(s)}\``))}. ${consequence}`,
  );
  if (using.length === 0) {
    const others = usage.checked.map((u) => u.cluster).filter((c) => c !== alias);
    lines.push(
      `• No service in *${escapeText(alias)}* uses it${others.length > 0 ? `, nor in ${names(others.map((c) => `*${escapeText(c)}*`))} (the config's other clusters in this account)` : ''}.`,
    );
  }
  for (const u of usage.unchecked)
    lines.push(`• :warning: Could not check *${escapeText(u.cluster)}*: ${escapeText(u.reason)}`);
  return lines.join('\n');
}

// ---- progress lines ------------------------------------------------------------------------------

const ICONS: Record<StepState, string> = {
  pending: ':white_small_square:',
  running: ':hourglass_flowing_sand:',
  done: ':white_check_mark:',
  failed: ':x:',
  skipped: ':heavy_minus_sign:',
};

export function progressLines(steps: StepRecord[]): string[] {
  const lines = steps.map(
    (s) =>
      `${ICONS[s.state]} ${s.label}${s.note ? ` — ${s.note}` : ''}${s.state === 'pending' && stepsAfterFailure(steps, s) ? ' (not done)' : ''}`,
  );
  if (lines.length <= PROGRESS_LINES) return lines;
  // Too long for one message: fold the finished steps before the current one into one line, and
  // the steps still to come after the first screenful into another.
  const firstOpen = steps.findIndex((s) => s.state !== 'done' && s.state !== 'skipped');
  const folded = firstOpen < 0 ? steps.length - 1 : firstOpen;
  const head = folded > 1 ? [`:white_check_mark: ${folded} earlier steps done`] : lines.slice(0, folded);
  const rest = lines.slice(folded);
  const room = PROGRESS_LINES - head.length;
  const tail =
    rest.length > room
      ? [
          ...rest.slice(0, room - 1),
          `:white_small_square: … and ${rest.length - room + 1} more steps${steps.some((s) => s.state === 'failed') ? ' (not done)' : ''}`,
        ]
      : rest;
  return [...head, ...tail];
}

function stepsAfterFailure(steps: StepRecord[], step: StepRecord): boolean {
  const failed = steps.findIndex((s) => s.state === 'failed');
  return failed >= 0 && steps.indexOf(step) > failed;
}

// ---- small formatting --------------------------------------------------------------------------

function names(items: string[]): string {
  return items.length === 0 ? 'none' : listSome(items, LIST_NAMES);
}
