import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/**
 * SSM Parameter Store and Secrets Manager on 127.0.0.1, as far as the bot uses them: GetParameter
 * and GetSecretValue, spoken in their real wire protocol (AWS JSON 1.1, `X-Amz-Target`), so the
 * unmodified SDK clients behind Powertools parameters talk to it through AWS_ENDPOINT_URL_SSM /
 * AWS_ENDPOINT_URL_SECRETS_MANAGER. Every call is recorded.
 */
export interface SecretStores {
  url: string;
  calls: { target: string; params: Record<string, unknown> }[];
  stop(): Promise<void>;
}

export async function startSecretStores(options: {
  parameters?: Record<string, string>;
  secrets?: Record<string, string>;
}): Promise<SecretStores> {
  const parameters = new Map(Object.entries(options.parameters ?? {}));
  const secrets = new Map(Object.entries(options.secrets ?? {}));
  const calls: SecretStores['calls'] = [];
  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const params = JSON.parse((await body(req)) || '{}') as Record<string, unknown>;
    calls.push({ target, params });
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': `req-${calls.length}`,
      });
      res.end(JSON.stringify(payload));
    };
    if (target === 'AmazonSSM.GetParameter') {
      const name = String(params.Name);
      const value = parameters.get(name);
      if (value === undefined)
        return reply(400, { __type: 'ParameterNotFound', message: `Parameter ${name} not found.` });
      // A SecureString read without decryption comes back encrypted; the bot must ask for it.
      const shown = params.WithDecryption === true ? value : Buffer.from(`kms:${value}`).toString('base64');
      return reply(200, {
        Parameter: {
          Name: name,
          Type: 'SecureString',
          Value: shown,
          Version: 1,
          ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`,
        },
      });
    }
    if (target === 'secretsmanager.GetSecretValue') {
      const id = String(params.SecretId);
      const value = secrets.get(id);
      if (value === undefined)
        return reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      return reply(200, {
        ARN: id.startsWith('arn:') ? id : `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}-AbCdEf`,
        Name: id,
        SecretString: value,
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1.7e9,
      });
    }
    return reply(400, { __type: 'UnknownOperationException', message: `${target} is not played here` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
