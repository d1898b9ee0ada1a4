import { context, escapeText, section, type SlackMessage } from '../message';
import { formatDuration } from '../../config/duration';
import { type ServiceDetail } from '../../aws/types';
import { type Settlement } from '../../handlers/follow-up';

export function scaledMessage(alias: string, before: ServiceDetail, after: ServiceDetail, userId: string): SlackMessage {
  const text = `*${escapeText(after.name)}* in *${alias}*: desired ${before.desired} → ${after.desired}`;
  return {
    text: `${after.name} in ${alias}: desired ${before.desired} → ${after.desired}`,
    blocks: [section(text), context(`by <@${userId}> · ${after.running} running now · task definition \`${after.taskDefinition}\``)],
  };
}

export function settlementMessage(alias: string, outcome: Settlement, timeoutMs: number): SlackMessage {
  const s = outcome.service;
  const name = `*${escapeText(s.name)}* in *${alias}*`;
  switch (outcome.kind) {
    case 'settled': {
      const text = s.desired === 0 ? `${name}: 0/0 running — stopped` : `${name}: ${s.running}/${s.desired} running`;
      return { text: text.replace(/\*/g, ''), blocks: [section(`:white_check_mark: ${text}`)] };
    }
    case 'unplaceable': {
      const missing = s.desired - s.running;
      const text = `${name}: ${missing} of ${s.desired} could not be placed: ${outcome.reason}`;
      return {
        text: text.replace(/\*/g, ''),
        blocks: [section(`:warning: ${text}`), context(`ECS: ${escapeText(outcome.eventMessage)}`)],
      };
    }
    case 'failed': {
      const text = `${name}: the deployment failed — ${escapeText(outcome.reason)} (${s.running}/${s.desired} running)`;
      return { text: text.replace(/\*/g, ''), blocks: [section(`:x: ${text}`)] };
    }
    case 'timeout': {
      const text = `${name}: still ${s.running}/${s.desired} running (${s.pending} pending) after ${formatDuration(timeoutMs)}. Check \`/ecs service ${s.name} -c ${alias}\`.`;
      return { text: text.replace(/\*/g, ''), blocks: [section(`:hourglass: ${text}`)] };
    }
  }
}
