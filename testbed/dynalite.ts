import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { type AddressInfo } from 'node:net';
import { type Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStateTable, StateStore } from '../src/state/table';

/** dynalite ships no types; this is the part of its API we use. */
type DynaliteFactory = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}) => Server;

export interface LocalStateTable {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_DYNAMODB or `endpoint`. */
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  /** A store over the table, as the handlers get it. */
  store: StateStore;
  stop(): Promise<void>;
}

/**
 * Starts dynalite in-process on 127.0.0.1 (random port, in-memory), with the state table created.
 * `thread: true` serves it from a worker thread of this process, as DynamoDB is served from
 * elsewhere: the caller's own work then does not share its thread with the table's.
 */
export async function startDynalite(options: { tableName?: string; thread?: boolean } = {}): Promise<LocalStateTable> {
  const served = options.thread ? await serveInWorkerThread() : await serveHere();
  const endpoint = `http://127.0.0.1:${served.port}`;
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
      await served.close();
    },
  };
}

async function serveHere(): Promise<{ port: number; close: () => Promise<void> }> {
  const dynalite = createRequire(__filename)('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function serveInWorkerThread(): Promise<{ port: number; close: () => Promise<void> }> {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const server = require(${JSON.stringify(createRequire(__filename).resolve('dynalite'))})({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
    parentPort.on('message', () => server.close(() => process.exit(0)));`;
  const worker = new Worker(source, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    port,
    close: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await exited;
    },
  };
}
