import fc from 'fast-check';
import { type ContainerInstanceInfo } from '../../src/aws/instances';
import { type ServiceDetail } from '../../src/aws/services';
import { type TaskInfo } from '../../src/aws/tasks';
import { mapAwsError } from '../../src/aws/errors';
import { parseCommand } from '../../src/commands/parse';
import { VERBS } from '../../src/verbs';
import { type Plan } from '../../src/approvals/plan';
import { type ApprovalRequest } from '../../src/approvals/types';
import {
  overflowNote,
  threadDetailMessage,
  windowMessage,
  muteNotice,
  type WindowView,
} from '../../src/notifications/view';
import { type Fact } from '../../src/notifications/types';
import { blockKitProblems } from '../../src/slack/limits';
import { escapeText, textMessage, type SlackMessage } from '../../src/slack/message';
import { pageOf } from '../../src/slack/paging';
import { approvalRequestMessage, decidedMessage } from '../../src/approvals/view';
import { clusterCreatedMessage, clusterDetailMessage, clusterListMessage } from '../../src/slack/views/clusters';
import { errorMessage } from '../../src/slack/views/errors';
import { imagesMessage, repositoriesMessage } from '../../src/slack/views/images';
import { instanceDetailMessage, instanceListMessage } from '../../src/slack/views/instances';
import { logsMessage } from '../../src/slack/views/logs';
import { scaleModal } from '../../src/slack/views/scale-modal';
import {
  createdMessage,
  deployedMessage,
  restartedMessage,
  scaledMessage,
  serviceDetailMessage,
  servicesListMessage,
  settlementMessage,
} from '../../src/slack/views/services';
import { familiesMessage, revisionsMessage, taskDefinitionMessage } from '../../src/slack/views/taskdefs';
import {
  alreadyStoppedMessage,
  launchMessage,
  stoppingMessage,
  stopSettledMessage,
  taskDetailMessage,
  taskListMessage,
} from '../../src/slack/views/tasks';
import { foreignControlsIn, HOSTILE } from '../../testbed/mrkdwn';

/**
 * Whatever AWS or a user puts in a name, a reason, an event, a log line, a tag or an image, the
 * views never let it become a mention or a link: every mrkdwn string they produce (blocks,
 * confirm dialogs and the fallback text) holds only the control sequences the bot writes itself.
 */
const USER = 'U0ALICE';
const trusted = { users: [USER] };

/** Strings as hostile as AWS or a user can make them: the known pings and links, their pieces, and anything at all. */
const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 8 }))
    .map(([a, b, c]) => `${a}${b}${c}`),
  fc.string({
    unit: fc.constantFrom('<', '>', '&', '|', '!', '@', '#', '^', 'U', 'C', 'h', ':', '/', ' ', '*', '`', '\n'),
    maxLength: 30,
  }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const time = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 });

const container = fc.record({
  name: hostile,
  image: maybe(hostile),
  lastStatus: hostile,
  exitCode: maybe(fc.integer({ min: 0, max: 255 })),
  reason: maybe(hostile),
});
const task: fc.Arbitrary<TaskInfo> = fc
  .record({
    id: hostile,
    arn: hostile,
    taskDefinition: hostile,
    group: maybe(hostile),
    service: maybe(hostile),
    lastStatus: fc.oneof(fc.constantFrom('RUNNING', 'STOPPED'), hostile),
    desiredStatus: fc.oneof(fc.constantFrom('RUNNING', 'STOPPED'), hostile),
    containerInstanceId: maybe(hostile),
    startedBy: maybe(hostile),
    createdAt: maybe(time),
    startedAt: maybe(time),
    stoppedAt: maybe(time),
    stopCode: maybe(fc.oneof(fc.constantFrom('EssentialContainerExited', 'TaskFailedToStart'), hostile)),
    stoppedReason: maybe(hostile),
    containers: fc.array(container, { maxLength: 3 }),
  })
  .map(stripUndefined);
