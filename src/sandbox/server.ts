import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireResponse } from './protocols/json';

/** One HTTP request as the dispatcher sees it. */
export interface RawRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

/** A plain HTTP server on loopback: reads each body whole, hands it to `handle`, writes the reply. */
export async function startHttpServer(
  host: string,
  port: number,
  handle: (request: RawRequest) => Promise<WireResponse>,
): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RawRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', `http://${req.headers.host ?? host}`),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      handle(request).then(
        (reply) => {
          res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
          res.end(reply.body);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        },
      );
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
