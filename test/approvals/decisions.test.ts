import { randomUUID } from 'node:crypto';
import { type Harness } from '../../testbed/harness';
import { apiGatewayEvent, blockActionBody } from '../../testbed/slack-requests';
import { roleArn } from '../../testbed/accounts';
import { runJob } from '../../src/worker/run-job';
import { waitFor } from '../../testbed/wait';
import { sweepExpiredApprovals } from '../../src/approvals/sweep';
import {
  APPROVAL_USERS as U,
  OPS,
  approvalsConfigYaml,
  buttonsOf,
  channelMessages,
  clusterStatus,
  requestMessage,
  shiftableClock,
  shown,
  startApprovalHarness,
  storedRequest,
} from '../../testbed/approvals';

/** Asks for the teardown of lab as `user` and returns the request id from the posted message. */
async function askForTeardown(h: Harness, user: string = U.alice): Promise<string> {
  await h.command('teardown lab', { user, channel: OPS });
  return requestMessage(h).requestId;
}

/** The request is untouched: still pending, its buttons still there, and AWS was only read. */
async function expectNothingChanged(h: Harness, requestId: string): Promise<void> {
  expect((await storedRequest(h, requestId))?.status).toBe('pending');
  expect(buttonsOf(channelMessages(h)[0]!).map((b) => b.text)).toEqual(['Approve', 'Deny', 'Cancel (requester)']);
  expect(h.sandbox.mutations()).toEqual([]);
  expect(await clusterStatus(h)).toBe('ACTIVE');
}