const deployment = fc
  .record({
    id: hostile,
    status: hostile,
    rolloutState: maybe(fc.oneof(fc.constant('FAILED'), hostile)),
    rolloutStateReason: maybe(hostile),
    taskDefinition: hostile,
    desired: fc.nat(5),
    running: fc.nat(5),
    pending: fc.nat(5),
    failed: fc.nat(5),
    createdAt: maybe(time),
  })
  .map(stripUndefined);
const service: fc.Arbitrary<ServiceDetail> = fc
  .record({
    name: hostile,
    arn: hostile,
    status: hostile,
    desired: fc.nat(5),
    running: fc.nat(5),
    pending: fc.nat(5),
    taskDefinition: hostile,
    launchType: maybe(hostile),
    deployments: fc.array(deployment, { maxLength: 3 }),
    events: fc.array(fc.record({ id: hostile, createdAt: time, message: hostile }), { maxLength: 6 }),
  })
  .map(stripUndefined);
const instance: fc.Arbitrary<ContainerInstanceInfo> = fc
  .record({
    id: hostile,
    arn: hostile,
    ec2InstanceId: maybe(hostile),
    status: hostile,
    agentConnected: fc.boolean(),
    instanceType: maybe(hostile),
    availabilityZone: maybe(hostile),
    runningTasks: fc.nat(9),
    pendingTasks: fc.nat(9),
    registeredCpu: fc.nat(4096),
    remainingCpu: fc.nat(4096),
    registeredMemory: fc.nat(8192),
    remainingMemory: fc.nat(8192),
    agentVersion: maybe(hostile),
  })
  .map(stripUndefined);

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The property: no foreign `<…>` in any mrkdwn string, and Slack would take the message. */
function assertSafe(message: SlackMessage): void {
  expect(foreignControlsIn(message, trusted)).toEqual([]);
  expect(blockKitProblems(message)).toEqual([]);
}

