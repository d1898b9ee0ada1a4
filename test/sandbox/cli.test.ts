import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ECSClient, ListServicesCommand } from '@aws-sdk/client-ecs';
import { DEMO_OPERATOR_KEY } from '../../src/sandbox';

const TSX = 'node_modules/.bin/tsx';

describe('the sandbox CLI', () => {
  it('prints its options for --help', async () => {
    const child = spawn(TSX, ['src/sandbox/cli.ts', '--help']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = await once(child, 'exit');

    expect(code).toBe(0);
    expect(out).toContain('--port N');
    expect(out).toContain('--speed N');
  });

  it('starts the demo account, prints the URL, the environment and an aws example, and stops cleanly on SIGTERM', async () => {
    const child = spawn(TSX, ['src/sandbox/cli.ts', '--port', '0', '--speed', '10']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    while (!out.includes('Ctrl-C to stop')) await once(child.stdout, 'data');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];

    const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: DEMO_OPERATOR_KEY });
    const services = await ecs.send(new ListServicesCommand({ cluster: 'demo-prod' }));
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');

    expect(out).toContain(`export AWS_ENDPOINT_URL=${url}`);
    expect(out).toContain(`export AWS_ACCESS_KEY_ID=${DEMO_OPERATOR_KEY.accessKeyId}`);
    expect(out).toContain(`aws --endpoint-url ${url} ecs list-services --cluster demo-prod`);
    expect(services.serviceArns).toHaveLength(3);
    expect(code).toBe(0);
    expect(out).toContain('Sandbox stopped (SIGTERM).');
  });
});
