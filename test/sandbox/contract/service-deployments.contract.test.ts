import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import type { EcsEventBridgeEvent, ManualClock, Sandbox } from '../../../src/sandbox';
import { assumeRole, clientConfig } from '../../../testbed/sandbox';

async function contractClients(sb: Sandbox) {
  const credentials = await assumeRole(sb, 'arn:aws:iam::111111111111:role/sandbox-operator');
  return { config: { ...clientConfig(sb, credentials), maxAttempts: 1 } };
}
import {
  conformance,
  contractSandbox,
  jsonErrorType,
  list,
  oneOf,
  recordRaw,
  tablesPerAction,
  type ErrorCase,
  type RawAnswer,
  type Shape,
  type SuccessCase,
} from './support';

/**
 * The ECS service deployments API against the Amazon ECS API Reference:
 * API_ListServiceDeployments, API_DescribeServiceDeployments (API_ServiceDeployment,
 * API_ServiceRevisionSummary, API_DeploymentLifecycleHookDetail, API_Rollback,
 * API_ServiceDeploymentCircuitBreaker, API_ServiceDeploymentAlarms), API_StopServiceDeployment and
 * API_ContinueServiceDeployment, and the "ECS Deployment State Change" events of the Developer
 * Guide (ecs_service_deployment_events.html).
 */

const STATUS = oneOf(
  'PENDING',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'IN_PROGRESS',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
);
const STAGE = oneOf(
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
);
const MONITORS = oneOf('TRIGGERED', 'MONITORING', 'MONITORING_COMPLETE', 'DISABLED');
const RevisionSummary: Shape = {
  name: 'ServiceRevisionSummary',
  fields: {
    arn: 'string',
    requestedTaskCount: 'integer',
    runningTaskCount: 'integer',
    pendingTaskCount: 'integer',
    requestedTestTrafficWeight: 'double',
    requestedProductionTrafficWeight: 'double',
  },
  present: ['arn', 'requestedTaskCount', 'runningTaskCount', 'pendingTaskCount'],
};
const ServiceDeploymentShape: Shape = {
  name: 'ServiceDeployment',
  fields: {
    serviceDeploymentArn: 'string',
    serviceArn: 'string',
    clusterArn: 'string',
    createdAt: 'timestamp',
    startedAt: 'timestamp',
    finishedAt: 'timestamp',
    stoppedAt: 'timestamp',
    updatedAt: 'timestamp',
    sourceServiceRevisions: list(RevisionSummary),
    targetServiceRevision: RevisionSummary,
    status: STATUS,
    statusReason: 'string',
    lifecycleStage: STAGE,
    lifecycleHookDetails: list({
      name: 'DeploymentLifecycleHookDetail',
      fields: {
        hookId: 'string',
        targetType: oneOf('AWS_LAMBDA', 'PAUSE'),
        targetArn: 'string',
        status: oneOf('AWAITING_ACTION', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'TIMED_OUT'),
        expiresAt: 'timestamp',
        timeoutAction: oneOf('ROLLBACK', 'CONTINUE'),
      },
      present: ['hookId', 'targetType', 'status'],
    }),
    deploymentConfiguration: 'any',
    rollback: {
      name: 'Rollback',
      fields: { reason: 'string', startedAt: 'timestamp', serviceRevisionArn: 'string' },
      present: ['reason', 'startedAt', 'serviceRevisionArn'],
    },
    deploymentCircuitBreaker: {
      name: 'ServiceDeploymentCircuitBreaker',
      fields: { status: MONITORS, failureCount: 'integer', threshold: 'integer' },
      present: ['status'],
    },
    alarms: {
      name: 'ServiceDeploymentAlarms',
      fields: { status: MONITORS, alarmNames: list('string'), triggeredAlarmNames: list('string') },
      present: ['status'],
    },
  },
  present: ['serviceDeploymentArn', 'serviceArn', 'clusterArn', 'createdAt', 'status', 'targetServiceRevision'],
};
const Responses = {
  ListServiceDeployments: {
    name: 'ListServiceDeploymentsResponse',
    fields: {
      serviceDeployments: list({
        name: 'ServiceDeploymentBrief',
        fields: {
          serviceDeploymentArn: 'string',
          serviceArn: 'string',
          clusterArn: 'string',
          startedAt: 'timestamp',
          createdAt: 'timestamp',
          finishedAt: 'timestamp',
          targetServiceRevisionArn: 'string',
          status: STATUS,
          statusReason: 'string',
        },
        present: ['serviceDeploymentArn', 'serviceArn', 'clusterArn', 'createdAt', 'status'],
      }),
      nextToken: 'string',
    },
    present: ['serviceDeployments'],
  },
  DescribeServiceDeployments: {
    name: 'DescribeServiceDeploymentsResponse',
    fields: {
      serviceDeployments: list(ServiceDeploymentShape),
      failures: list({ name: 'Failure', fields: { arn: 'string', reason: 'string', detail: 'string' } }),
    },
    present: ['serviceDeployments', 'failures'],
  },
  StopServiceDeployment: {
    name: 'StopServiceDeploymentResponse',
    fields: { serviceDeploymentArn: 'string' },
    present: ['serviceDeploymentArn'],
  },
  ContinueServiceDeployment: {
    name: 'ContinueServiceDeploymentResponse',
    fields: { serviceDeploymentArn: 'string' },
    present: ['serviceDeploymentArn'],
  },
} satisfies Record<string, Shape>;

