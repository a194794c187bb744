/**
 * `routebench mock-server`: the scenario's mock providers over real HTTP on loopback, one base URL
 * per target: `/t/<target>/v1/chat/completions` (OpenAI dialect) or `/t/<target>/v1/messages`
 * (Anthropic), so any client, SDK or gateway can use them. Control endpoints: `GET /_routebench/hits`
 * (the hit log, `?since=&run=`), `POST /_routebench/runs/<run>?scale=` (start a run's clock),
 * `GET /_routebench/generation?run=&request=&target=&attempt=` (what the mock generates for
 * one call: `{"ttftMs", "tokensPerMs", "tokensOut"}`, for billing), `GET /_routebench/health`, and `GET /_routebench/stats`: `{"requests", "cpu_ms", "uptime_ms",
 * "in_flight", "ceiling_rps"}`, the POSTs served, this process's CPU ms and uptime since start, replies
 * in progress, and requests per CPU-second (the mock's one-core ceiling, null before 1,000 requests;
 * server-stats.ts), so a load run can tell when the mock, not the system under test, is the limit.
 * The clock is the service's `realNow`. The request path is read without a URL parser (a
 * query string is parsed only for the control endpoints).
 *
 * Before the mock model sees a request, request-gate.ts checks it as the real API would: the
 * target's own path, a body of at most `maxBodyBytes` (413 as soon as the limit is passed; the
 * rest is read and dropped, never kept), JSON the API accepts, a prompt within the context window.
 * The server listens on loopback only unless `allowRemote` (it would serve anyone who can reach it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { environmentError, inputError } from '../../errors.js';
import type { WireResponse } from '../dialects/dialect.js';
import { RequestGate } from './request-gate.js';
import type { MockService } from './mock-service.js';
import { playReply } from './reply-timeline.js';
import { ServerStats, type CpuUsage, type MockServerStats } from './server-stats.js';

export interface MockServer {
  url: string;
  port: number;
  /** What `GET /_routebench/stats` answers. */
  stats(): MockServerStats;
  close(): Promise<void>;
}

