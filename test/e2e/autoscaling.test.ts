import { startHarness, type Harness, type Reply } from '../../testbed/harness';
import { type StoredMessage } from '../../src/slack/standin/server';
import { testAccount } from '../../testbed/accounts';
import { USERS } from '../../testbed/config';
import { ManualClock, type AccountSeed } from '../../src/sandbox';
import { sandboxTimeClock } from '../../testbed/sandbox-time';

/** prod's `api` is behind Application Auto Scaling: 2 to 4 tasks, tracking 60 % CPU. */
function accountWithAutoscaling(): AccountSeed {
  const account = testAccount();
  return {
    ...account,
    services: {
      ...account.services,
      'application-autoscaling': {
        targets: [
          {
            cluster: 'prod',
            service: 'api',
            min: 2,
            max: 4,
            policies: [{ name: 'api-cpu-60', targetValue: 60, metric: 'cpu' }],
          },
        ],
      },
    },
  };
}

interface ButtonElement {
  type: string;
  text: { text: string };
  action_id: string;
  value: string;
}

function buttonsOf(reply: Pick<Reply, 'blocks'> | undefined): ButtonElement[] {
  return ((reply?.blocks ?? []) as { type: string; elements?: ButtonElement[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.type === 'button');
}

function button(reply: Pick<Reply, 'blocks'> | undefined, label: string): ButtonElement {
  const found = buttonsOf(reply).find((b) => b.text.text === label);
  if (!found) throw new Error(`no button "${label}" in ${JSON.stringify(reply)}`);
  return found;
}

describe('scale knows about Application Auto Scaling', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: accountWithAutoscaling() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  const desired = () => h.sandbox.world.service('prod', 'api').desiredCount;

  it('a scale below the autoscaling minimum changes nothing, and says autoscaling would put it back', async () => {
    const result = await h.command('scale api 1');
    const offer = result.replies[0];
    expect(offer?.text).toBe(
      'api in prod is managed by Application Auto Scaling, which keeps it at 2–4 tasks: scaling it to 1 would not last, autoscaling would put it back to 2. Nothing was changed (desired is 2).',
    );
    expect(offer?.response_type).toBe('in_channel');
    expect(buttonsOf(offer).map((b) => b.text.text)).toEqual(['Scale and set min to 1', 'Cancel']);
    // The admin button carries only the cluster, the words of the command it runs, and that its
    // reply to the channel replaces the offer.
    expect(JSON.parse(button(offer, 'Scale and set min to 1').value)).toEqual({
      cluster: 'prod',
      args: ['api', '--min', '1', '--scale', '1'],
      replaceOriginal: true,
    });
    expect(h.sandbox.mutations()).toEqual([]);
    expect(desired()).toBe(2);
  });

  it('an admin’s click on "Scale and set min" sets the minimum, then the desired count, and the count stays', async () => {
    const offer = (await h.command('scale api 1')).replies[0];
    const b = button(offer, 'Scale and set min to 1');
    const click = await h.click(b.action_id, b.value, { user: USERS.bob });
    expect(click.seen).toContain('api in prod: min 2 → 1, desired 2 → 1');
    expect(click.seen).toContain('Application Auto Scaling now keeps it at 1–4 tasks');
    const register = h.sandbox.callsTo('application-autoscaling:RegisterScalableTarget');
    expect(register).toHaveLength(1);
    expect(register[0]!.params).toMatchObject({ ResourceId: 'service/prod/api', MinCapacity: 1 });
    expect(register[0]!.params).not.toHaveProperty('MaxCapacity');
    expect(register[0]!.principal).toMatchObject({ roleArn: expect.stringContaining('chatops-prod-admin') });
    h.sandbox.tick();
    expect(desired()).toBe(1);
  });

  /** The offer as the channel sees it now, from the stand-in's copy of the command's replies. */
  async function postOffer(count: number): Promise<{ shownIn: string; offer: StoredMessage }> {
    const { shownIn } = await h.command(`scale api ${count}`);
    const offer = h.slack.messages(shownIn).find((m) => m.text?.includes('Application Auto Scaling'));
    if (!offer) throw new Error(`no scale offer in ${JSON.stringify(h.slack.messages(shownIn))}`);
    return { shownIn, offer };
  }

  it('an admin’s click on "Scale and set min" replaces the offer with what was changed and by whom, and its buttons are gone', async () => {
    const { shownIn, offer } = await postOffer(1);
    const b = button(offer, 'Scale and set min to 1');
    await h.click(b.action_id, b.value, { user: USERS.bob, on: offer });

    const replacing = h.slack.calls.filter((c) => c.method === 'response_url' && c.args.replace_original === true);
    expect(replacing).toHaveLength(1);
    expect(replacing[0]!.args).toMatchObject({
      response_type: 'in_channel',
      text: 'api in prod: min 2 → 1, desired 2 → 1',
    });
    expect(buttonsOf(replacing[0]!.args)).toEqual([]);

    const [now, ...others] = h.slack.messages(shownIn);
    expect(others).toEqual([]);
    expect(now).toMatchObject({ ts: offer.ts, text: 'api in prod: min 2 → 1, desired 2 → 1' });
    expect(JSON.stringify(now!.blocks)).toContain(
      `by <@${USERS.bob}> · Application Auto Scaling now keeps it at 1–4 tasks`,
    );
    expect(buttonsOf(now)).toEqual([]);
  });

  it('an operate user who clicks it is told it needs admin, only they see it, and the offer keeps its buttons for an admin', async () => {
    const { shownIn, offer } = await postOffer(1);
    const b = button(offer, 'Scale and set min to 1');
    const click = await h.click(b.action_id, b.value, { user: USERS.alice, on: offer });
    expect(click.replies).toHaveLength(1);
    expect(click.replies[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(click.seen).toMatch(/`autoscaling` needs \*admin\* on \*prod\*/);
    // The message as it stands now is the offer, buttons and all.
    expect(h.slack.messages(shownIn)).toEqual([offer]);
  });

  it('when the admin’s change fails, the admin is told why and the offer stays, buttons and all', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'application-autoscaling:RegisterScalableTarget' });
    const { shownIn, offer } = await postOffer(1);
    const b = button(offer, 'Scale and set min to 1');
    const click = await h.click(b.action_id, b.value, { user: USERS.bob, on: offer });
    expect(click.seen).toContain('AWS denied application-autoscaling:RegisterScalableTarget on prod (service api)');
    expect(click.replies.every((r) => r.response_type === 'ephemeral' && !r.replace_original)).toBe(true);
    expect(h.slack.messages(shownIn)).toEqual([offer]);
    expect(desired()).toBe(2);
  });

  it('an operate user who clicks it is told it needs admin, and nothing changes', async () => {
    const offer = (await h.command('scale api 1')).replies[0];
    const b = button(offer, 'Scale and set min to 1');
    const click = await h.click(b.action_id, b.value, { user: USERS.alice });
    expect(click.seen).toMatch(/`autoscaling` needs \*admin\* on \*prod\*, but you have \*operate\* there/);
    expect(h.sandbox.mutations()).toEqual([]);
    expect(desired()).toBe(2);
  });

  it('Cancel takes the offer away and changes nothing', async () => {
    const { shownIn, offer } = await postOffer(1);
    const b = button(offer, 'Cancel');
    const click = await h.click(b.action_id, b.value, { on: offer });
    const replaced = h.slack.calls.filter((c) => c.method === 'response_url' && (c.args as Reply).replace_original);
    expect((replaced.at(-1)?.args as Reply).text).toBe(
      `Scaling *api* in *prod* was cancelled by <@${USERS.alice}>. Nothing was changed.`,
    );
    expect(h.slack.messages(shownIn)).toEqual([
      {
        channel: offer.channel,
        ts: offer.ts,
        text: `Scaling *api* in *prod* was cancelled by <@${USERS.alice}>. Nothing was changed.`,
      },
    ]);
    expect(click.status).toBe(200);
    expect(h.sandbox.mutations()).toEqual([]);
    expect(desired()).toBe(2);
  });

  it('a scale above the maximum offers to set the maximum instead', async () => {
    const offer = (await h.command('scale api 6')).replies[0];
    expect(offer?.text).toContain('autoscaling would put it back to 4');
    expect(buttonsOf(offer).map((b) => b.text.text)).toEqual(['Scale and set max to 6', 'Cancel']);
  });

  it('a scale inside the range scales, and says autoscaling may change it', async () => {
    const result = await h.command('scale api 3');
    expect(result.replies[0]?.text).toBe('api in prod: desired 2 → 3');
    expect(result.seen).toContain(
      'Application Auto Scaling manages this service: it keeps 2–4 tasks (api-cpu-60 keeps average CPU at 60 %) and may change the count again.',
    );
    h.sandbox.tick();
    expect(desired()).toBe(3);
  });

  it('an admin who types autoscaling with --max changes only the maximum', async () => {
    const result = await h.command('autoscaling api --max 6', { user: USERS.bob });
    expect(result.seen).toContain('api in prod: max 4 → 6');
    expect(h.sandbox.callsTo('application-autoscaling:RegisterScalableTarget')[0]!.params).toEqual({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: 'service/prod/api',
      MaxCapacity: 6,
    });
    expect(desired()).toBe(2);
  });

  it('autoscaling on a service no scalable target manages says so and changes nothing', async () => {
    const result = await h.command('autoscaling web --min 1', { user: USERS.bob });
    expect(result.seen).toContain('Application Auto Scaling does not manage *web* in *prod*');
    expect(h.sandbox.mutations()).toEqual([]);
  });

  it('a service without autoscaling scales as before, with no word about it', async () => {
    const result = await h.command('scale web 2');
    expect(result.replies[0]?.text).toBe('web in prod: desired 1 → 2');
    expect(result.seen).not.toContain('Auto Scaling');
  });
});