let sandbox: Sandbox & { clock: ManualClock };
let ecs: ECSClient;
let raw: { last(): RawAnswer };
let readOnly: ECSClient;
let readRaw: { last(): RawAnswer };
const events: EcsEventBridgeEvent[] = [];
const STAGING = 'demo-staging';
const PROD = 'demo-prod';
const GHOST = 'arn:aws:ecs:us-east-1:111111111111:service-deployment/demo-prod/web/0123456789abcdefghijkl';

beforeAll(async () => {
  const env = await contractSandbox();
  sandbox = env.sandbox;
  sandbox.onEvent((e) => events.push(e));
  ecs = new ECSClient(env.config);
  raw = recordRaw(ecs);
  readOnly = new ECSClient({
    ...clientConfig(sandbox, await assumeRole(sandbox, 'arn:aws:iam::111111111111:role/chatops-demo-staging-read')),
    maxAttempts: 1,
  });
  readRaw = recordRaw(readOnly);
});
afterAll(() => sandbox?.stop());

/** A new deployment of a service (forceNewDeployment), and the ARN of its service deployment. */
async function newDeployment(cluster: string, service: string): Promise<string> {
  const out = await ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
  return out.service!.currentServiceDeployment!;
}

async function describe1(arn: string): Promise<ServiceDeployment> {
  const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  return out.serviceDeployments![0]!;
}

/** Lets the simulated account run (tasks start, the scheduler reconciles). */
async function settle(ms = 1_000): Promise<void> {
  sandbox.clock.advance(ms);
  sandbox.world.advance();
}

async function expectConforms(c: SuccessCase<unknown>): Promise<void> {
  await c.send();
  const answer = raw.last();
  expect(answer.status).toBe(200);
  expect(conformance(JSON.parse(answer.body), c.shape)).toEqual([]);
}

async function expectError(c: ErrorCase): Promise<void> {
  const error = await c.send().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: c.error, $metadata: { httpStatusCode: c.status } });
  expect(jsonErrorType((c.name.includes('read-only') ? readRaw : raw).last())).toBe(c.error);
}