describe('who may decide an approval request', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  describe('with the default config', () => {
    beforeEach(async () => {
      h = await startApprovalHarness();
    });

    it('the requester cannot approve their own request, even when they are an approver', async () => {
      const requestId = await askForTeardown(h, U.bob); // bob is in platform: an approver with admin

      const click = await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

      expect(click.replies).toEqual([
        expect.objectContaining({
          response_type: 'ephemeral',
          text: 'You asked for this, so someone else has to approve it: approvals take a second person. Nothing was changed.',
        }),
      ]);
      await expectNothingChanged(h, requestId);
    });

    it('someone in no approver team is refused with the reason, privately, and nothing changes', async () => {
      const requestId = await askForTeardown(h);

      const click = await h.click('approval:approve', requestId, { user: U.carol, channel: OPS });

      expect(click.replies[0]?.text).toBe(
        'Only members of *platform* or *auditors* can approve this; you are in web. Nothing was changed.',
      );
      expect(click.replies[0]?.response_type).toBe('ephemeral');
      await expectNothingChanged(h, requestId);
    });

    it('an approver without admin on the cluster is refused: approving needs admin there too', async () => {
      const requestId = await askForTeardown(h);

      const click = await h.click('approval:approve', requestId, { user: U.dave, channel: OPS });

      expect(click.replies[0]?.text).toBe(
        'To approve this you also need *admin* on *lab*; you have *read* there. Nothing was changed.',
      );
      await expectNothingChanged(h, requestId);
    });

    it('someone in no team at all is refused too', async () => {
      const requestId = await askForTeardown(h);
      const click = await h.click('approval:approve', requestId, { user: U.nobody, channel: OPS });
      expect(click.replies[0]?.text).toMatch(
        /^Only members of \*platform\* or \*auditors\* can approve this; you are in no team/,
      );
      await expectNothingChanged(h, requestId);
    });

    it('only the requester can cancel; an approver who tries is told to Deny instead', async () => {
      const requestId = await askForTeardown(h);

      const byBob = await h.click('approval:cancel', requestId, { user: U.bob, channel: OPS });
      expect(byBob.replies[0]?.text).toBe(
        'Only <@U0ALICE>, who asked for this, can cancel it. Approvers can Deny it instead. Nothing was changed.',
      );
      await expectNothingChanged(h, requestId);

      const byAlice = await h.click('approval:cancel', requestId, { user: U.alice, channel: OPS });
      expect(byAlice.replies).toEqual([]);
      const [message] = channelMessages(h);
      expect(message?.text).toBe('Teardown of lab: cancelled by <@U0ALICE>. Nothing was changed.');
      expect(buttonsOf(message!)).toEqual([]);
      expect((await storedRequest(h, requestId))?.status).toBe('cancelled');
    });

    it('Deny ends the request and says by whom; an Approve after it changes nothing', async () => {
      const requestId = await askForTeardown(h);

      await h.click('approval:deny', requestId, { user: U.erin, channel: OPS });
      const late = await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

      const [message] = channelMessages(h);
      expect(message?.text).toBe('Teardown of lab: denied by <@U0ERIN>. Nothing was changed.');
      expect(shown(message)).toContain(':no_entry: *Denied* by <@U0ERIN>');
      expect(buttonsOf(message!)).toEqual([]);
      expect(late.replies[0]?.text).toMatch(/^This was denied by <@U0ERIN> <!date\^\d+\^.*>\. Nothing was changed\.$/);
      expect(await storedRequest(h, requestId)).toMatchObject({ status: 'denied', decidedBy: { id: U.erin } });
      expect(h.sandbox.mutations()).toEqual([]);
    });

    it('the requester’s Deny is pointed to Cancel, and a non-approver’s Deny is refused', async () => {
      const requestId = await askForTeardown(h);
      const own = await h.click('approval:deny', requestId, { user: U.alice, channel: OPS });
      const carol = await h.click('approval:deny', requestId, { user: U.carol, channel: OPS });
      expect(own.replies[0]?.text).toBe('You asked for this: use Cancel to withdraw it. Nothing was changed.');
      expect(carol.replies[0]?.text).toMatch(/^Only members of \*platform\* or \*auditors\* can deny this/);
      await expectNothingChanged(h, requestId);
    });

    it('a second click on Approve changes nothing: the work runs once', async () => {
      const requestId = await askForTeardown(h);

      await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });
      const again = await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

      expect(again.replies[0]?.text).toBe(
        'This was already approved by <@U0BOB> and has finished. Nothing more was changed.',
      );
      expect(h.sandbox.callsTo('ecs:DeleteCluster')).toHaveLength(1);
      expect(h.sandbox.callsTo('ecs:DeleteService')).toHaveLength(3);
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
    });

    it('a replayed Approve payload, sent again byte for byte with a valid signature, changes nothing', async () => {
      const requestId = await askForTeardown(h);
      const body = blockActionBody({
        actionId: 'approval:approve',
        value: requestId,
        userId: U.bob,
        channelId: OPS,
        responseUrl: h.slack.responseUrl(),
      });
      const event = apiGatewayEvent(body);
      await h.send(event);
      await h.drain(); // the run, through its last message edit
      const done = await waitForStatus(h, requestId, 'done');
      const updatesBefore = h.slack.callsTo('chat.update').length;
      const mutationsBefore = h.sandbox.mutations().length;

      const replay = await h.send(apiGatewayEvent(body));

      expect(replay.statusCode).toBe(200);
      expect(await storedRequest(h, requestId)).toEqual(done);
      expect(h.slack.callsTo('chat.update')).toHaveLength(updatesBefore);
      expect(h.sandbox.mutations()).toHaveLength(mutationsBefore);
      expect(h.sandbox.callsTo('ecs:DeleteCluster')).toHaveLength(1);
    });

    it('a replayed Approve payload of a request that was denied meanwhile changes nothing', async () => {
      const requestId = await askForTeardown(h);
      const body = blockActionBody({
        actionId: 'approval:approve',
        value: requestId,
        userId: U.bob,
        channelId: OPS,
        responseUrl: h.slack.responseUrl(),
      });
      await h.click('approval:deny', requestId, { user: U.erin, channel: OPS });

      await h.send(apiGatewayEvent(body));

      expect((await storedRequest(h, requestId))?.status).toBe('denied');
      expect(h.sandbox.mutations()).toEqual([]);
    });

    it.each([
      ['an unknown request id', randomUUID()],
      ['a value that is no request id at all', '{"cluster":"lab","args":["--force"]}'],
      ['an empty value', ''],
      ['a request id with something appended', 'REQUEST-x'],
    ])('a forged button with %s is refused and changes nothing', async (_what, forged) => {
      const requestId = await askForTeardown(h);
      const value = forged.replace('REQUEST', requestId);

      const click = await h.click('approval:approve', value, { user: U.bob, channel: OPS });

      expect(click.replies[0]?.text).toBe(
        'That approval request does not exist (the button may be from an old or altered message). Nothing was changed.',
      );
      await expectNothingChanged(h, requestId);
    });

    it('50 concurrent Approve clicks from two approvers execute the teardown exactly once', async () => {
      const requestId = await askForTeardown(h);

      const clicks = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          h.click('approval:approve', requestId, { user: i % 2 === 0 ? U.bob : U.erin, channel: OPS }),
        ),
      );

      const silent = clicks.filter((c) => c.replies.length === 0);
      expect(silent).toHaveLength(1); // the one that won: the channel message speaks for it
      const told = clicks.flatMap((c) => c.replies.map((r) => r.text ?? ''));
      expect(told).toHaveLength(49);
      expect(told.every((t) => /^This was already approved by <@U0(BOB|ERIN)>/.test(t))).toBe(true);
      expect(h.sandbox.callsTo('ecs:DeleteCluster')).toHaveLength(1);
      expect(h.sandbox.callsTo('ecs:DeleteService')).toHaveLength(3);
      expect(h.sandbox.callsTo('ec2:TerminateInstances')).toHaveLength(2);
      expect(await clusterStatus(h)).toBe('INACTIVE');
      const record = await storedRequest(h, requestId);
      expect(record?.status).toBe('done');
      const approvals = h.logs
        .lines()
        .filter((l) => (l.audit as { outcome?: string } | undefined)?.outcome === 'dispatched');
      expect(approvals).toHaveLength(1);
    });

    it('an approval job for a request nobody approved, or one delivered a second time, runs nothing', async () => {
      const requestId = await askForTeardown(h);

      await runJob({ kind: 'approval', id: 'forged-1', requestId }, h.worker);
      expect(h.sandbox.mutations()).toEqual([]);
      expect((await storedRequest(h, requestId))?.status).toBe('pending');

      await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });
      const mutations = h.sandbox.mutations().length;
      await runJob({ kind: 'approval', id: 'retry-1', requestId }, h.worker);
      expect(h.sandbox.mutations()).toHaveLength(mutations);
      expect(h.sandbox.callsTo('ecs:DeleteCluster')).toHaveLength(1);
    });

    it('a request whose cluster gained a service after it was asked for is not run: it stops and asks again', async () => {
      const requestId = await askForTeardown(h);
      h.sandbox.world.createService('lab', { name: 'surprise', taskDefinition: 'lab-web', desiredCount: 1 });

      await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

      const [message] = channelMessages(h);
      expect(message?.text).toBe(
        'Teardown of lab: Not started: the cluster changed since the plan was approved: new service surprise. Nothing was changed. Run /ecs teardown lab again for a fresh plan to approve.',
      );
      expect(h.sandbox.mutations()).toEqual([]);
      expect((await storedRequest(h, requestId))?.status).toBe('stale');
      const audit = h.logs
        .lines()
        .map((l) => l.audit as { outcome?: string; detail?: string } | undefined)
        .find((a) => a?.detail?.startsWith('not started'));
      expect(audit).toMatchObject({ outcome: 'refused' });
    });
  });

  it('an expired request says so, its buttons disappear, and nothing is run', async () => {
    const clock = shiftableClock();
    h = await startApprovalHarness({ clock });
    const requestId = await askForTeardown(h);

    clock.advance(31 * 60_000);
    const click = await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });
    const later = await h.click('approval:deny', requestId, { user: U.erin, channel: OPS });

    expect(click.replies[0]?.text).toMatch(
      /^This request expired <!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+>; nothing was changed\. Run `\/ecs teardown lab` again to ask again\.$/,
    );
    expect(later.replies[0]?.text).toMatch(/^This request expired/);
    const [message] = channelMessages(h);
    expect(message?.text).toBe('Teardown of lab: the request expired without a decision. Nothing was changed.');
    expect(buttonsOf(message!)).toEqual([]);
    expect((await storedRequest(h, requestId))?.status).toBe('expired');
    expect(h.sandbox.mutations()).toEqual([]);
    expect(h.logs.lines().some((l) => (l.audit as { outcome?: string } | undefined)?.outcome === 'expired')).toBe(true);
  });

  it('a request is still open a minute before it expires', async () => {
    const clock = shiftableClock();
    h = await startApprovalHarness({ clock });
    const requestId = await askForTeardown(h);
    clock.advance(29 * 60_000);
    await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });
    expect((await storedRequest(h, requestId))?.status).toBe('done');
  });

  it('with runAs: approver, the approver’s admin role runs it and CloudTrail names the approver', async () => {
    h = await startApprovalHarness({ yaml: approvalsConfigYaml({ runAs: 'approver' }) });
    const requestId = await askForTeardown(h);

    await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

    const mutations = h.sandbox.mutations();
    expect(mutations.length).toBeGreaterThan(0);
    expect(
      mutations.every(
        (c) =>
          c.principal.kind === 'assumed' &&
          c.principal.roleArn === roleArn('lab', 'admin') &&
          c.principal.sourceIdentity === U.bob,
      ),
    ).toBe(true);
    expect(shown(channelMessages(h)[0])).toContain("running as <@U0BOB>'s admin role");
  });

  it('with runAs: requester, an approval is refused once the requester has lost admin, and nothing runs', async () => {
    const clock = shiftableClock();
    const yaml = approvalsConfigYaml().replace(
      `lab-admins:\n    users: [${U.alice}]`,
      'lab-admins:\n    usergroups: [S0LABADMINS]',
    );
    h = await startApprovalHarness({ clock, yaml });
    h.slack.setUsergroup('S0LABADMINS', [U.alice]);
    const requestId = await askForTeardown(h);

    h.slack.setUsergroup('S0LABADMINS', []); // alice leaves the team…
    clock.advance(6 * 60_000); // …and the bot's 5-minute cache of user groups notices
    const click = await h.click('approval:approve', requestId, { user: U.bob, channel: OPS });

    expect(click.replies[0]?.text).toBe(
      '<@U0ALICE> no longer has admin on *lab*, and their role would run this (`approvals.runAs: requester`). Nothing was changed; Deny it, or ask them to check their access.',
    );
    await expectNothingChanged(h, requestId);
  });

  it('with no approver team in the config, a gated verb says nobody could approve it and posts nothing', async () => {
    h = await startApprovalHarness({
      yaml: approvalsConfigYaml().replace('approvers: [platform, auditors]', 'approvers: []'),
    });
    const result = await h.command('teardown lab', { user: U.alice, channel: OPS });
    expect(result.seen).toContain('the config names no approver team');
    expect(channelMessages(h)).toHaveLength(0);
  });

  it('when the bot is not in the channel, the requester is told to invite it, and the request ends', async () => {
    h = await startApprovalHarness();
    h.slack.fail({ method: 'chat.postMessage', status: 200, error: 'not_in_channel' });
    const result = await h.command('teardown lab', { user: U.alice, channel: OPS });
    expect(result.seen).toContain(
      'I could not post the plan for approval here (not_in_channel). Invite me to this channel',
    );
    expect(h.sandbox.mutations()).toEqual([]);
  });
});

