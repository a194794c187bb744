/**
 * The HTTP face of `routebench serve`: `POST /v1/chat/completions` (OpenAI dialect) and
 * `POST /v1/messages` (Anthropic dialect, `?beta=true` tolerated), `GET /_routebench/health`.
 * Reads the body, parses it once, turns it into an Exchange and hands it to the driver. Closing
 * stops accepting, lets requests in flight finish for a grace period, then cuts what is left.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { environmentError } from '../errors.js';
import type { DialectName } from '../providers/canonical.js';
import { Exchange } from './exchange.js';
import { modelProblem, readIncoming } from './incoming.js';
import type { ServeDriver } from './serve-driver.js';
import { serveError, type ServeError } from './serve-errors.js';

export interface ServeServerOptions {
  host: string;
  port: number;
  /** Run key of requests without a routebench marker (the mocks keep per-run state). */
  runKey: string;
  /** Largest request body accepted (default 32 MiB). */
  maxBodyBytes?: number;
  /** The mock server whose control endpoints (run start, hit log) are forwarded. */
  controlUrl?: string;
}

export interface ServeServer {
  url: string;
  port: number;
  /** Requests whose answer is not complete yet. */
  inFlight(): number;
  /** Stops accepting; waits up to `graceMs` for requests in flight, then cuts them. */
  close(graceMs?: number): Promise<void>;
}

const HEALTH = '{"ok":true}';

/** A request's body as it arrives. Kept on the request object, so no closure is made per request. */
interface Pending {
  dialect: DialectName;
  chunks: Buffer[];
  size: number;
  res: http.ServerResponse;
}
const PENDING = Symbol('routebench.serve.pending');
const EXCHANGE = Symbol('routebench.serve.exchange');
type Req = http.IncomingMessage & { [PENDING]?: Pending };
type Res = http.ServerResponse & { [EXCHANGE]?: Exchange };

function reply(res: http.ServerResponse, e: ServeError): undefined {
  res.writeHead(e.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(e.body) });
  res.end(e.body);
  return undefined;
}

/**
 * A mock control request (`POST /_routebench/runs/<run>`, `GET /_routebench/hits`) passed on to the
 * mock server, so a replay through serve can start its run and read the hit log at serve's address.
 */
function forward(url: string, method: string, res: http.ServerResponse): void {
  fetch(url, { method }).then(
    async (r) => {
      const body = await r.text();
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    },
    (e: unknown) => reply(res, serveError('openai', 'internal', `the mock server did not answer: ${(e as Error).message}`, 502)),
  );
}

export async function startServeServer(driver: ServeDriver, o: ServeServerOptions): Promise<ServeServer> {
  const maxBody = o.maxBodyBytes ?? 32 * 1024 * 1024;
  let seq = 0;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  // The handlers are made once per server and find their request's state on `this`.
  function onData(this: Req, c: Buffer): void {
    const p = this[PENDING]!;
    p.size += c.length;
    if (p.size <= maxBody) p.chunks.push(c);
  }
  function onEnd(this: Req): void {
    const p = this[PENDING]!;
    this[PENDING] = undefined;
    if (p.size > maxBody) return void reply(p.res, serveError(p.dialect, 'too_large', `the request body is over ${maxBody} bytes`));
    const raw = p.chunks.length === 1 ? p.chunks[0]! : Buffer.concat(p.chunks);
    const text = raw.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return void reply(p.res, serveError(p.dialect, 'invalid_request', 'the request body is not JSON'));
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return void reply(p.res, serveError(p.dialect, 'invalid_request', 'the request body must be a JSON object'));
    const noModel = modelProblem(p.dialect, json as Record<string, unknown>);
    if (noModel !== undefined) return void reply(p.res, serveError(p.dialect, 'invalid_request', noModel));
    const fields = readIncoming(this.headers, json as Record<string, unknown>, text);
    const ex = new Exchange(p.dialect, raw, json as Record<string, unknown>, fields, fields.index ?? seq++, fields.runKey ?? o.runKey, driver.now(), this.headers, p.res);
    (p.res as Res)[EXCHANGE] = ex;
    driver.arrive(ex);
  }
  function onClose(this: Res): void {
    inFlight--;
    if (inFlight === 0) drained?.();
    const ex = this[EXCHANGE];
    if (ex !== undefined) driver.clientGone(ex);
  }

  const server = http.createServer((req: Req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const dialect: DialectName | undefined = path === '/v1/chat/completions' ? 'openai' : path === '/v1/messages' ? 'anthropic' : undefined;
    if (dialect === undefined || req.method !== 'POST') {
      req.resume();
      if (req.method === 'GET' && path === '/_routebench/health') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': HEALTH.length });
        return void res.end(HEALTH);
      }
      if (o.controlUrl !== undefined && (path.startsWith('/_routebench/runs/') || path === '/_routebench/hits')) return void forward(`${o.controlUrl}${url}`, req.method ?? 'GET', res);
      const how = dialect === undefined ? 'has no route' : 'takes POST only, not';
      return void reply(res, serveError(dialect ?? 'openai', 'not_found', `${how} ${req.method} ${path}; use POST /v1/chat/completions (OpenAI) or POST /v1/messages (Anthropic)`, dialect ? 405 : 404));
    }
    inFlight++;
    res.on('close', onClose); // a response closes once: no once() wrapper needed
    req[PENDING] = { dialect, chunks: [], size: 0, res };
    req.on('data', onData);
    req.on('end', onEnd);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(environmentError('PORT_IN_USE', `port ${o.port} on ${o.host} is already in use`, 'choose another --port (0 picks a free one), or stop what listens there', e));
      else if (e.code === 'EACCES') reject(environmentError('PORT_DENIED', `not allowed to listen on port ${o.port}`, 'use a port above 1023, or 0 for any free port', e));
      else if (e.code === 'EADDRNOTAVAIL') reject(environmentError('HOST_UNAVAILABLE', `${o.host} is not an address of this machine`, 'use --host 127.0.0.1', e));
      else reject(e);
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    port,
    inFlight: () => inFlight,
    close: async (graceMs = 2000) => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          drained = resolve;
          timer = setTimeout(resolve, graceMs);
        });
        clearTimeout(timer);
      }
      driver.abortAll();
      server.closeAllConnections();
      await stopped;
    },
  };
}
