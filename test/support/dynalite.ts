import { createRequire } from 'node:module';
import { type AddressInfo } from 'node:net';
import { type Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStateTable, StateStore } from '../../src/state/table';

/** dynalite ships no types; this is the part of its API we use. */
type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }) => Server;

export interface LocalStateTable {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_DYNAMODB or `endpoint`. */
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  /** A store over the table, as the handlers get it. */
  store: StateStore;
  stop(): Promise<void>;
}

/** Starts dynalite in-process on 127.0.0.1 (random port, in-memory), with the state table created. */
export async function startDynalite(options: { tableName?: string } = {}): Promise<LocalStateTable> {
  const dynalite = createRequire(__filename)('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  const tableName = options.tableName ?? 'chatops-state-test';
  await createStateTable(client, tableName);
  return {
    endpoint,
    client,
    tableName,
    store: new StateStore({ client, tableName }),
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
