import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { armRequest } from '../../src/load/arm-request.js';
import { timedRequest } from '../../src/load/timed-request.js';
import { rawServer, type RawServer } from '../helpers/mock-servers.js';

const nowUs = () => Number(process.hrtime.bigint()) / 1000;
const shape = { inputTokens: 8, outputTokens: 1, streamOutputTokens: 2 };

/** A misbehaving gateway: the path says how. */
let server: RawServer;
beforeAll(async () => {
  server = await rawServer((req, res) => {
    const how = req.url!.split('/')[1];
    if (how === 'notjson') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>gateway console</html>');
    } else if (how === 'cut') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"id":"chatcmpl-1","choices":[');
      setTimeout(() => req.socket.destroy(), 5);
    } else if (how === 'badgateway') {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"upstream down"}}');
    } else if (how === 'stream-cut') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"hi"}}]}\n\n');
      setTimeout(() => res.end(), 5);
    } else {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"hi"}}]}\n\n');
      setTimeout(() => res.end('data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'), 5);
    }
  });
});
afterAll(() => server?.close());

async function call(how: string, stream = false) {
  const req = armRequest({ baseUrl: `${server.url}/${how}/v1`, dialect: 'openai', model: 'm', headers: {} }, shape, stream, 'rb');
  const pool = new Pool(req.origin, { connections: 1 });
  try {
    return await timedRequest(pool, req, { nowUs, timeoutMs: 2000, stallUs: 1000 });
  } finally {
    await pool.destroy();
  }
}

describe('a timed request against a misbehaving gateway', () => {
  it('classifies every failure instead of throwing', async () => {
    expect(await call('notjson')).toMatchObject({ ok: false, status: 200, kind: 'invalid_response' });
    expect(await call('cut')).toMatchObject({ ok: false, status: 200, kind: 'reset' });
    expect(await call('badgateway')).toMatchObject({ ok: false, status: 502, kind: 'http_502' });
    expect(await call('stream-cut', true)).toMatchObject({ ok: false, status: 200, kind: 'truncated', chunks: 1 });
  });

  it('times a clean stream: first token, chunks and the gap between them', async () => {
    const r = await call('ok', true);
    expect(r).toMatchObject({ ok: true, status: 200, kind: null, chunks: 2 });
    expect(r.firstTokenUs).toBeGreaterThanOrEqual(r.startUs);
    expect(r.maxGapUs).toBeGreaterThan(3000);
    expect(r.stalls).toBe(1);
    expect(r.endUs).toBeGreaterThanOrEqual(r.firstTokenUs);
  });
});
