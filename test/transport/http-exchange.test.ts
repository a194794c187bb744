/**
 * The two HTTP clients behind http-transport.ts (fetch, undici's dispatcher) read a reply alike:
 * status, lower-case headers (repeats joined), every body byte in order whether it came with the
 * headers or later, the abort reason when the caller aborts before or during the body, a network
 * error when the server drops the connection; and undici keeps connections alive for calls in turn.
 * Real node:http server on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchExchange, undiciExchange, type Exchange } from '../../src/transport/http-exchange.js';
import { CallCancel } from '../../src/transport/cancel-signal.js';

let server: http.Server;
let base = '';
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/echo') {
        res.writeHead(201, [['Content-Type', 'text/plain'], ['X-Twice', 'a'], ['X-Twice', 'b']]);
        return res.end(`${req.headers['x-k']}:${body}`);
      }
      if (req.url === '/chunks') {
        // Headers, three writes and the end in one go: all may reach the client in a single read.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        res.write('data: 2\n\n');
        return res.end('data: 3\n\n');
      }
      if (req.url === '/later') {
        res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders();
        const t = setInterval(() => res.write('data: x\n\n'), 5);
        res.on('close', () => clearInterval(t));
        return;
      }
      if (req.url === '/hang') return; // never answers
      req.socket.destroy(); // /drop: the connection dropped before any byte
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const live = () => new AbortController().signal;

describe.each([
  ['fetch', fetchExchange],
  ['undici', undiciExchange],
] as [string, () => Exchange][])('%s exchange', (_name, make) => {
  it('status, lower-case headers with repeats joined, the whole body as text; the request headers and body arrive', async () => {
    const x = make();
    const r = await x.post(`${base}/echo`, { 'x-k': 'v', 'content-type': 'text/plain' }, 'hello', live());
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.headers['x-twice']).toBe('a, b');
    expect(await r.text()).toBe('v:hello');
    await x.close();
  });

  it('every chunk in order, also those that came with the headers before the reader attached', async () => {
    const x = make();
    const r = await x.post(`${base}/chunks`, {}, '', live());
    await new Promise((resolve) => setTimeout(resolve, 20)); // the whole reply has arrived by now
    const parts: string[] = [];
    await r.each((c) => parts.push(Buffer.from(c).toString()));
    expect(parts.join('')).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    await x.close();
  });

  it('an abort during the body rejects the read with the abort reason, after the chunks before it', async () => {
    const x = make();
    const ac = new AbortController();
    const r = await x.post(`${base}/later`, {}, '', ac.signal);
    let n = 0;
    const read = r.each(() => {
      if (++n === 2) ac.abort(new Error('stop here'));
    });
    await expect(read).rejects.toThrow('stop here');
    expect(n).toBeGreaterThanOrEqual(2);
    await x.close();
  });

  it('an abort before any reply rejects the call with the abort reason; a dropped connection with a network error', async () => {
    const x = make();
    const ac = new AbortController();
    const call = x.post(`${base}/hang`, {}, '', ac.signal);
    setTimeout(() => ac.abort(new Error('gave up')), 20);
    await expect(call).rejects.toThrow('gave up');
    const pre = new AbortController();
    pre.abort(new Error('already'));
    await expect(x.post(`${base}/echo`, {}, '', pre.signal)).rejects.toThrow('already');
    await expect(x.post(`${base}/drop`, {}, '', live())).rejects.toThrow();
    await x.close();
  });

  it('a CallCancel (no AbortSignal) aborts the call alike, before a reply and during the body', async () => {
    const x = make();
    const c = new CallCancel();
    const call = x.post(`${base}/hang`, {}, '', c);
    setTimeout(() => c.abort(new Error('cancelled')), 20);
    await expect(call).rejects.toThrow('cancelled');
    const mid = new CallCancel();
    const r = await x.post(`${base}/later`, {}, '', mid);
    let n = 0;
    const read = r.each(() => {
      if (++n === 2) mid.abort(new Error('hedge lost'));
    });
    await expect(read).rejects.toThrow('hedge lost');
    expect(n).toBeGreaterThanOrEqual(2);
    await x.close();
  });
});

describe('undici exchange', () => {
  it('calls made one after another reuse keep-alive connections (20 calls, at most 2 connections)', async () => {
    const x = undiciExchange();
    const before = connections;
    for (let i = 0; i < 20; i++) {
      const r = await x.post(`${base}/chunks`, {}, '', live());
      await r.each(() => undefined);
    }
    expect(connections - before).toBeGreaterThanOrEqual(1);
    expect(connections - before).toBeLessThanOrEqual(2);
    await x.close();
  });

  /** `n` calls in flight at once, each read to its end. */
  const together = async (x: Exchange, n: number) => {
    const rs = await Promise.all(Array.from({ length: n }, () => x.post(`${base}/chunks`, {}, '', live())));
    await Promise.all(rs.map((r) => r.each(() => undefined)));
  };

  it('one connection per call in flight at once; the calls after reuse them (none opened), also after one was dropped', async () => {
    const x = undiciExchange();
    const before = connections;
    await together(x, 6);
    expect(connections - before).toBe(6);
    await together(x, 6);
    await together(x, 3);
    expect(connections - before).toBe(6);
    // A connection the server drops fails its call; the next call on it reconnects.
    await expect(x.post(`${base}/drop`, {}, '', live())).rejects.toThrow();
    const r = await x.post(`${base}/echo`, { 'x-k': 'v' }, Buffer.from('bytes'), live());
    expect([r.status, await r.text()]).toEqual([201, 'v:bytes']);
    await together(x, 6);
    expect(connections - before).toBe(7);
    await x.close();
  });

  it('preconnect opens that many connections, and calls in flight up to that many open none', async () => {
    const x = undiciExchange();
    const before = connections;
    await x.preconnect!(`${base}/echo`, 5);
    expect(connections - before).toBe(5);
    await together(x, 5);
    expect(connections - before).toBe(5);
    await x.close();
  });
});
