/**
 * The events function (bundled to dist/events.js): ECS events from EventBridge, and the
 * scheduled tick that sweeps trailing message edits. Reads the environment once per cold start.
 * Keep imports light: no ECS/EC2/ECR clients belong in this bundle.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WebClient } from '@slack/web-api';
import { systemClock } from '../clock';
import { loadConfigFile } from '../config/load';
import { ConfigError } from '../errors';
import { createLogger } from '../logger';
import { createEventsHandler, type EventsHandler } from '../notifications/handler';
import { StateStore } from '../state/table';

let built: EventsHandler | undefined;

export async function handler(event: unknown): Promise<unknown> {
  built ??= build();
  return built(event);
}

function build(): EventsHandler {
  const logger = createLogger({ name: 'events', level: process.env.LOG_LEVEL ?? 'info' });
  const configPath = process.env.CHATOPS_CONFIG;
  const tableName = process.env.STATE_TABLE;
  const token = process.env.SLACK_BOT_TOKEN;
  if (!configPath) throw new ConfigError('CHATOPS_CONFIG is not set: it names the YAML config file');
  if (!tableName) throw new ConfigError('STATE_TABLE is not set: it names the DynamoDB state table');
  if (!token) throw new ConfigError('SLACK_BOT_TOKEN is not set');
  const config = loadConfigFile(configPath);
  return createEventsHandler({
    config,
    logger,
    clock: systemClock,
    // The SDK reads AWS_REGION / AWS_ENDPOINT_URL(_DYNAMODB) itself.
    state: new StateStore({ client: new DynamoDBClient({}), tableName }),
    slack: new WebClient(token, {
      ...(process.env.SLACK_API_URL ? { slackApiUrl: process.env.SLACK_API_URL } : {}),
      // A 429 waits for Retry-After and tries again; a few retries fit in a Lambda's time, and
      // anything still unsent is picked up by the next sweep from the state table.
      retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
    }),
  });
}