describe('ECS service deployments, as the API reference answers them', () => {
  tablesPerAction(
    [
      {
        name: 'ListServiceDeployments of a service',
        shape: Responses.ListServiceDeployments,
        send: () => ecs.send(new ListServiceDeploymentsCommand({ cluster: PROD, service: 'web' })),
      },
      {
        name: 'ListServiceDeployments filtered by status, one a page',
        shape: Responses.ListServiceDeployments,
        send: () =>
          ecs.send(
            new ListServiceDeploymentsCommand({
              cluster: PROD,
              service: 'worker',
              status: ['SUCCESSFUL', 'IN_PROGRESS'],
              maxResults: 1,
            }),
          ),
      },
      {
        name: 'DescribeServiceDeployments of one that exists and one that does not',
        shape: Responses.DescribeServiceDeployments,
        send: async () =>
          ecs.send(
            new DescribeServiceDeploymentsCommand({
              serviceDeploymentArns: [await newDeployment(PROD, 'cron'), GHOST],
            }),
          ),
      },
      {
        name: 'StopServiceDeployment ROLLBACK of one in progress (paused at its hook)',
        shape: Responses.StopServiceDeployment,
        send: async () =>
          ecs.send(
            new StopServiceDeploymentCommand({
              serviceDeploymentArn: await newDeployment(STAGING, 'web'),
              stopType: 'ROLLBACK',
            }),
          ),
      },
      {
        name: 'ContinueServiceDeployment of a paused blue/green deployment',
        shape: Responses.ContinueServiceDeployment,
        send: async () => {
          const arn = await newDeployment(STAGING, 'web');
          await settle();
          const hook = (await describe1(arn)).lifecycleHookDetails!.find((h) => h.status === 'AWAITING_ACTION')!;
          return ecs.send(
            new ContinueServiceDeploymentCommand({
              serviceDeploymentArn: arn,
              hookId: hook.hookId!,
              action: 'CONTINUE',
            }),
          );
        },
      },
    ],
    [
      {
        name: 'ListServiceDeployments of a service that does not exist',
        error: 'ServiceNotFoundException',
        status: 400,
        send: () => ecs.send(new ListServiceDeploymentsCommand({ cluster: PROD, service: 'ghost' })),
      },
      {
        name: 'ListServiceDeployments with maxResults over 100',
        error: 'InvalidParameterException',
        status: 400,
        send: () => ecs.send(new ListServiceDeploymentsCommand({ cluster: PROD, service: 'web', maxResults: 101 })),
      },
      {
        name: 'DescribeServiceDeployments of none',
        error: 'InvalidParameterException',
        status: 400,
        send: () => ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [] })),
      },
      {
        name: 'StopServiceDeployment of one that does not exist',
        error: 'ServiceDeploymentNotFoundException',
        status: 400,
        send: () => ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: GHOST, stopType: 'ROLLBACK' })),
      },
      {
        name: 'StopServiceDeployment of one that has finished',
        error: 'ConflictException',
        status: 400,
        send: async () => {
          const arn = await newDeployment(PROD, 'worker');
          await settle();
          return ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
        },
      },
      {
        name: 'StopServiceDeployment by a read-only role',
        error: 'AccessDeniedException',
        status: 400,
        send: async () => {
          const arn = (
            await ecs.send(new ListServiceDeploymentsCommand({ cluster: STAGING, service: 'web', maxResults: 1 }))
          ).serviceDeployments![0]!.serviceDeploymentArn!;
          return readOnly.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn }));
        },
      },
      {
        name: 'ContinueServiceDeployment with a hook id the deployment does not have',
        error: 'InvalidParameterException',
        status: 400,
        send: async () =>
          ecs.send(
            new ContinueServiceDeploymentCommand({
              serviceDeploymentArn: await newDeployment(STAGING, 'web'),
              hookId: 'ecs-pause-nothing',
            }),
          ),
      },
      {
        name: 'ContinueServiceDeployment of one that does not exist',
        error: 'ServiceDeploymentNotFoundException',
        status: 400,
        send: () =>
          ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: GHOST, hookId: 'ecs-pause-x' })),
      },
    ],
    { ok: expectConforms, error: expectError },
  );
});

