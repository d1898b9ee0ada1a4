/**
 * The state table: one DynamoDB table (dynalite locally and in tests) shared by every part of the
 * bot. Keys are two strings, `pk` and `sk`; `expiresAt` (epoch seconds) is the table's TTL
 * attribute. DynamoDB deletes expired items lazily (up to a couple of days late), so every reader
 * treats an item whose `expiresAt` has passed as absent.
 *
 * Key layout: every kind of item in the table, in one place (add a line when you add one), as
 * `pk` / `sk`: the item; when it expires. Each feature keeps the code that reads and writes its
 * items next to it, in the file named.
 *
 * Notifications (src/notifications/):
 * - `event#<dedupe key>` / `seen`: an ECS event already counted; first seen + 2 days (event-ids.ts).
 * - `notify#<alias>#<service or *>#<kind>` / `window`: the current notification window; last event
 *   + 7 days (windows.ts).
 * - `notify#pending` / `<window pk>`: a window whose message is behind; with its window (pending.ts).
 * - `notify#pending` / `agent#<alias>#<arn>`: a container instance's agent state (a disconnect not yet
 *   confirmed, or a recent reconnect); state + 1 day (pending.ts).
 * - `mute#<alias>` / `cluster` or `service#<svc>`: a mute, until when and by whom; until (mutes.ts).
 *
 * Approvals (src/approvals/):
 * - `approval#<request id>` / `request`: an approval request, who and what (the plan), every
 *   decision and step; deadline + 90 days (store.ts).
 * - `approval#pending` / `<request id>`: a request not yet finished (waiting for a decision, or
 *   approved and not yet done); `deadline` is when the sweep next looks at it; due + 1 day (store.ts).
 * - `approval#leftovers#<alias>` / `ec2#<instance id>`: an EC2 instance a teardown deregistered and
 *   has not yet terminated; + 30 days (operations/teardown-leftovers.ts).
 *
 * Deployments (src/notifications/deployments/):
 * - `deploy#<alias>#<service>` / `ecs#<ecs-svc id>`: the live message of one service deployment
 *   (its channel and ts, the last read and edit, what it showed); started + 7 days (live.ts).
 * - `deploy#<alias>#<service>` / `current`: which of them is the service's newest (a rollback's
 *   events belong to it); started + 7 days (live.ts).
 *
 * Jobs (src/jobs/):
 * - `job#<job id>` / `claim`: a job the worker claimed, by whom and when; claimed + 1 day (claims.ts).
 *
 * `notify#pending` and `approval#pending` are deliberately one partition each: a sweeper reads
 * all due work with one Query, and each only ever holds a handful of items.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

export const TTL_ATTRIBUTE = 'expiresAt';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** Attribute values for an expression: `{ ':v': 1 }`. Attribute names are written `#name` and resolved automatically. */
export type ExpressionValues = Record<string, unknown>;

export interface ConditionalWrite {
  /** e.g. `attribute_not_exists(#pk) OR #version = :version` */
  condition?: string;
  values?: ExpressionValues;
}

/**
 * A small typed facade over the table. Conditional writes return `false` / `undefined` when the
 * condition failed instead of throwing, because for us a lost race is an ordinary outcome.
 */
export class StateStore {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(options: { client: DynamoDBClient; tableName: string }) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.tableName = options.tableName;
  }

  async get<T extends object>(key: ItemKey): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item as T | undefined;
  }

  /** Puts the item; false when the condition failed. */
  async put(item: ItemKey & Record<string, unknown>, write: ConditionalWrite = {}): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: item, ...expression(write.condition, write.values) }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /**
   * Runs an update expression (`SET #count = :count REMOVE #claim`) and returns the item as it is
   * afterwards; undefined when the condition failed.
   */
  async update<T extends object>(key: ItemKey, update: string, write: ConditionalWrite = {}): Promise<T | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: update,
          ReturnValues: 'ALL_NEW',
          ...expression(write.condition, write.values, update),
        }),
      );
      return out.Attributes as T | undefined;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  /** Deletes the item; false when the condition failed. */
  async delete(key: ItemKey, write: ConditionalWrite = {}): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: key, ...expression(write.condition, write.values) }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Every item of one partition (paginated), optionally only sort keys that start with a prefix. */
  async query<T extends object>(pk: string, options: { skPrefix?: string } = {}): Promise<T[]> {
    const items: T[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: options.skPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
          ExpressionAttributeNames: options.skPrefix ? { '#pk': 'pk', '#sk': 'sk' } : { '#pk': 'pk' },
          ExpressionAttributeValues: options.skPrefix ? { ':pk': pk, ':prefix': options.skPrefix } : { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((out.Items ?? []) as T[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

/** Creates the table (for local runs and tests; production gets it from serverless.yml) and waits until it is ACTIVE. */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceInUseException') throw err;
  }
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (err) {
    // dynalite does not implement UpdateTimeToLive; readers ignore expired items anyway.
    const name = (err as { name?: string }).name ?? '';
    if (!/UnknownOperation|ValidationException|NotImplemented/i.test(name)) throw err;
  }
}

export function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

/** Epoch seconds for the TTL attribute. */
export function ttlSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** An item whose TTL has passed is treated as absent (DynamoDB deletes expired items late). */
export function isExpired(item: { expiresAt?: number } | undefined, nowMs: number): boolean {
  return item?.expiresAt !== undefined && item.expiresAt * 1000 <= nowMs;
}

/**
 * Expression attribute names are derived from the `#name` tokens used, so callers never trip
 * over DynamoDB's reserved words (`count`, `by`, `at`, `ts` …).
 */
function expression(
  condition: string | undefined,
  values: ExpressionValues | undefined,
  update = '',
): {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  for (const match of `${update} ${condition ?? ''}`.matchAll(/#([A-Za-z0-9_]+)/g))
    names[`#${match[1]}`] = match[1] as string;
  return {
    ...(condition ? { ConditionExpression: condition } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(values && Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}