async function waitForStatus(h: Harness, requestId: string, status: string) {
  return waitFor(
    async () => {
      const record = await storedRequest(h, requestId);
      return record?.status === status ? record : undefined;
    },
    `request ${requestId} to reach ${status}`,
    25_000,
  );
}

describe('expiry without a click', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('a scheduled sweep expires a request nobody decided on, removes its buttons, and leaves decided ones alone', async () => {
    const clock = shiftableClock();
    h = await startApprovalHarness({ clock });
    const open = await askForTeardown(h);
    await h.command('repo delete keep/me', { user: U.alice, channel: OPS });
    const denied = buttonsOf(channelMessages(h).at(-1)!)[0]!.value;
    await h.click('approval:deny', denied, { user: U.bob, channel: OPS });
    const sweep = () =>
      sweepExpiredApprovals({ state: h.state.store, slack: h.worker.slack!, clock, logger: h.logs.logger });

    expect(await sweep()).toEqual({ expired: 0, failed: 0 }); // nothing is due yet
    clock.advance(31 * 60_000);
    expect(await sweep()).toEqual({ expired: 1, failed: 0 });
    expect(await sweep()).toEqual({ expired: 0, failed: 0 }); // and only once

    const [teardownMessage, repoMessage] = channelMessages(h);
    expect(teardownMessage?.text).toBe('Teardown of lab: the request expired without a decision. Nothing was changed.');
    expect(buttonsOf(teardownMessage!)).toEqual([]);
    expect(repoMessage?.text).toBe('Delete ECR repository keep/me: denied by <@U0BOB>. Nothing was changed.');
    expect((await storedRequest(h, open))?.status).toBe('expired');
    expect((await storedRequest(h, denied))?.status).toBe('denied');
    expect(h.sandbox.mutations()).toEqual([]);
  });
});