describe('how a service deployment moves', () => {
  it('UpdateService names the new service deployment, which completes as its deployment does', async () => {
    const arn = await newDeployment(PROD, 'worker');
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:111111111111:service-deployment\/demo-prod\/worker\/\w+$/);
    // Tasks start at once in this sandbox, so the deployment may have finished already.
    expect((await describe1(arn)).sourceServiceRevisions).toHaveLength(1);
    await settle();
    const done = await describe1(arn);
    expect(done).toMatchObject({ status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' });
    expect(done.finishedAt).toBeInstanceOf(Date);
    const services = await ecs.send(new DescribeServicesCommand({ cluster: PROD, services: ['worker'] }));
    expect(services.services![0]!.currentServiceDeployment).toBe(arn);
  });

  it('a blue/green deployment pauses at its PAUSE hook with the blue tasks kept, and goes on when continued', async () => {
    const arn = await newDeployment(STAGING, 'web');
    await settle();
    const paused = await describe1(arn);
    expect(paused).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
    const hook = paused.lifecycleHookDetails!.find((h) => h.status === 'AWAITING_ACTION')!;
    expect(hook).toMatchObject({ targetType: 'PAUSE', timeoutAction: 'ROLLBACK' });
    expect(hook.expiresAt!.getTime() - paused.updatedAt!.getTime()).toBe(60 * 60_000);
    // Blue and green both run while it waits.
    expect(paused.targetServiceRevision).toMatchObject({ runningTaskCount: 1 });
    expect(paused.sourceServiceRevisions!.map((r) => r.runningTaskCount)).toContain(1);
    await settle(10 * 60_000);
    expect((await describe1(arn)).status).toBe('IN_PROGRESS');

    await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! }));
    await settle();
    await settle();
    const done = await describe1(arn);
    expect(done.status).toBe('SUCCESSFUL');
    expect(done.lifecycleHookDetails![0]!.status).toBe('SUCCEEDED');
    expect(done.sourceServiceRevisions!.map((r) => r.runningTaskCount)).toEqual(
      done.sourceServiceRevisions!.map(() => 0),
    );
  });

  it('StopServiceDeployment ROLLBACK rolls back even without a rollback option, and emits Deployment State Change events', async () => {
    events.length = 0;
    const arn = await newDeployment(STAGING, 'web');
    await settle();
    expect((await describe1(arn)).status).toBe('IN_PROGRESS');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    await settle();
    await settle();
    const done = await describe1(arn);
    expect(done.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(done.rollback).toMatchObject({ reason: expect.stringMatching(/StopServiceDeployment/) });
    const changes = events.filter((e) => e['detail-type'] === 'ECS Deployment State Change');
    expect(changes.map((e) => (e.detail as { eventName: string }).eventName)).toEqual(
      expect.arrayContaining(['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED']),
    );
    for (const e of changes) {
      expect(e.resources).toEqual(['arn:aws:ecs:us-east-1:111111111111:service/demo-staging/web']);
      expect(e.detail).toMatchObject({ deploymentId: expect.stringMatching(/^ecs-svc\/\d+$/) });
    }
  });

  it('lists the newest first, with the status filter applied', async () => {
    const all = await ecs.send(new ListServiceDeploymentsCommand({ cluster: STAGING, service: 'web' }));
    const times = all.serviceDeployments!.map((d) => d.createdAt!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const rolledBack = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster: STAGING, service: 'web', status: ['ROLLBACK_SUCCESSFUL'] }),
    );
    expect(rolledBack.serviceDeployments!.every((d) => d.status === 'ROLLBACK_SUCCESSFUL')).toBe(true);
    expect(rolledBack.serviceDeployments!.length).toBeGreaterThan(0);
  });

  it('a paused hook that times out takes its time-out action: ROLLBACK returns to the source revision', async () => {
    const before = await ecs.send(new DescribeServicesCommand({ cluster: STAGING, services: ['web'] }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web-staging',
        containerDefinitions: [{ name: 'web', image: 'public.ecr.aws/nginx/nginx:1.28', memory: 256 }],
      }),
    );
    const out = await ecs.send(
      new UpdateServiceCommand({
        cluster: STAGING,
        service: 'web',
        taskDefinition: td.taskDefinition!.taskDefinitionArn,
      }),
    );
    const arn = out.service!.currentServiceDeployment!;
    await settle();
    await settle(61 * 60_000);
    // An hour on, the role sessions have expired: new ones, as a client would get.
    ecs = new ECSClient((await contractClients(sandbox)).config);
    await settle();
    const rolledBack = await describe1(arn);
    expect(rolledBack.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(rolledBack.lifecycleHookDetails![0]!.status).toBe('TIMED_OUT');
    expect(rolledBack.rollback?.reason).toMatch(/timed out/);
    const after = await ecs.send(new DescribeServicesCommand({ cluster: STAGING, services: ['web'] }));
    expect(after.services![0]!.taskDefinition).toBe(before.services![0]!.taskDefinition);
  });
});

/**
 * "Amazon ECS service deployment hook state change events" (ECS Developer Guide,
 * ecs_hook_state_change_events): the events ECS sends, detail-type "ECS Hook State Change", when a
 * deployment lifecycle hook changes status. The page shows one example, a pause hook awaiting action:
 *
 *   { "version": "0", "id": "3329f79b-…", "detail-type": "ECS Hook State Change", "source": "aws.ecs",
 *     "account": "123456789012", "time": "2026-03-05T15:54:41Z", "region": "us-west-2",
 *     "resources": ["arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/0EYSiB0qap8xf0N76FsbE"],
 *     "detail": { "eventType": "INFO", "eventName": "HOOK_AWAITING_ACTION", "hookId": "ecs-pause-e7tK9G_…",
 *       "hookType": "PAUSE", "expiresAt": "2026-03-05T16:04:41Z", "lifecycleStage": "POST_TEST_TRAFFIC_SHIFT",
 *       "clusterArn": "arn:aws:ecs:us-west-2:123456789012:cluster/my-cluster",
 *       "serviceArn": "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service",
 *       "serviceDeploymentArn": "arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/0EYSiB0qap8xf0N76FsbE",
 *       "updatedAt": "2026-03-05T15:54:41.618059641Z" } }
 *
 * The other event names (HOOK_SUCCEEDED: ContinueServiceDeployment CONTINUE; HOOK_FAILED: ROLLBACK;
 * HOOK_TIMED_OUT) have no example: they are held to the same fields. The page gives no eventType for
 * them; a failure is ERROR here, as SERVICE_DEPLOYMENT_FAILED is in the Deployment State Change events.
 */
