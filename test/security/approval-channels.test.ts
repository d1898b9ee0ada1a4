import { type Harness } from '../../testbed/harness';
import { CHANNELS } from '../../testbed/config';
import {
  APPROVAL_USERS as U,
  OPS,
  approvalsConfigYaml,
  buttonsOf,
  channelMessages,
  clusterStatus,
  requestMessage,
  startApprovalHarness,
  storedRequest,
} from '../../testbed/approvals';

/**
 * Approvals and channel restrictions: who may decide is worked out for the channel the request
 * was posted in (from the state table), never for the channel a click claims to come from.
 *
 * On top of testbed/approvals.ts: frank is in team night, an approver team whose admin on
 * lab counts only in #web; gina is in team prod-admins, an approver team with admin on prod only.
 */
const FRANK = 'U0FRANK';
const GINA = 'U0GINA';
function yaml(): string {
  return approvalsConfigYaml()
    .replace(
      'teams:\n',
      `teams:\n  night:\n    users: [${FRANK}]\n    channels: [${CHANNELS.web}]\n    access: { lab: admin }\n  prod-admins:\n    users: [${GINA}]\n    access: { prod: admin }\n`,
    )
    .replace('approvers: [platform, auditors]', 'approvers: [platform, auditors, night, prod-admins]');
}

describe('approval clicks and the channel they come from', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startApprovalHarness({ yaml: yaml() });
  });
  afterEach(async () => {
    await h.stop();
  });

  async function expectStillPending(requestId: string): Promise<void> {
    expect((await storedRequest(h, requestId))?.status).toBe('pending');
    expect(buttonsOf(channelMessages(h)[0]!).map((b) => b.text)).toEqual(['Approve', 'Deny', 'Cancel (requester)']);
    expect(h.sandbox.mutations()).toEqual([]);
    expect(await clusterStatus(h)).toBe('ACTIVE');
  }

  it.each([
    ['from the request’s own channel', OPS],
    ['with a payload that says it came from the channel where their grant counts', CHANNELS.web],
  ])(
    'an approver whose admin counts only in #web cannot approve a request posted in #ops (%s)',
    async (_how, channel) => {
      await h.command('teardown lab', { user: U.alice, channel: OPS });
      const { requestId } = requestMessage(h);

      const click = await h.click('approval:approve', requestId, { user: FRANK, channel });

      expect(click.replies[0]?.text).toMatch(/To approve this you also need \*admin\* on \*lab\* in this channel/);
      await expectStillPending(requestId);
    },
  );

  it('an approver with admin on another cluster only cannot approve this cluster’s request, nor deny it', async () => {
    await h.command('teardown lab', { user: U.alice, channel: OPS });
    const { requestId } = requestMessage(h);

    const approve = await h.click('approval:approve', requestId, { user: GINA, channel: OPS });
    const deny = await h.click('approval:deny', requestId, { user: GINA, channel: OPS });

    expect(approve.replies[0]?.text).toMatch(/need \*admin\* on \*lab\*/);
    expect(deny.replies[0]?.text).toMatch(/need \*admin\* on \*lab\*/);
    await expectStillPending(requestId);
  });
});
