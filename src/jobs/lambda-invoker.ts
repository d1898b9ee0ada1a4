import { type LambdaInvoker } from './dispatch';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- a type-only view of a module we load lazily
type LambdaModule = typeof import('@aws-sdk/client-lambda');

/**
 * The Lambda client is loaded on the first dispatch, not at cold start: the Slack function's
 * start-up time is what Slack's 3-second deadline sees first.
 */
export function createLambdaInvoker(region?: string): LambdaInvoker {
  let loaded: Promise<{ m: LambdaModule; client: InstanceType<LambdaModule['LambdaClient']> }> | undefined;
  return {
    async invokeAsync(functionName, payload) {
      loaded ??= import('@aws-sdk/client-lambda').then((m) => ({
        m,
        client: new m.LambdaClient(region ? { region } : {}),
      }));
      const { m, client } = await loaded;
      await client.send(
        new m.InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(payload) }),
      );
    },
  };
}