describe('service shows autoscaling, CPU and memory', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    h = await startHarness({ clock: sandboxTimeClock(clock), sandbox: { account: accountWithAutoscaling(), clock } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('the scalable target and its policy in one line, and the last hour’s CPU and memory as numbers and sparklines, from one GetMetricData call', async () => {
    clock.advance(30 * 60_000);
    const result = await h.command('service api', { user: USERS.rita });
    expect(result.seen).toContain('*Autoscaling:* 2–4 tasks · api-cpu-60 keeps average CPU at 60 %');
    expect(result.seen).toMatch(/CPU `[▁▂▃▄▅▆▇█]{5,30}` avg \d+ % · max \d+ %/);
    expect(result.seen).toMatch(/Memory `[▁▂▃▄▅▆▇█]{5,30}` avg \d+ % · max \d+ %/);
    const metrics = h.sandbox.callsTo('cloudwatch:GetMetricData');
    expect(metrics).toHaveLength(1);
    expect(metrics[0]!.principal).toMatchObject({ roleArn: expect.stringContaining('chatops-prod-read') });
  });

  it('a read role that may not get metric data still gets the service, with a line saying what could not be read', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'cloudwatch:GetMetricData' });
    const result = await h.command('service api', { user: USERS.rita });
    expect(result.seen).toContain('*Autoscaling:* 2–4 tasks');
    expect(result.seen).toContain('CPU and memory could not be read (AccessDeniedException)');
    expect(result.seen).toContain('api · prod');
  });

  it('a service without autoscaling shows no autoscaling line', async () => {
    const result = await h.command('service web', { user: USERS.rita });
    expect(result.seen).not.toContain('Autoscaling:');
    expect(result.seen).toContain('CPU and memory, last hour');
  });
});
