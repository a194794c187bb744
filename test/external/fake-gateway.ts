/**
 * A tiny gateway for tests: OpenAI-compatible `POST /v1/chat/completions` on 127.0.0.1 with a
 * fallback over upstreams (the routebench mock server's targets): on a 5xx/429 or a connection
 * error it tries the next; it relays the last answer. It forwards the routebench headers unless
 * told to strip them, and can also strip the marker from the prompt (attribution then impossible).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGateway {
  url: string;
  close(): Promise<void>;
}

export async function fakeGateway(o: { mockUrl: string; upstreams: string[]; stripHeaders?: boolean; stripMarker?: boolean }): Promise<FakeGateway> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let body = Buffer.concat(chunks).toString('utf8');
      if (o.stripMarker) body = body.replace(/⟦rb [^⟧]*⟧\s*/g, '');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (!o.stripHeaders) for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-routebench-') && typeof v === 'string') headers[k] = v;
      let last: { status: number; headers: Record<string, string>; body: Buffer } = { status: 502, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"error":{"message":"no upstream"}}') };
      for (const target of o.upstreams) {
        try {
          const up = await fetch(`${o.mockUrl}/t/${target}/v1/chat/completions`, { method: 'POST', headers, body });
          last = { status: up.status, headers: { 'content-type': up.headers.get('content-type') ?? 'application/json' }, body: Buffer.from(await up.arrayBuffer()) };
          if (up.status < 500 && up.status !== 429) break;
        } catch {
          last = { status: 502, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"error":{"message":"upstream connection failed"}}') };
        }
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
