import { SLACK_LIMITS, type SlackMessage } from './message';

/**
 * Every way a message would break Slack's Block Kit limits (https://api.slack.com/reference/block-kit),
 * as sentences; empty when Slack would accept it. Tests run every reply through this.
 */
export function blockKitProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (!message.text) problems.push('no fallback text');
  if (message.text.length > SLACK_LIMITS.messageText) problems.push(`text is ${message.text.length} characters`);
  const blocks = (message.blocks ?? []) as unknown as Record<string, unknown>[];
  if (blocks.length > SLACK_LIMITS.blocksPerMessage) problems.push(`${blocks.length} blocks (limit ${SLACK_LIMITS.blocksPerMessage})`);
  const actionIds = new Set<string>();
  blocks.forEach((block, i) => {
    const where = `block ${i} (${String(block.type)})`;
    const text = block.text as { text?: string } | undefined;
    switch (block.type) {
      case 'header':
        if ((text?.text?.length ?? 0) > SLACK_LIMITS.headerText) problems.push(`${where}: header over ${SLACK_LIMITS.headerText} characters`);
        break;
      case 'section': {
        const fields = (block.fields as { text: string }[] | undefined) ?? [];
        if (!text && fields.length === 0) problems.push(`${where}: neither text nor fields`);
        if ((text?.text?.length ?? 0) > SLACK_LIMITS.sectionText) problems.push(`${where}: text over ${SLACK_LIMITS.sectionText} characters`);
        if (text && text.text !== undefined && text.text.length === 0) problems.push(`${where}: empty text`);
        if (fields.length > SLACK_LIMITS.fieldsPerSection) problems.push(`${where}: ${fields.length} fields`);
        for (const f of fields) if (f.text.length > SLACK_LIMITS.fieldText) problems.push(`${where}: a field over ${SLACK_LIMITS.fieldText} characters`);
        break;
      }
      case 'actions': {
        const elements = (block.elements as { action_id?: string; value?: string; text?: { text: string } }[] | undefined) ?? [];
        if (elements.length === 0 || elements.length > SLACK_LIMITS.actionElements) problems.push(`${where}: ${elements.length} elements`);
        for (const e of elements) {
          if ((e.value?.length ?? 0) > SLACK_LIMITS.buttonValue) problems.push(`${where}: button value over ${SLACK_LIMITS.buttonValue}`);
          if ((e.text?.text.length ?? 0) > SLACK_LIMITS.buttonText) problems.push(`${where}: button text over ${SLACK_LIMITS.buttonText}`);
          if (e.action_id) {
            if (e.action_id.length > 255) problems.push(`${where}: action_id over 255`);
            if (actionIds.has(`${i}:${e.action_id}`)) problems.push(`${where}: duplicate action_id ${e.action_id}`);
            actionIds.add(`${i}:${e.action_id}`);
          }
        }
        break;
      }
      case 'context': {
        const elements = (block.elements as unknown[] | undefined) ?? [];
        if (elements.length === 0 || elements.length > SLACK_LIMITS.contextElements) problems.push(`${where}: ${elements.length} elements`);
        break;
      }
      case 'divider':
      case 'input':
      case 'image':
      case 'rich_text':
        break;
      default:
        problems.push(`${where}: unknown block type`);
    }
  });
  return problems;
}