describe('arbitrary AWS and user strings through the views never ping or disguise a link', () => {
  it('the escaping function leaves no <, > or bare & behind, and Slack would show the text as written', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = escapeText(s);
        expect(out).not.toMatch(/[<>]/);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        expect(out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(s);
      }),
    );
  });

  it('task lists, task details, launches and stops', () => {
    fc.assert(
      fc.property(fc.array(task, { minLength: 1, maxLength: 4 }), hostile, hostile, (tasks, typed, reason) => {
        const t = tasks[0]!;
        assertSafe(
          taskListMessage({
            alias: 'prod',
            tasks,
            filter: { service: typed, stopped: true },
            page: 1,
            now: 1_800_000_000_000,
          }),
        );
        assertSafe(
          taskListMessage({ alias: 'prod', tasks: [], filter: { service: typed }, page: 1, now: 1_800_000_000_000 }),
        );
        assertSafe(taskDetailMessage('prod', t, undefined, 1_800_000_000_000));
        assertSafe(
          launchMessage({
            alias: 'prod',
            verb: 'run',
            taskDefinition: typed,
            requested: 3,
            launch: {
              tasks,
              failures: [
                { reason, detail: reason },
                { reason: 'ATTRIBUTE', detail: reason },
              ],
            },
            userId: USER,
            fixedHostPorts: [80],
          }),
        );
        assertSafe(stoppingMessage('prod', t, USER, reason));
        assertSafe(alreadyStoppedMessage('prod', t));
        assertSafe(stopSettledMessage('prod', t, 1_800_000_000_000, 5000));
      }),
    );
  });

  it('service lists and details, and every follow-up: settled, unplaceable, failed with stopped tasks, timed out', () => {
    fc.assert(
      fc.property(
        service,
        service,
        fc.array(task, { maxLength: 4 }),
        hostile,
        hostile,
        (s, after, stopped, reason, eventMessage) => {
          assertSafe(
            servicesListMessage(
              'prod',
              [
                {
                  name: s.name,
                  status: s.status,
                  desired: s.desired,
                  running: s.running,
                  pending: s.pending,
                  taskDefinition: s.taskDefinition,
                  deployments: 2,
                  rolloutState: 'IN_PROGRESS',
                  steady: false,
                },
              ],
              1,
            ),
          );
          assertSafe(serviceDetailMessage('prod', s));
          assertSafe(serviceDetailMessage('prod', s, { crashed: { tasks: stopped, windowMs: 900_000 } }));
          assertSafe(restartedMessage('prod', after, USER));
          assertSafe(
            deployedMessage(
              'prod',
              s.name,
              {
                kind: 'deploy',
                from: s.taskDefinition,
                to: after.taskDefinition,
                image: {
                  from: s.taskDefinition,
                  to: after.taskDefinition,
                  container: reason,
                  previousImage: eventMessage,
                  image: reason,
                },
              },
              USER,
            ),
          );
          assertSafe(createdMessage('prod', after, USER));
          assertSafe(scaledMessage('prod', s, after, USER));
          assertSafe(settlementMessage('prod', { kind: 'settled', service: s }, 60_000, { showRevision: true }));
          assertSafe(
            settlementMessage(
              'prod',
              { kind: 'unplaceable', service: s, reason, eventMessage, missing: 1, of: 2 },
              60_000,
            ),
          );
          assertSafe(settlementMessage('prod', { kind: 'failed', service: s, reason, stopped }, 60_000));
          assertSafe(settlementMessage('prod', { kind: 'timeout', service: s, stopped }, 60_000));
        },
      ),
    );
  });

  it('clusters, instances, images, task definitions and logs', () => {
    fc.assert(
      fc.property(
        fc.array(instance, { minLength: 1, maxLength: 3 }),
        task,
        hostile,
        hostile,
        fc.array(hostile, { minLength: 1, maxLength: 5 }),
        (instances, t, a, b, names) => {
          const summary = {
            name: a,
            arn: b,
            status: a,
            activeServices: 1,
            runningTasks: 2,
            pendingTasks: 0,
            registeredInstances: 1,
          };
          assertSafe(
            clusterListMessage(
              pageOf([{ alias: 'prod', name: a, region: 'us-east-1', summary }], 1, 20, {
                cluster: 'prod',
                verb: 'clusters',
                args: [],
              }),
            ),
          );
          assertSafe(clusterDetailMessage({ alias: 'prod', region: 'us-east-1', summary, instances }));
          assertSafe(
            clusterCreatedMessage({
              name: a,
              region: 'us-east-1',
              summary,
              existed: false,
              accountId: b,
              rolePrefix: 'chatops',
              team: 'web',
              userId: USER,
            }),
          );
          assertSafe(instanceListMessage('prod', instances, 1));
          assertSafe(
            instanceDetailMessage({
              alias: 'prod',
              instance: instances[0]!,
              ec2: { id: a, state: b, type: a, publicDnsName: b, privateDnsName: a, privateIp: b },
              tasks: [t],
              now: 1_800_000_000_000,
            }),
          );
          assertSafe(
            repositoriesMessage({
              alias: 'prod',
              region: 'us-east-1',
              repositories: names.map((n) => ({ name: n, uri: b })),
              imageCounts: new Map(),
              page: 1,
            }),
          );
          assertSafe(
            imagesMessage({
              alias: 'prod',
              repository: a,
              images: [{ repository: a, digest: b, tags: names, sizeBytes: 1000, pushedAt: 1_800_000_000_000 }],
              page: 1,
            }),
          );
          assertSafe(familiesMessage({ alias: 'prod', region: 'us-east-1', families: names, page: 1 }));
          assertSafe(
            revisionsMessage({
              alias: 'prod',
              family: a,
              revisions: names.map((n, i) => ({
                taskDefinition: n,
                family: a,
                revision: i + 1,
                status: i === 0 ? 'ACTIVE' : b,
              })),
              page: 1,
            }),
          );
          const td = {
            taskDefinition: a,
            family: a,
            revision: 1,
            status: b,
            arn: b,
            cpu: a,
            memory: b,
            networkMode: a,
            taskRoleArn: b,
            executionRoleArn: a,
            requiresCompatibilities: names,
            containers: [
              {
                name: a,
                image: b,
                essential: true,
                ports: [{ containerPort: 80, hostPort: 80, protocol: a, fixedOnHost: true }],
                log: { driver: 'awslogs', group: a, region: b, streamPrefix: a },
                environmentNames: names,
                secretNames: names,
              },
            ],
          };
          assertSafe(taskDefinitionMessage('prod', td));
          assertSafe(
            logsMessage({
              alias: 'prod',
              target: a,
              task: t,
              choice: 'stopped',
              taskDefinition: td,
              lines: 20,
              now: 1_800_000_000_000,
              containers: [
                {
                  container: a,
                  kind: 'events',
                  group: b,
                  stream: a,
                  region: b,
                  events: names.map((message, i) => ({ timestamp: 1_800_000_000_000 + i, message })),
                },
                { container: b, kind: 'no-stream', group: a, stream: b, region: a, missing: 'stream' },
                { container: a, kind: 'not-awslogs', driver: b },
              ],
            }),
          );
        },
      ),
    );
  });

  it('approval requests and their decided states', () => {
    const plans = (a: string, b: string, names: string[]): Plan[] => [
      {
        kind: 'teardown',
        clusterActive: true,
        services: names.map((n) => ({ name: n, status: 'ACTIVE', desired: 1, running: 1 })),
        tasks: names.map((n) => ({ id: n, taskDefinition: a, lastStatus: b })),
        containerInstances: [{ id: a, ec2InstanceId: b, status: a, runningTasks: 1 }],
        ec2Instances: [{ id: a, type: b, state: a, leftover: true }],
        repositories: names.map((n) => ({ name: n, imageCount: 2 })),
      },
      { kind: 'service delete', service: { name: a, desired: 1, running: 1, taskDefinition: b } },
      { kind: 'taskdef deregister', taskDefinition: a, images: names, usedBy: names },
      { kind: 'image delete', repository: a, tag: b, digest: a, otherTags: names },
      { kind: 'repo delete', repository: a, uri: b, imageCount: 3 },
    ];
    fc.assert(
      fc.property(hostile, hostile, fc.array(hostile, { minLength: 1, maxLength: 4 }), (a, b, names) => {
        for (const plan of plans(a, b, names)) {
          const request: ApprovalRequest = {
            id: '3f1c2a9b-8d7e-4f6a-9b1c-2d3e4f5a6b7c',
            command: `${plan.kind} ${a}`,
            alias: 'prod',
            clusterName: 'prod',
            region: 'us-east-1',
            channelId: 'C0OPS',
            requester: { id: USER, teamId: 'T1' },
            requesterTeam: 'web',
            createdAt: 1_800_000_000_000,
            deadline: 1_800_001_800_000,
            status: 'pending',
            plan,
          };
          assertSafe(approvalRequestMessage(request, { approvers: ['platform'], runAs: 'requester' }));
          for (const status of ['denied', 'cancelled', 'expired', 'approved'] as const)
            assertSafe(
              decidedMessage({
                ...request,
                status,
                decidedBy: { id: USER, teamId: 'T1' },
                decidedAt: 1_800_000_100_000,
              }),
            );
        }
      }),
    );
  });

  it('notifications: the channel message, its thread details, the overflow note and the mute notice', () => {
    const fact: fc.Arbitrary<Fact> = fc.oneof(
      fc
        .record({
          type: fc.constant('taskStopped' as const),
          taskArn: hostile,
          taskId: hostile,
          taskDefinition: maybe(hostile),
          lastStatus: hostile,
          stopCode: maybe(hostile),
          stoppedReason: maybe(hostile),
          containers: fc.array(
            fc
              .record({ name: hostile, exitCode: maybe(fc.integer({ min: 0, max: 255 })), reason: maybe(hostile) })
              .map(stripUndefined),
            { maxLength: 3 },
          ),
          startedAt: maybe(time),
          stoppedAt: maybe(time),
        })
        .map(stripUndefined),
      fc
        .record({ type: fc.constant('serviceAction' as const), eventName: hostile, reason: maybe(hostile) })
        .map(stripUndefined),
      fc
        .record({
          type: fc.constant('deployment' as const),
          eventName: hostile,
          deploymentId: maybe(hostile),
          reason: maybe(hostile),
          rollback: fc.boolean(),
        })
        .map(stripUndefined),
      fc
        .record({
          type: fc.constant('instanceDisconnected' as const),
          containerInstanceArn: hostile,
          containerInstanceId: hostile,
          ec2InstanceId: maybe(hostile),
          since: time,
        })
        .map(stripUndefined),
    );
    const kind = fc.constantFrom(
      'unexpectedStop',
      'placementFailure',
      'deploymentFailure',
      'instanceDisconnected',
      'scaleIn',
      'userStop',
      'deploymentComplete' as const,
    );
    fc.assert(
      fc.property(
        fact,
        kind,
        maybe(hostile),
        hostile,
        fc.integer({ min: 1, max: 50 }),
        (latest, k, svc, clusterName, count) => {
          const w: WindowView = {
            alias: 'prod',
            kind: k,
            cluster: { name: clusterName, region: 'us-east-1' },
            count,
            firstAt: 1_800_000_000_000,
            lastAt: 1_800_000_060_000,
            latest,
            ...(svc !== undefined ? { service: svc } : {}),
          };
          assertSafe(windowMessage(w));
          assertSafe(threadDetailMessage(w, latest, 2));
          assertSafe(overflowNote(w));
          assertSafe({
            text: muteNotice({
              userId: USER,
              until: 1_800_000_000_000,
              alias: 'prod',
              ...(svc !== undefined ? { service: svc } : {}),
            }),
          });
        },
      ),
    );
  });

  it('errors AWS returns, words a user types, and the scale form', () => {
    fc.assert(
      fc.property(hostile, hostile, fc.array(hostile, { minLength: 1, maxLength: 4 }), (message, resource, words) => {
        for (const name of [
          'InvalidParameterException',
          'AccessDeniedException',
          'ServiceNotFoundException',
          'SomethingElse',
        ]) {
          const err = Object.assign(new Error(message), { name });
          assertSafe(
            errorMessage(
              mapAwsError(err, {
                alias: 'prod',
                clusterName: resource,
                region: 'us-east-1',
                action: 'ecs:UpdateService',
                roleArn: 'arn:aws:iam::111111111111:role/x',
                resource,
              }),
              'prod',
              words.join(' '),
            ),
          );
        }
        assertSafe(errorMessage(new Error(message), resource, words.join(' ')));
        const typed = words.map((w) => `"${w.replace(/["']/g, '')}"`).join(' ');
        for (const text of [
          typed,
          `scale ${typed}`,
          `logs ${typed} --lines x`,
          `tasks --bogus${typed}`,
          `help ${typed}`,
        ]) {
          const parsed = parseCommand(text, VERBS);
          if (!parsed.ok) assertSafe(textMessage(parsed.error));
        }
        const modal = scaleModal({
          cluster: resource,
          service: message,
          current: 2,
          channelId: 'C0WEB',
          responseUrl: 'https://hooks.slack.com/x',
        });
        expect(foreignControlsIn({ blocks: modal.blocks }, trusted)).toEqual([]);
      }),
    );
  });
});

describe('the checker itself', () => {
  it('finds each hostile sequence when it is not escaped, and none of ours', () => {
    for (const seq of HOSTILE) expect(foreignControlsIn({ text: `x ${seq} y` }, trusted)).toHaveLength(1);
    const ours = `<@${USER}> at <!date^1800000000^{date_short_pretty} {time}|2027-01-15 08:00 UTC> · <https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod|cluster prod>`;
    expect(foreignControlsIn({ text: ours }, trusted)).toEqual([]);
  });
});
