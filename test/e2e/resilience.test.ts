import { startHarness, type Harness } from '../../testbed/harness';
import { roleArn } from '../../testbed/accounts';
import { servicesAccount } from '../../testbed/services-fixtures';
import { deploymentMessages } from '../../testbed/deployments';

const succeeded = (h: Harness, action: string) => h.sandbox.callsTo(action).filter((c) => c.error === undefined);
const STACK_TRACE = /\n\s+at [\w.<>]+ \(|\.ts:\d+:\d+|node_modules/;

describe('the services commands when AWS throttles 30 % of calls', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
    h.sandbox.inject({ kind: 'throttle', rate: 0.3 });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('services, service web, scale web 3, restart web and deploy --image all succeed, and each change is made exactly once', async () => {
    const list = await h.command('services');
    expect(list.replies.map((r) => r.text)).toEqual(['prod: 4 services, all steady']);

    const detail = await h.command('service web');
    expect(detail.replies.map((r) => r.text)).toEqual(['web in prod: 1/1 running, web:2 (COMPLETED)']);

    const scaled = await h.command('scale web 3');
    expect(scaled.replies.map((r) => r.text)).toEqual(['web in prod: desired 1 → 3', 'web in prod: 3/3 running']);
    expect(succeeded(h, 'ecs:UpdateService').map((c) => c.params)).toEqual([
      { cluster: 'prod', service: 'web', desiredCount: 3 },
    ]);

    // restart and deploy start deployments: each is followed in its live message in #alerts, which
    // ends once all 3 tasks run the new way, and the command's channel gets the announcement only.
    const restarted = await h.command('restart web');
    expect(restarted.replies.map((r) => r.text)).toEqual([
      'web in prod: restarting — 3 fresh tasks of web:2 replace the running ones',
    ]);
    expect(deploymentMessages(h).map((m) => m.text)).toEqual([
      'web in prod: restart of web:2 — completed in under a minute',
    ]);
    expect(succeeded(h, 'ecs:UpdateService').map((c) => c.params)).toEqual([
      { cluster: 'prod', service: 'web', desiredCount: 3 },
      { cluster: 'prod', service: 'web', forceNewDeployment: true },
    ]);

    const deployed = await h.command('deploy web --image nginx:1.29');
    expect(deployed.replies.map((r) => r.text)).toEqual([
      'web in prod: deploying web:2 → web:3 (container web: nginx:1.28 → nginx:1.29)',
    ]);
    expect(deploymentMessages(h).map((m) => m.text)).toEqual([
      'web in prod: restart of web:2 — completed in under a minute',
      'web in prod: deploy web:2 → web:3 — completed in under a minute',
    ]);
    expect(succeeded(h, 'ecs:RegisterTaskDefinition')).toHaveLength(1);
    expect(h.sandbox.world.findTaskDefinition('web:4')).toBeUndefined();
    expect(succeeded(h, 'ecs:UpdateService')).toHaveLength(3);

    // The throttling was real: the SDK's retries absorbed it.
    expect(h.sandbox.calls.filter((c) => c.error === 'ThrottlingException').length).toBeGreaterThan(3);
    const web = h.sandbox.world.service('prod', 'web');
    expect(web.desiredCount).toBe(3);
    expect(web.taskDefinition.revision).toBe(3);
    expect([...web.tasks].filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(3);
  });
});

describe('the live deployment message when AWS is slow to answer', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a slow DescribeServiceDeployments does not leave a deploy’s live message saying "starting" once the deployment has completed', async () => {
    // The message's read is still on its way when the follow-up sees the service settle.
    h.sandbox.inject({ kind: 'latency', action: 'ecs:DescribeServiceDeployments', ms: 50 });
    await h.command('deploy web web:1');
    expect(deploymentMessages(h).map((m) => m.text)).toEqual([
      'web in prod: deploy web:2 → web:1 — completed in under a minute',
    ]);
  });
});

describe('the services commands when the role may not do what they need', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ sandbox: { account: servicesAccount() } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it.each(['scale web 3', 'restart web', 'deploy web web:1', 'rollback web'])(
    'AccessDenied on UpdateService: "%s" replies naming the action and the role, with no stack trace, and nothing changes',
    async (text) => {
      h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:UpdateService' });
      const result = await h.command(text);
      const reply = result.replies.at(-1)!;
      expect(reply.text).toContain(
        `AWS denied ecs:UpdateService on prod (service web) to role chatops-prod-operate (${roleArn('prod', 'operate')})`,
      );
      expect(reply.text).toContain('ask a platform admin');
      expect(reply.response_type).toBe('ephemeral');
      expect(result.seen).not.toMatch(STACK_TRACE);
      expect(h.sandbox.mutations()).toHaveLength(0);
      expect(h.sandbox.world.service('prod', 'web').taskDefinition.revision).toBe(2);
      expect(h.sandbox.world.service('prod', 'web').desiredCount).toBe(1);
    },
  );

  it('AccessDenied on ListServices: services names the action and the read role', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:ListServices' });
    const result = await h.command('services');
    expect(result.replies.at(-1)!.text).toContain(
      `AWS denied ecs:ListServices on prod to role chatops-prod-read (${roleArn('prod', 'read')})`,
    );
    expect(result.seen).not.toMatch(STACK_TRACE);
  });

  it('AccessDenied on RegisterTaskDefinition: deploy --image names that action, and the service is not touched', async () => {
    h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:RegisterTaskDefinition' });
    const result = await h.command('deploy web --image nginx:1.29');
    expect(result.replies.at(-1)!.text).toContain(
      'AWS denied ecs:RegisterTaskDefinition on prod (task definition family web) to role chatops-prod-operate',
    );
    expect(h.sandbox.mutations()).toHaveLength(0);
    expect(h.sandbox.callsTo('ecs:UpdateService')).toHaveLength(0);
  });

  it('AccessDenied on DescribeServices part way through a long list fails the whole list with one clear reply, not a partial one', async () => {
    for (let i = 1; i <= 40; i += 1)
      h.sandbox.world.createService('prod', { name: `extra-${i}`, taskDefinition: 'solo', desiredCount: 0 });
    h.sandbox.inject({ kind: 'accessDenied', action: 'ecs:DescribeServices', times: 1 });
    const result = await h.command('services');
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]!.text).toContain('AWS denied ecs:DescribeServices on prod to role chatops-prod-read');
  });
});
