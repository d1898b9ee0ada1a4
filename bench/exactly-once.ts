/**
 * Exactly once (docs/targets.md): the same `scale` job delivered 10 times to the worker (5 of them at
 * the same moment), and the same signed request sent 10 times within Slack's 5-minute window, each
 * change AWS once. Reports the UpdateService calls each made (target 1) and what the claim costs
 * the worker: DynamoDB calls per job.
 */
import { runJob } from '../src/worker/run-job';
import { CHANNELS, USERS } from '../testbed/config';
import { startHarness } from '../testbed/harness';
import { apiGatewayEvent, slashCommandBody } from '../testbed/slack-requests';
import { report } from './report';

const DELIVERIES = 10;

export async function run(): Promise<void> {
  const h = await startHarness();
  let dynamoCalls = 0;
  h.state.client.middlewareStack.add((next) => async (args) => ((dynamoCalls += 1), next(args)), {
    step: 'initialize',
    name: 'countDynamoCalls',
  });
  try {
    // The same job, delivered again and again (Lambda's async invoke is at-least-once).
    await h.command('scale web 3');
    const job = h.jobs[0];
    await Promise.all(Array.from({ length: DELIVERIES / 2 - 1 }, () => runJob(job, h.worker)));
    for (let i = 0; i < DELIVERIES / 2; i += 1) await runJob(job, h.worker);
    report('exactlyOnce.sameJob.awsChanges', h.sandbox.callsTo('ecs:UpdateService').length, 'UpdateService calls', {
      deliveries: DELIVERIES,
      target: 1,
    });
    report('exactlyOnce.claim.dynamoCallsPerJob', dynamoCalls / DELIVERIES, 'calls/job', {
      note: 'one conditional PutItem per delivery; scale itself uses no state table',
    });

    // The same signed request, replayed.
    const request = apiGatewayEvent(
      slashCommandBody({
        text: 'scale web 5',
        userId: USERS.alice,
        channelId: CHANNELS.web,
        responseUrl: h.slack.responseUrl(),
      }),
    );
    for (let i = 0; i < DELIVERIES; i += 1) await h.send(structuredClone(request));
    await h.drain();
    const toFive = h.sandbox.callsTo('ecs:UpdateService').filter((c) => c.params.desiredCount === 5).length;
    report('exactlyOnce.replayedRequest.awsChanges', toFive, 'UpdateService calls', {
      requests: DELIVERIES,
      target: 1,
    });
  } finally {
    await h.stop();
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
