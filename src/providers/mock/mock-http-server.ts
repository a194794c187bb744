/**
 * `routebench mock-server`: the scenario's mock providers over real HTTP on loopback, one base URL
 * per target: `/t/<target>/v1/chat/completions` (OpenAI dialect) or `/t/<target>/v1/messages`
 * (Anthropic), so any client, SDK or gateway can use them. Control endpoints: `GET /_routebench/hits`
 * (the hit log, `?since=&run=`), `POST /_routebench/runs/<run>?scale=` (start a run's clock),
 * `GET /_routebench/health`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { environmentError } from '../../errors.js';
import type { MockService } from './mock-service.js';
import { playReply } from './reply-timeline.js';

export interface MockServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const ROUTE = /^\/t\/([^/]+)\/v1\/(chat\/completions|messages)$/;

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export async function startMockServer(service: MockService, opts: { host?: string; port?: number } = {}): Promise<MockServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mock');
    if (req.method === 'GET' && url.pathname === '/_routebench/health') return json(res, 200, { ok: true });
    if (req.method === 'GET' && url.pathname === '/_routebench/hits')
      return json(res, 200, service.hits.since(Number(url.searchParams.get('since') ?? 0), url.searchParams.get('run') ?? undefined));
    const run = /^\/_routebench\/runs\/([\w.-]+)$/.exec(url.pathname);
    if (req.method === 'POST' && run) {
      service.startRun(run[1]!, Number(url.searchParams.get('scale') ?? 1) || 1);
      return json(res, 200, { ok: true });
    }
    const m = ROUTE.exec(url.pathname);
    if (req.method !== 'POST' || !m) return json(res, 404, { error: { type: 'not_found_error', message: `routebench mock: no route ${req.method} ${url.pathname}` } });
    if (!service.knows(m[1]!)) return json(res, 404, { error: { type: 'not_found_error', message: `routebench mock: unknown target "${m[1]}"` } });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return json(res, 400, { error: { type: 'invalid_request_error', message: 'routebench mock: the body is not JSON' } });
      }
      const handled = service.handle({ targetId: m[1]!, headers: req.headers, body });
      const cancel = playReply(
        handled.plan,
        {
          head: (status, headers) => res.writeHead(status, headers),
          write: (chunk) => res.write(chunk),
          end: () => res.end(),
          reset: () => req.socket.destroy(),
        },
        handled.done,
      );
      res.on('close', () => {
        cancel();
        handled.done(true); // a no-op when the reply already finished
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? environmentError('PORT_IN_USE', `port ${opts.port} is already in use`, 'choose another --port, or stop what listens there', e) : e),
    );
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