describe('ECS Hook State Change events, as the Developer Guide shows them', () => {
  const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
  const ISO_FRACTION = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  type Received = { time: string; detail: { eventName: string; hookId: string; expiresAt: string; updatedAt: string } };

  /** The hook events of one service deployment, in the order sent. */
  function hookEvents(serviceDeploymentArn: string): Received[] {
    return events
      .filter((e) => e['detail-type'] === 'ECS Hook State Change')
      .map((e) => e as unknown as Received & { detail: { serviceDeploymentArn: string } })
      .filter((e) => e.detail.serviceDeploymentArn === serviceDeploymentArn);
  }

  /** The example's shape, field for field: its values where they are fixed, patterns where they vary. */
  function expectDocumentedShape(
    event: unknown,
    want: { serviceDeploymentArn: string; eventType: 'INFO' | 'ERROR'; eventName: string },
  ): void {
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(UUID),
      'detail-type': 'ECS Hook State Change',
      source: 'aws.ecs',
      account: '111111111111',
      time: expect.stringMatching(ISO_SECONDS),
      region: 'us-east-1',
      resources: [want.serviceDeploymentArn],
      detail: {
        eventType: want.eventType,
        eventName: want.eventName,
        hookId: expect.stringMatching(/^ecs-pause-/),
        hookType: 'PAUSE',
        expiresAt: expect.stringMatching(ISO_SECONDS),
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/demo-staging',
        serviceArn: 'arn:aws:ecs:us-east-1:111111111111:service/demo-staging/web',
        serviceDeploymentArn: want.serviceDeploymentArn,
        updatedAt: expect.stringMatching(ISO_FRACTION),
      },
    });
  }

  /** A new deployment of demo-staging's web, paused at its PAUSE hook; its ARN and the hook. */
  async function pausedDeployment() {
    const arn = await newDeployment(STAGING, 'web');
    await settle();
    const paused = await describe1(arn);
    const hook = paused.lifecycleHookDetails!.find((h) => h.status === 'AWAITING_ACTION')!;
    expect(hook).toBeDefined();
    return { arn, hook };
  }

  it('a pause hook that starts waiting sends HOOK_AWAITING_ACTION, naming the hook DescribeServiceDeployments shows', async () => {
    events.length = 0;
    const { arn, hook } = await pausedDeployment();
    const sent = hookEvents(arn);
    expect(sent).toHaveLength(1);
    expectDocumentedShape(sent[0], { serviceDeploymentArn: arn, eventType: 'INFO', eventName: 'HOOK_AWAITING_ACTION' });
    const detail = sent[0]!.detail;
    expect(detail.hookId).toBe(hook.hookId);
    expect(Date.parse(detail.expiresAt)).toBe(Math.floor(hook.expiresAt!.getTime() / 1000) * 1000);
    // The demo's hook waits 60 minutes: the example's expiresAt is its time plus the hook's time-out.
    expect(Date.parse(detail.expiresAt) - Date.parse(sent[0]!.time)).toBe(60 * 60_000);
    expect(Math.floor(Date.parse(detail.updatedAt) / 1000) * 1000).toBe(Date.parse(sent[0]!.time));
  });

  it('ContinueServiceDeployment CONTINUE sends HOOK_SUCCEEDED for the hook it continued', async () => {
    events.length = 0;
    const { arn, hook } = await pausedDeployment();
    await ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId!, action: 'CONTINUE' }),
    );
    const sent = hookEvents(arn);
    expect(sent.map((e) => e.detail.eventName)).toEqual(['HOOK_AWAITING_ACTION', 'HOOK_SUCCEEDED']);
    expectDocumentedShape(sent[1], { serviceDeploymentArn: arn, eventType: 'INFO', eventName: 'HOOK_SUCCEEDED' });
    expect(sent[1]!.detail).toMatchObject({ hookId: hook.hookId, expiresAt: sent[0]!.detail.expiresAt });
    expect((await describe1(arn)).lifecycleHookDetails![0]!.status).toBe('SUCCEEDED');
    await settle();
    await settle();
    expect((await describe1(arn)).status).toBe('SUCCESSFUL');
  });

  it('ContinueServiceDeployment ROLLBACK sends HOOK_FAILED, an ERROR, and the hook shows FAILED as the deployment rolls back', async () => {
    events.length = 0;
    const { arn, hook } = await pausedDeployment();
    await ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId!, action: 'ROLLBACK' }),
    );
    const sent = hookEvents(arn);
    expect(sent.map((e) => e.detail.eventName)).toEqual(['HOOK_AWAITING_ACTION', 'HOOK_FAILED']);
    expectDocumentedShape(sent[1], { serviceDeploymentArn: arn, eventType: 'ERROR', eventName: 'HOOK_FAILED' });
    expect(sent[1]!.detail.hookId).toBe(hook.hookId);
    await settle();
    await settle();
    const done = await describe1(arn);
    expect(done.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(done.lifecycleHookDetails![0]!.status).toBe('FAILED');
  });

  it('a waiting hook whose deployment a newer one replaces sends HOOK_FAILED, as its status becomes FAILED', async () => {
    events.length = 0;
    const { arn, hook } = await pausedDeployment();
    const newer = await newDeployment(STAGING, 'web');
    const sent = hookEvents(arn);
    expect(sent.map((e) => e.detail.eventName)).toEqual(['HOOK_AWAITING_ACTION', 'HOOK_FAILED']);
    expectDocumentedShape(sent[1], { serviceDeploymentArn: arn, eventType: 'ERROR', eventName: 'HOOK_FAILED' });
    expect(sent[1]!.detail.hookId).toBe(hook.hookId);
    expect(await describe1(arn)).toMatchObject({ status: 'STOPPED', lifecycleHookDetails: [{ status: 'FAILED' }] });
    // The newer deployment pauses at its own hook; continue it so the next test starts from a finished one.
    await settle();
    const next = (await describe1(newer)).lifecycleHookDetails!.find((h) => h.status === 'AWAITING_ACTION')!;
    await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: newer, hookId: next.hookId! }));
    await settle();
    await settle();
    expect((await describe1(newer)).status).toBe('SUCCESSFUL');
  });

  it('StopServiceDeployment ROLLBACK of a paused deployment sends HOOK_FAILED for its waiting hook', async () => {
    events.length = 0;
    const { arn, hook } = await pausedDeployment();
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    const sent = hookEvents(arn);
    expect(sent.map((e) => e.detail.eventName)).toEqual(['HOOK_AWAITING_ACTION', 'HOOK_FAILED']);
    expectDocumentedShape(sent[1], { serviceDeploymentArn: arn, eventType: 'ERROR', eventName: 'HOOK_FAILED' });
    expect(sent[1]!.detail.hookId).toBe(hook.hookId);
    await settle();
    await settle();
    expect(await describe1(arn)).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      lifecycleHookDetails: [{ status: 'FAILED' }],
    });
  });

  it('a hook that times out sends HOOK_TIMED_OUT, an ERROR, before its time-out action rolls the deployment back', async () => {
    events.length = 0;
    const { arn, hook } = await pausedDeployment();
    await settle(61 * 60_000);
    // An hour on, the role sessions have expired: new ones, as a client would get.
    ecs = new ECSClient((await contractClients(sandbox)).config);
    await settle();
    const sent = hookEvents(arn);
    expect(sent.map((e) => e.detail.eventName)).toEqual(['HOOK_AWAITING_ACTION', 'HOOK_TIMED_OUT']);
    expectDocumentedShape(sent[1], { serviceDeploymentArn: arn, eventType: 'ERROR', eventName: 'HOOK_TIMED_OUT' });
    expect(sent[1]!.detail.hookId).toBe(hook.hookId);
    // Sent when the hook expired, not when someone next looked.
    expect(sent[1]!.time).toBe(sent[1]!.detail.expiresAt);
    // Then the time-out action: the rollback's deployment starts after the event.
    const timedOutAt = events.indexOf(sent[1] as unknown as EcsEventBridgeEvent);
    const rollbackStarted = events.findIndex(
      (e) =>
        e['detail-type'] === 'ECS Deployment State Change' &&
        e.detail.eventName === 'SERVICE_DEPLOYMENT_IN_PROGRESS' &&
        e.time >= sent[1]!.time,
    );
    expect(rollbackStarted).toBeGreaterThan(timedOutAt);
    const done = await describe1(arn);
    expect(done.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(done.lifecycleHookDetails![0]!.status).toBe('TIMED_OUT');
  });
});
