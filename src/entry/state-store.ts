import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StateStore } from '../state/table';

/**
 * The state table named by STATE_TABLE: DynamoDB, or dynalite via AWS_ENDPOINT_URL_DYNAMODB (the
 * SDK reads AWS_REGION and the endpoint itself). Its own module so the Slack and events bundles
 * can use it without the worker's imports.
 */
export function stateStore(tableName: string): StateStore {
  return new StateStore({ client: new DynamoDBClient({}), tableName });
}