export interface MockServerOptions {
  host?: string;
  port?: number;
  /** CPU counter of this process (default process.cpuUsage), injected for tests. */
  cpuUsage?: CpuUsage;
  /** Listen on a non-loopback address (default: refused). */
  allowRemote?: boolean;
  /** Largest request body served; larger ones get a 413 in the target's dialect (default 32 MB). */
  maxBodyBytes?: number;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/i;

/** Body bytes read and dropped after a 413 before the connection is closed (an endless upload). */
const DISCARD_FACTOR = 4;

const ROUTE = /^\/t\/([^/]+)\/v1\/(chat\/completions|messages)$/;

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** Headers as the flat [name, value, …] list writeHead takes, with a content-length (no object spread per reply). */
function withLength(headers: Readonly<Record<string, string>>, text: string, extra?: Readonly<Record<string, string>>): string[] {
  const flat: string[] = [];
  for (const k in headers) if (k !== 'content-length' && (extra === undefined || !(k in extra))) flat.push(k, headers[k]!);
  if (extra !== undefined) for (const k in extra) flat.push(k, extra[k]!);
  flat.push('content-length', String(Buffer.byteLength(text)));
  return flat;
}

const send = (res: http.ServerResponse, r: WireResponse, extra?: Record<string, string>) => {
  res.writeHead(r.status, withLength(r.headers, r.body, extra));
  res.end(r.body);
};

/** Refuses (exit 2) a host that is not loopback. */
export function assertLoopbackHost(host: string): void {
  if (!LOOPBACK.test(host))
    throw inputError('REMOTE_HOST', `--host ${host} is not a loopback address: the mock server would answer requests from other machines`, [], 'keep the default 127.0.0.1, or add --allow-remote if you mean it');
}

export async function startMockServer(service: MockService, opts: MockServerOptions = {}): Promise<MockServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!opts.allowRemote) assertLoopbackHost(host);
  const gate = new RequestGate(opts.maxBodyBytes);
  const stats = new ServerStats(service.realNow, opts.cpuUsage ?? (() => process.cpuUsage()));
  const server = http.createServer((req, res) => {
    // Origin-form (`/t/x/...`) is read as is; anything else (an absolute URL from a proxy client) is parsed.
    const url = req.url ?? '/';
    const raw = url.startsWith('/') ? url : (({ pathname, search }) => pathname + search)(new URL(url, 'http://mock'));
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    const query = () => new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    if (req.method === 'GET') {
      if (pathname === '/_routebench/health') return json(res, 200, { ok: true });
      if (pathname === '/_routebench/stats') return json(res, 200, stats.snapshot());
      if (pathname === '/_routebench/hits') {
        const p = query();
        return json(res, 200, service.hits.since(Number(p.get('since') ?? 0), p.get('run') ?? undefined));
      }
      if (pathname === '/_routebench/generation') {
        // What the mock generates for one marked call (billing a call hung up on before any byte came back).
        const p = query();
        const g = service.generation(p.get('run') ?? '', Number(p.get('request')), p.get('target') ?? '', Number(p.get('attempt')));
        return g ? json(res, 200, { ttftMs: g.ttftMs === g.ttftMs ? g.ttftMs : null, tokensPerMs: g.tokensPerMs, tokensOut: g.tokensOut }) : json(res, 404, { error: { type: 'not_found_error', message: 'routebench mock: no such call' } });
      }
    }
    const run = req.method === 'POST' && pathname.startsWith('/_routebench/') ? /^\/_routebench\/runs\/([\w.-]+)$/.exec(pathname) : null;
    if (run) {
      const scale = Number(query().get('scale') ?? 1);
      // A negative, zero or infinite scale would run the mocks' clock backwards, frozen or instant.
      if (!(scale > 0 && Number.isFinite(scale))) return json(res, 400, { error: { type: 'invalid_request_error', message: `routebench mock: scale must be a finite number above 0, got ${query().get('scale')}` } });
      service.startRun(run[1]!, scale);
      // The targets served, so a client can tell a mock started for another scenario (remote-mock.ts).
      return json(res, 200, { ok: true, targets: service.targetIds() });
    }
    if (req.method !== 'POST') return json(res, 404, { error: { type: 'not_found_error', message: `routebench mock: no route ${req.method} ${pathname}` } });
    // A POST served: counted when its reply is over (sent, or the client went away).
    const served = stats.begin();
    let release: (() => void) | undefined;
    res.once('close', () => {
      release?.();
      served();
    });
    const m = ROUTE.exec(pathname);
    if (!m) return json(res, 404, { error: { type: 'not_found_error', message: `routebench mock: no route ${req.method} ${pathname}` } });
    const target = service.target(m[1]!);
    if (!target) return json(res, 404, { error: { type: 'not_found_error', message: `routebench mock: unknown target "${m[1]}"` } });
    const wrong = gate.wrongRoute(target, req.method, m[2]!, pathname);
    if (wrong) return send(res, wrong);
    const limit = gate.maxBodyBytes;
    let refused = false;
    const refuse = () => {
      refused = true;
      chunks.length = 0;
      send(res, gate.tooLarge(target), { connection: 'close' });
    };
    const chunks: Buffer[] = [];
    let size = 0;
    if (Number(req.headers['content-length']) > limit) refuse();
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (refused) {
        // Read and dropped, so the client can read the 413; an upload that goes on and on is cut.
        if (size > limit * DISCARD_FACTOR) req.socket.destroy();
        return;
      }
      if (size > limit) refuse();
      else chunks.push(c);
    });
    req.on('end', () => {
      if (refused) return;
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      chunks.length = 0;
      const checked = gate.check(target, text, req.headers);
      if (!checked.ok) return send(res, checked.response);
      const handled = service.handle({ targetId: m[1]!, headers: req.headers, body: checked.body });
      const cancel = playReply(
        handled.plan,
        {
          // A stream's status line and headers go out at once, as the real APIs send them (Node would
          // hold them until the first event): the client's first byte is when the mock scheduled it.
          head: (status, headers) => res.writeHead(status, headers).flushHeaders(),
          write: (chunk) => res.write(chunk),
          end: () => res.end(),
          endWith: (last) => res.end(last),
          reset: () => req.socket.destroy(),
          // One write for status line, headers and body (a content-length, no chunked framing).
          whole: (status, headers, text) => {
            res.writeHead(status, withLength(headers, text));
            res.end(text);
          },
        },
        handled.done,
      );
      release = () => {
        cancel();
        handled.done(true); // a no-op when the reply already finished
      };
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? environmentError('PORT_IN_USE', `port ${opts.port} is already in use`, 'choose another --port, or stop what listens there', e) : e),
    );
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`,
    port,
    stats: () => stats.snapshot(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
