/**
 * The upstream URL as users copy it: with or without the `/v1` the SDKs put in their base URL
 * (OPENAI_BASE_URL=https://api.openai.com/v1, OpenRouter's https://openrouter.ai/api/v1). The app
 * calls the recorder at /v1/...; the upstream must get one /v1, not /v1/v1 (a 404 on every call).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecorder } from '../../src/record/recorder.js';
import { readTrace } from '../../src/traffic/read-trace.js';
import { newTrafficStats } from '../../src/traffic/traffic-request.js';

const COMPLETION = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } });

let upstream: Server;
let origin: string;
let dir: string;
const seen: string[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-record-path-'));
  upstream = createServer((req, res) => {
    seen.push(req.url!);
    req.resume();
    req.on('end', () => {
      const known = req.url!.endsWith('/v1/chat/completions') && !req.url!.includes('/v1/v1/');
      res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
      res.end(known ? COMPLETION : '{"error":{"message":"not found"}}');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => upstream?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the upstream path', () => {
  it.each([
    ['', '/v1/chat/completions'],
    ['/v1', '/v1/chat/completions'],
    ['/api', '/api/v1/chat/completions'],
    ['/api/v1/', '/api/v1/chat/completions'],
  ])('upstream %j: the app calling /v1/chat/completions reaches %s', async (base, expected) => {
    const rec = await startRecorder({ upstreams: { openai: { name: 'up', url: `${origin}${base}` } }, host: '127.0.0.1', port: 0, dir: join(dir, `r${seen.length}`), tagHeaders: [], now: () => performance.now(), wallClock: () => Date.now() });
    const before = seen.length;
    const status = await fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) }).then((r) => r.status);
    const summary = await rec.stop(1000);
    expect(seen.slice(before)).toEqual([expected]);
    expect(status).toBe(200);
    expect(summary.ok).toBe(1);
  });
});

describe('a call whose body names no model', () => {
  it('is written with a route the trace reader accepts: the Azure deployment from the path, else "default" as importers write it (it was "", and the recording failed validation)', async () => {
    const out = join(dir, 'no-model');
    const rec = await startRecorder({ upstreams: { openai: { name: 'up', url: origin } }, host: '127.0.0.1', port: 0, dir: out, tagHeaders: [], now: () => performance.now(), wallClock: () => Date.now() });
    const post = (path: string, body: string) => fetch(`${rec.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.text());
    await post('/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21', JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }));
    await post('/v1/chat/completions', 'not json');
    await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    await rec.stop(1000);
    const file = join(out, readdirSync(out)[0]!);
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { route: string }).route)).toEqual(['gpt4o-prod', 'default', 'gpt-4o-mini']);
    const routes: string[] = [];
    for await (const batch of readTrace({ file, format: 'routebench' }, newTrafficStats())) routes.push(...batch.map((r) => r.route));
    expect(routes).toEqual(['gpt4o-prod', 'default', 'gpt-4o-mini']);
  });
});

describe('a tag header in UTF-8', () => {
  it('is written as the app sent it (Node reads header bytes as Latin-1: "équipe" was written "Ã©quipe")', async () => {
    const out = join(dir, 'utf8-tag');
    const rec = await startRecorder({ upstreams: { openai: { name: 'up', url: origin } }, host: '127.0.0.1', port: 0, dir: out, tagHeaders: [{ header: 'x-team', tag: 'team' }, { header: 'x-site', tag: 'site' }], now: () => performance.now(), wallClock: () => Date.now() });
    // the UTF-8 bytes of the value, as an HTTP client sends them (fetch takes a byte string)
    const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    await fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-team': utf8('équipe-日本'), 'x-site': 'caf\u00e9' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) }).then((r) => r.text());
    const summary = await rec.stop(1000);
    const row = JSON.parse(readFileSync(join(out, readdirSync(out)[0]!), 'utf8')) as { tags: Record<string, string> };
    // x-site carries one Latin-1 byte (0xE9), not UTF-8: kept as Latin-1 reads it
    expect(row.tags).toEqual({ team: 'équipe-日本', site: 'café' });
    expect(summary.byTag.team).toEqual({ 'équipe-日本': 1 });
  });
});
