/**
 * The recorder's folder under other hands: two recorders writing into one folder (two apps
 * started together, both with the default --out), whose file names carry the same start second,
 * and a folder removed or replaced while recording. No call may be lost without being counted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecorder } from '../../src/record/recorder.js';
import { waitFor } from '../helpers/mock-servers.js';

const COMPLETION = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } });

let upstream: Server;
let upstreamUrl: string;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-record-same-folder-'));
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(COMPLETION);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => upstream?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two recorders, one folder, the same start second', () => {
  it('each writes every call it relayed, to a file of its own', async () => {
    const out = join(dir, 'recorded');
    const start = Date.UTC(2026, 11, 6, 15, 30, 0);
    const recorder = (app: string) =>
      startRecorder({ upstreams: { openai: { name: app, url: upstreamUrl } }, host: '127.0.0.1', port: 0, dir: out, tagHeaders: [], now: () => performance.now(), wallClock: () => start });
    const a = await recorder('app-a');
    const b = await recorder('app-b');
    const call = (url: string, model: string) =>
      fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) }).then((r) => r.text());
    await call(a.url, 'from-a');
    await call(b.url, 'from-b');
    await call(a.url, 'from-a');
    const [sa, sb] = [await a.stop(1000), await b.stop(1000)];
    expect([sa.calls, sb.calls]).toEqual([2, 1]);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['record-20261206T153000Z-001.jsonl', 'record-20261206T153000Z-002.jsonl']);
    const routes = files.map((f) => readFileSync(join(out, f), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { route: string }).route));
    expect(routes).toEqual([['from-a', 'from-a'], ['from-b']]);
    expect([...sa.files, ...sb.files].map((f) => [f.path, f.rows])).toEqual([
      [join(out, files[0]!), 2],
      [join(out, files[1]!), 1],
    ]);
  });
});

describe('the folder replaced while recording', () => {
  it('rows that cannot be written are counted and said once, calls go on being relayed, and writing resumes when the folder can be made again', async () => {
    const out = join(dir, 'replaced');
    const errors: string[] = [];
    // rotateBytes 1: every row opens a new file, so each one meets the folder as it is then
    const rec = await startRecorder({ upstreams: { openai: { name: 'up', url: upstreamUrl } }, host: '127.0.0.1', port: 0, dir: out, tagHeaders: [], rotateBytes: 1, now: () => performance.now(), wallClock: () => Date.UTC(2026, 11, 6, 16), onWriteError: (e) => errors.push((e as Error).message) });
    const call = (model: string) =>
      fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) }).then((r) => r.status);
    expect(await call('one')).toBe(200);
    // the first row on disk (written when the call has ended, flushed within 200 ms) before the folder goes
    await waitFor(() => (readdirSync(out).some((f) => readFileSync(join(out, f), 'utf8').length > 0) ? true : undefined), 10_000, 'the first row');
    rmSync(out, { recursive: true });
    writeFileSync(out, 'someone put a file here\n');
    expect([await call('two'), await call('three')]).toEqual([200, 200]);
    rmSync(out);
    expect(await call('four')).toBe(200);
    const summary = await rec.stop(1000);
    expect(errors).toHaveLength(1);
    // the folder's place is a file: mkdir says EEXIST, or opening a file under it ENOTDIR
    expect(errors[0]).toMatch(/EEXIST|ENOTDIR/);
    expect(summary.lostRows).toBe(2);
    expect(summary.writeError).toMatch(/EEXIST|ENOTDIR/);
    const files = readdirSync(out);
    expect(files.map((f) => (JSON.parse(readFileSync(join(out, f), 'utf8')) as { route: string }).route)).toEqual(['four']);
  });
});

describe('the folder removed while recording', () => {
  it('the rows in the removed file are counted as lost (not listed as written), and the next ones go to a new file', async () => {
    const out = join(dir, 'removed');
    const errors: string[] = [];
    const rec = await startRecorder({ upstreams: { openai: { name: 'up', url: upstreamUrl } }, host: '127.0.0.1', port: 0, dir: out, tagHeaders: [], now: () => performance.now(), wallClock: () => Date.UTC(2026, 11, 6, 17), onWriteError: (e) => errors.push((e as Error).message) });
    const call = (model: string) =>
      fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) }).then((r) => r.status);
    expect([await call('one'), await call('two')]).toEqual([200, 200]);
    await waitFor(() => (readdirSync(out).some((f) => readFileSync(join(out, f), 'utf8').split('\n').length > 2) ? true : undefined), 10_000, 'both rows on disk');
    rmSync(out, { recursive: true });
    expect(await call('three')).toBe(200);
    const summary = await rec.stop(1000);
    expect(errors).toEqual([`${join(out, 'record-20261206T170000Z-001.jsonl')} was removed while recording`]);
    expect(summary.lostRows).toBe(2);
    expect(summary.files.map((f) => [f.path, f.rows])).toEqual([[join(out, 'record-20261206T170000Z-002.jsonl'), 1]]);
    expect(readFileSync(join(out, 'record-20261206T170000Z-002.jsonl'), 'utf8')).toMatch(/^\{"arrival_ms":[\d.]+,"route":"three"/);
  });
});
