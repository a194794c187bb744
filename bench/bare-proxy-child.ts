/**
 * Child process for the serve-vs-proxy benchmark: the floor any Node gateway stands on. A bare
 * pass-through proxy (node:http server in front of an undici Pool with keep-alive, no logic): it
 * reads the request body, sends it to `<upstream><prefix><path>`, and relays status, headers
 * (hop-by-hop ones dropped) and body; SSE bodies are written through as they arrive, JSON bodies
 * buffered. The same undici dispatch path serve uses, so the comparison isolates serve's routing.
 * Usage: bare-proxy-child.ts <upstream origin> <path prefix>. Prints `{"url": ...}` when listening.
 */
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';

const [upstream, prefix = ''] = process.argv.slice(2) as [string, string?];
const pool = new Pool(upstream, { connections: 256, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 });
const HOP: Record<string, true> = { connection: true, 'keep-alive': true, 'transfer-encoding': true, 'content-length': true };

class Relay implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: http.OutgoingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private streaming = false;
  constructor(private readonly res: http.ServerResponse) {}
  onRequestStart(): void {} // marks the handler as the current (controller-based) undici API
  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    for (const k in headers) if (HOP[k] !== true) this.headers[k] = headers[k];
    this.streaming = String(headers['content-type']).includes('text/event-stream');
    if (this.streaming) this.res.writeHead(status, this.headers);
  }
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.streaming) this.res.write(chunk);
    else this.chunks.push(chunk);
  }
  onResponseEnd(): void {
    if (this.streaming) return void this.res.end();
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.headers['content-length'] = body.length;
    this.res.writeHead(this.status, this.headers);
    this.res.end(body);
  }
  onResponseError(): void {
    this.res.destroy();
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    pool.dispatch({ path: `${prefix}${req.url}`, method: 'POST', headers: { 'content-type': 'application/json' }, body }, new Relay(res));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void pool.destroy().then(() => process.exit(0)));
});
