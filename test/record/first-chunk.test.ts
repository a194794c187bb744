/**
 * What `routebench record` does before a streamed answer's first chunk reaches the app: nothing
 * that can wait. The request goes to the upstream before its JSON body is parsed (a long prompt
 * takes a while to parse), and a chunk is handed to the app's socket before the relay decodes it
 * (node:http corks a response's socket at each write until the next tick, so the chunk used to
 * wait for its own decoding, and for the end of the call when the rest came in the same read).
 * Order is asserted, not time.
 */
import { createServer, request, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dialects } from '../../src/providers/dialects/index.js';
import { startRecorder } from '../../src/record/recorder.js';

const EVENTS = [
  { id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'hel' }, finish_reason: null }] },
  { id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] },
  { id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
];
const SSE = `${EVENTS.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}data: [DONE]\n\n`;

let upstream: Server;
let origin: string;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-record-first-'));
  // As the mock server answers: the head at once, then every event and the end in one write.
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }).flushHeaders();
      setTimeout(() => res.end(SSE), 5);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => upstream?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** One call with node:http (fetch would go through undici's own Pool, which the second test watches). */
const call = (url: string, body: string) =>
  new Promise<string>((resolve, reject) => {
    const req = request(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

describe('record before the first chunk', () => {
  it('hands a stream chunk to the app socket before decoding it (the socket is not left corked until the next tick)', async () => {
    const rec = await startRecorder({ upstreams: { openai: { name: 'up', url: origin } }, host: '127.0.0.1', port: 0, dir: join(dir, 'uncork'), tagHeaders: [], now: () => performance.now(), wallClock: () => Date.now() });
    const port = Number(new URL(rec.url).port);
    let toApp: ServerResponse | undefined;
    const write = ServerResponse.prototype.write;
    vi.spyOn(ServerResponse.prototype, 'write').mockImplementation(function (this: ServerResponse, ...args: unknown[]) {
      if (this.socket?.localPort === port) toApp ??= this;
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    });
    const seenAtDecode: { corked: number; buffered: number }[] = [];
    const create = dialects.openai.createStreamDecoder.bind(dialects.openai);
    vi.spyOn(dialects.openai, 'createStreamDecoder').mockImplementation(() => {
      const d = create();
      return {
        push: (text: string) => {
          seenAtDecode.push({ corked: toApp!.socket!.writableCorked, buffered: toApp!.socket!.writableLength });
          return d.push(text);
        },
        end: () => d.end(),
      };
    });
    const text = await call(rec.url, JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    const summary = await rec.stop(1000);
    expect(text).toBe(SSE);
    expect(seenAtDecode.length).toBeGreaterThan(0);
    // at every decode, what was written is already with the kernel: nothing corked, nothing buffered
    expect(seenAtDecode).toEqual(seenAtDecode.map(() => ({ corked: 0, buffered: 0 })));
    expect(summary.ok).toBe(1);
    expect(summary.streamed).toBe(1);
  });

  it('sends the request to the upstream before it parses the JSON body, and still records what the body said', async () => {
    const out = join(dir, 'parse-after');
    const rec = await startRecorder({ upstreams: { openai: { name: 'up', url: origin } }, host: '127.0.0.1', port: 0, dir: out, tagHeaders: [], now: () => performance.now(), wallClock: () => Date.now() });
    const body = JSON.stringify({ model: 'parse-order-model', stream: true, messages: [{ role: 'user', content: 'a prompt to parse' }] });
    const order: string[] = [];
    const parse = JSON.parse;
    vi.spyOn(JSON, 'parse').mockImplementation((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
      if (text === body) order.push('parse');
      return parse(text, reviver);
    });
    const dispatch = Pool.prototype.dispatch;
    vi.spyOn(Pool.prototype, 'dispatch').mockImplementation(function (this: Pool, ...args: Parameters<Pool['dispatch']>) {
      order.push('dispatch');
      return dispatch.apply(this, args);
    });
    expect(await call(rec.url, body)).toBe(SSE);
    await rec.stop(1000);
    vi.restoreAllMocks();
    expect(order).toEqual(['dispatch', 'parse']);
    const [file] = readdirSync(out);
    const row = JSON.parse(readFileSync(join(out, file!), 'utf8').trim()) as Record<string, unknown>;
    expect(row).toMatchObject({ route: 'parse-order-model', stream: true, input_tokens: 3, output_tokens: 2, prompt_messages: 1, recorded: { ok: true, status: 200 } });
  });
});
