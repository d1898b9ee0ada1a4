import { createRequire } from 'node:module';
import { type AddressInfo } from 'node:net';
import { type Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStateTable, StateStore } from '../state/table';

/** dynalite ships no types; this is the part of its API we use. */
type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

export interface PlaygroundStateTable {
  store: StateStore;
  stop(): Promise<void>;
}

/**
 * The bot's state table (approval requests, notification windows, mutes) in dynalite, in memory
 * on 127.0.0.1: the same DynamoDB API the deployed bot uses, gone when the playground stops.
 * dynalite is loaded only here, so nothing else pays for it.
 */
export async function startPlaygroundStateTable(): Promise<PlaygroundStateTable> {
  const dynalite = createRequire(__filename)('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'playground', secretAccessKey: 'playground' },
    maxAttempts: 3,
  });
  const tableName = 'ecs-chatops-playground';
  await createStateTable(client, tableName);
  return {
    store: new StateStore({ client, tableName }),
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
