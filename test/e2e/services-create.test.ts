import { startHarness, type Harness } from '../../testbed/harness';
import { CHANNELS, USERS } from '../../testbed/config';
import { liveMessage } from '../../testbed/deployments';
import { roleArn } from '../../testbed/accounts';
import { servicesAccount } from '../../testbed/services-fixtures';

describe('/ecs service create, through the signed Slack handler, against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('an admin creates worker from solo with 2 tasks on EC2, and its live message says the first deployment completed', async () => {
    const result = await h.command('service create worker solo --count 2', { user: USERS.bob });
    expect(result.ack.text).toContain('to create service worker');
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]?.response_type).toBe('in_channel');
    expect(result.replies[0]?.text).toBe('worker created in prod: solo:1, desired 2 (EC2)');
    expect(JSON.stringify(result.replies[0]?.blocks)).toContain(`Followed live in <#${CHANNELS.alerts}>`);
    const live = liveMessage(h);
    expect(live.text).toBe('worker in prod: service create of solo:1 — completed in under a minute');
    expect(live.blocks).toContain(`started by <@${USERS.bob}> with \`service create\``);
    const creates = h.sandbox.callsTo('ecs:CreateService');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.params).toMatchObject({
      cluster: 'prod',
      serviceName: 'worker',
      taskDefinition: 'solo:1',
      desiredCount: 2,
      launchType: 'EC2',
    });
    expect(creates[0]!.principal).toMatchObject({ roleArn: roleArn('prod', 'admin'), sourceIdentity: USERS.bob });
    const worker = h.sandbox.world.service('prod', 'worker');
    expect(worker.status).toBe('ACTIVE');
    expect([...worker.tasks].filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(2);
  });

  it('without --count the service runs one task, of the revision named', async () => {
    const result = await h.command('service create old-web web-fixed:1 -c staging', { user: USERS.bob });
    // Staging has no channel of its own: the live message, in the command's channel, is its only answer.
    expect(result.replies).toHaveLength(0);
    const live = liveMessage(h, CHANNELS.web);
    expect(live.text).toMatch(/^old-web in staging: service create of web-fixed:1 — /);
    // Its tasks field counts against the one task asked for.
    expect(live.blocks).toMatch(/\*Tasks\*\\n\d+ running · \d+ pending of 1"/);
    expect(h.sandbox.world.service('staging', 'old-web').desiredCount).toBe(1);
  });

  it('a name that is taken gets a sentence saying what to do instead, and nothing is created', async () => {
    const result = await h.command('service create web solo', { user: USERS.bob });
    expect(result.replies[0]?.text).toBe(
      'There is already a service web in prod. /ecs deploy web solo:1 changes what it runs, /ecs scale web N how many.',
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it('an unknown task definition family gets "did you mean", and nothing is created', async () => {
    const result = await h.command('service create worker sol', { user: USERS.bob });
    expect(result.replies[0]?.text).toMatch(
      /^sol is not a task definition family of prod, so service create may not use it there\. Did you mean solo\?/,
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
  });

  it.each([
    ['an operator', USERS.alice, 'operate'],
    ['a read-only user', USERS.rita, 'read'],
  ])('%s is refused service create, told it needs admin, and no AWS call is made', async (_who, user, level) => {
    const result = await h.command('service create worker solo', { user });
    expect(result.ack.text).toContain(`\`service create\` needs *admin* on *prod*, but you have *${level}* there`);
    expect(h.sandbox.calls).toHaveLength(0);
  });

  it.each([
    ['service create worker', 'FAMILY[:REV] is missing'],
    ['service create worker solo --count many', '--count: the count must be a whole number'],
    ['service create worker solo --count 5000', '--count: the count can be at most 1000'],
  ])('"%s" gets usage help and makes no AWS call', async (text, problem) => {
    const result = await h.command(text, { user: USERS.bob });
    expect(result.ack.text).toContain(problem);
    expect(result.ack.text).toContain('/ecs service create SVC FAMILY[:REV] [--count N]');
    expect(h.sandbox.calls).toHaveLength(0);
  });
});
