/**
 * A tiny gateway for tests: OpenAI-compatible `POST /v1/chat/completions` on 127.0.0.1 with a
 * fallback over upstreams (the routebench mock server's targets): on a 5xx/429 or a connection
 * error it tries the next; it relays the last answer. It forwards the routebench headers unless
 * told to strip them, and can also strip the marker from the prompt (attribution then impossible).
 * Optionally, like Portkey's `retry` and `request_timeout`: `retries` more tries of the same
 * upstream after a failure, `backoffMs` (real ms) before each, a `timeoutMs` per upstream call
 * (the call is cut off, a failure), and `delayMs` of its own before it forwards a request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGateway {
  url: string;
  close(): Promise<void>;
}

export interface FakeGatewayOptions {
  mockUrl: string;
  upstreams: string[];
  stripHeaders?: boolean;
  stripMarker?: boolean;
  retries?: number;
  backoffMs?: number;
  /** Per upstream call, real ms: one for every upstream, or per upstream id (others get none). */
  timeoutMs?: number | Record<string, number>;
  delayMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fakeGateway(o: FakeGatewayOptions): Promise<FakeGateway> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let body = Buffer.concat(chunks).toString('utf8');
      if (o.stripMarker) body = body.replace(/⟦rb [^⟧]*⟧\s*/g, '');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (!o.stripHeaders) for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-routebench-') && typeof v === 'string') headers[k] = v;
      let last: { status: number; headers: Record<string, string>; body: Buffer } = { status: 502, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"error":{"message":"no upstream"}}') };
      if (o.delayMs) await sleep(o.delayMs);
      let answered = false;
      for (const target of o.upstreams) {
        for (let tries = 0; tries <= (o.retries ?? 0) && !answered; tries++) {
          if (tries > 0 && o.backoffMs) await sleep(o.backoffMs);
          try {
            const limit = typeof o.timeoutMs === 'number' ? o.timeoutMs : o.timeoutMs?.[target];
            const signal = limit ? AbortSignal.timeout(limit) : undefined;
            const up = await fetch(`${o.mockUrl}/t/${target}/v1/chat/completions`, { method: 'POST', headers, body, signal });
            last = { status: up.status, headers: { 'content-type': up.headers.get('content-type') ?? 'application/json' }, body: Buffer.from(await up.arrayBuffer()) };
            answered = up.status < 500 && up.status !== 429;
          } catch (e) {
            const timedOut = (e as Error).name === 'TimeoutError';
            last = { status: timedOut ? 408 : 502, headers: { 'content-type': 'application/json' }, body: Buffer.from(`{"error":{"message":"upstream ${timedOut ? 'timed out' : 'connection failed'}"}}`) };
          }
        }
        if (answered) break;
      }
      res.writeHead(last.status, last.headers);
      res.end(last.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
