import { startHarness, type Harness } from '../../testbed/harness';
import { USERS } from '../../testbed/config';
import {
  SCALE_INPUT_ACTION,
  SCALE_INPUT_BLOCK,
  SCALE_MODAL_ACTION,
  SCALE_MODAL_CALLBACK,
} from '../../src/slack/views/scale-modal';

interface OpenedView {
  callback_id: string;
  private_metadata: string;
  blocks: { type: string; element?: { initial_value?: string } }[];
}

const countInput = (value: string) => ({
  [SCALE_INPUT_BLOCK]: { [SCALE_INPUT_ACTION]: { type: 'number_input', value } },
});

describe('the Scale modal, through signed block_actions and view_submission payloads', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  /** Clicks Scale on prod's web and returns the modal Slack was asked to open. */
  async function openScaleModal(user: string = USERS.alice): Promise<OpenedView> {
    await h.click(SCALE_MODAL_ACTION, JSON.stringify({ cluster: 'prod', service: 'web', current: 1 }), { user });
    const opened = h.slack.callsTo('views.open');
    expect(opened).toHaveLength(1);
    return opened[0]!.args.view as OpenedView;
  }

  function repliesTo(view: OpenedView): { text?: string; response_type?: string }[] {
    const { responseUrl } = JSON.parse(view.private_metadata) as { responseUrl: string };
    const id = decodeURIComponent(responseUrl.split('/response/')[1]!);
    return h.slack.calls.filter((c) => c.method === 'response_url' && c.responseId === id).map((c) => c.args);
  }

  it('an operator clicks Scale: a modal opens with the current count, and no AWS call is made yet', async () => {
    const view = await openScaleModal();
    expect(view.callback_id).toBe(SCALE_MODAL_CALLBACK);
    expect(JSON.stringify(view.blocks)).toContain('*web* in *prod* runs *1* now.');
    expect(view.blocks.find((b) => b.type === 'input')?.element?.initial_value).toBe('1');
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('submitting 3 scales web to 3 in the sandbox, and the reply says so', async () => {
    const view = await openScaleModal();
    const res = await h.submit({
      callbackId: SCALE_MODAL_CALLBACK,
      privateMetadata: view.private_metadata,
      values: countInput('3'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('errors');
    const service = h.sandbox.world.service('prod', 'web');
    expect(service.desiredCount).toBe(3);
    expect([...service.tasks].filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(3);
    const replies = repliesTo(view);
    expect(replies.map((r) => r.text)).toEqual(['web in prod: desired 1 → 3', 'web in prod: 3/3 running']);
    expect(replies[0]!.response_type).toBe('in_channel');
    expect(h.sandbox.callsTo('ecs:UpdateService').map((c) => c.params)).toEqual([
      { cluster: 'prod', service: 'web', desiredCount: 3 },
    ]);
  });

  it('a read-only user who clicks Scale is refused, and no modal opens', async () => {
    const result = await h.click(SCALE_MODAL_ACTION, JSON.stringify({ cluster: 'prod', service: 'web', current: 1 }), {
      user: USERS.rita,
    });
    expect(result.seen).toMatch(/`scale` needs \*operate\* on \*prod\*, but you have \*read\* there/);
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a read-only user who submits the form anyway (a replayed or forged view) is refused, and nothing changes', async () => {
    const view = await openScaleModal();
    await h.submit(
      { callbackId: SCALE_MODAL_CALLBACK, privateMetadata: view.private_metadata, values: countInput('3') },
      { user: USERS.rita },
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
    expect(h.sandbox.world.service('prod', 'web').desiredCount).toBe(1);
    expect(
      repliesTo(view)
        .map((r) => r.text)
        .join('\n'),
    ).toMatch(/`scale` needs \*operate\* on \*prod\*/);
  });

  it.each(['-2', '2.5', 'three', '1001', ''])(
    'the modal rejects %j in the field itself, and nothing is scaled',
    async (value) => {
      const view = await openScaleModal();
      const res = await h.submit({
        callbackId: SCALE_MODAL_CALLBACK,
        privateMetadata: view.private_metadata,
        values: countInput(value),
      });
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toEqual({
        response_action: 'errors',
        errors: { [SCALE_INPUT_BLOCK]: 'Enter a whole number from 0 to 1000.' },
      });
      expect(h.sandbox.calls).toHaveLength(0);
    },
  );

  it('a form whose hidden state was tampered with asks to start again, and nothing is scaled', async () => {
    const res = await h.submit({
      callbackId: SCALE_MODAL_CALLBACK,
      privateMetadata: '{"cluster":"prod"}',
      values: countInput('3'),
    });
    expect(JSON.parse(res.body)).toMatchObject({ response_action: 'errors' });
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a service that runs more than the form allows still opens it, to scale down', async () => {
    await h.click(SCALE_MODAL_ACTION, JSON.stringify({ cluster: 'prod', service: 'web', current: 1500 }));
    const view = h.slack.callsTo('views.open')[0]?.args.view as OpenedView | undefined;
    expect(view?.blocks.find((b) => b.type === 'input')?.element?.initial_value).toBe('1000');
  });

  it('when Slack will not open the form (an expired trigger), the user is told what to type instead', async () => {
    h.slack.fail({ method: 'views.open', status: 200, error: 'expired_trigger_id' });
    const result = await h.click(SCALE_MODAL_ACTION, JSON.stringify({ cluster: 'prod', service: 'web', current: 1 }));
    expect(result.seen).toContain('I could not open the Scale form. Type `/ecs scale web N -c prod` instead.');
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it('a malformed Scale button value is answered politely and opens nothing', async () => {
    const result = await h.click(SCALE_MODAL_ACTION, '{"cluster":"prod"}');
    expect(result.seen).toContain('That Scale button is no longer valid');
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
  });
});
