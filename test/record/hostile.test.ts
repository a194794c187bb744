/**
 * `routebench record` against clients and upstreams that misbehave, on loopback with a plain
 * node:http upstream written here (so each answer is exactly what the test says): a client that
 * sends `Expect: 100-continue`, one that hangs up halfway through its body, an upstream that is
 * down or answers HTML; and secrets in headers, query strings and upstream URLs, which must reach
 * neither the trace nor stdout/stderr.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecorder } from '../../src/record/recorder.js';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { waitFor } from '../helpers/mock-servers.js';

const SECRET = 'sk-proj-QuerySecretQuerySecretQuerySecret42';
const COMPLETION = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } });

let upstream: Server;
let upstreamUrl: string;
const seen: { url: string; headers: Record<string, unknown>; bytes: number }[] = [];
/** Answers the upstream holds back until the test releases them. */
const held: (() => void)[] = [];
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-record-hostile-'));
  upstream = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, bytes });
      if (req.url!.includes('hold')) {
        held.push(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(COMPLETION);
        });
      } else if (req.url!.includes('gz') && String(req.headers['accept-encoding'] ?? '').includes('gzip')) {
        // as api.openai.com behind its CDN does for a client that accepts gzip (fetch, the SDKs)
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(COMPLETION));
      } else if (req.url!.includes('openrouter')) {
        // an OpenRouter completion names its provider in the body, and has no x-request-id
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...JSON.parse(COMPLETION), id: 'gen-9', provider: 'Together' }));
      } else if (req.url!.includes('html')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
        res.end(COMPLETION);
      }
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => upstream?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rowsIn = (d: string) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(d, f), 'utf8').trim().split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as { route: string; recorded: { ok: boolean; status: number; error_kind?: string; target: string } });

const rec = (out: string, openai = upstreamUrl) =>
  startRecorder({ upstreams: { openai: { name: 'up', url: openai } }, host: '127.0.0.1', port: 0, dir: join(dir, out), tagHeaders: [], now: () => performance.now(), wallClock: () => Date.now() });

/** A POST through node:http, optionally with `Expect: 100-continue` (the body then waits for the 100). */
function post(url: string, body: string, expectContinue: boolean, agent?: Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(expectContinue ? { expect: '100-continue' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    if (expectContinue) req.on('continue', () => req.end(body));
    else req.end(body);
  });
}

describe('record with awkward clients and upstreams', () => {
  it('relays a request sent with Expect: 100-continue (curl does for large bodies) and records it', async () => {
    const r = await rec('expect');
    const body = JSON.stringify({ model: 'm-expect', messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    const answer = await post(r.url, body, true);
    await r.stop(1000);
    expect(answer).toEqual({ status: 200, text: COMPLETION });
    expect(seen.find((s) => s.bytes === Buffer.byteLength(body))?.headers.expect).toBeUndefined();
    expect(rowsIn(join(dir, 'expect'))).toEqual([expect.objectContaining({ route: 'm-expect', recorded: expect.objectContaining({ ok: true, status: 200 }) })]);
  });

  it('a client that hangs up halfway through its body is not recorded and holds back no later call; down and HTML upstreams are recorded as failures', async () => {
    const r = await rec('partial');
    const half = request(`${r.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
    half.on('error', () => {});
    half.write('{"model":"m-partial","messages":[');
    await waitFor(() => (half.writableLength === 0 ? true : undefined), 5_000, 'partial body sent');
    half.destroy();
    const ok = await post(r.url, JSON.stringify({ model: 'm-after', messages: [] }), false);
    expect(ok.status).toBe(200);
    await waitFor(() => (r.stats.calls === 1 ? true : undefined), 5_000, 'the later call written');
    await r.stop(1000);
    const down = await rec('down', 'http://127.0.0.1:1');
    expect((await post(down.url, JSON.stringify({ model: 'm-down', messages: [] }), false)).status).toBe(502);
    await down.stop(1000);
    const html = await rec('html', `${upstreamUrl}/html`);
    expect((await post(html.url, JSON.stringify({ model: 'm-html', messages: [] }), false)).text).toBe('<html>maintenance</html>');
    await html.stop(1000);
    expect(rowsIn(join(dir, 'partial')).map((x) => x.route)).toEqual(['m-after']);
    expect(rowsIn(join(dir, 'down'))[0]!.recorded).toMatchObject({ ok: false, status: 0, error_kind: 'connection_reset', target: 'up' });
    expect(rowsIn(join(dir, 'html'))[0]!.recorded).toMatchObject({ ok: false, status: 200, error_kind: 'invalid_response' });
  });
});

describe('compression', () => {
  it('a call from a client that accepts gzip (fetch, as the SDKs send it) is recorded with its outcome and usage', async () => {
    const r = await rec('gzip', `${upstreamUrl}/gz`);
    const res = await fetch(`${r.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, deflate' }, body: JSON.stringify({ model: 'm-gzip', messages: [] }) });
    expect(await res.text()).toBe(COMPLETION);
    await r.stop(1000);
    const [row] = rowsIn(join(dir, 'gzip')) as unknown as { route: string; output_tokens: number; recorded: { ok: boolean; request_id?: string } }[];
    expect(row).toMatchObject({ route: 'm-gzip', output_tokens: 1, recorded: { ok: true, request_id: 'req_1' } });
  });
});

describe('who served the call', () => {
  it('is read from the answer: the body of a JSON answer names its provider and id when no header does', async () => {
    const r = await rec('served', `${upstreamUrl}/openrouter`);
    const sent = await post(r.url, JSON.stringify({ model: 'm-or', messages: [] }), false);
    expect(JSON.parse(sent.text)).toMatchObject({ id: 'gen-9', provider: 'Together' });
    const h = await rec('served-header', upstreamUrl);
    await post(h.url, JSON.stringify({ model: 'm-h', messages: [] }), false);
    await r.stop(1000);
    await h.stop(1000);
    expect(rowsIn(join(dir, 'served'))[0]!.recorded).toMatchObject({ ok: true, target: 'Together', request_id: 'gen-9' });
    // a header wins over the body's id; no provider anywhere: the upstream's name
    expect(rowsIn(join(dir, 'served-header'))[0]!.recorded).toMatchObject({ ok: true, target: 'up', request_id: 'req_1' });
  });
});

describe('stopping', () => {
  it('a call that arrives after stop on a kept-alive connection is refused and not recorded; the open call finishes and is', async () => {
    const r = await rec('stop', `${upstreamUrl}/hold`);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const a = post(r.url, JSON.stringify({ model: 'm-open', messages: [] }), false, agent);
    await waitFor(() => (held.length === 1 ? true : undefined), 5_000, 'call a at the upstream');
    const stopped = r.stop(60_000);
    // b waits for the agent's one socket, busy with a: it is sent on it once a's answer is in.
    const b = post(r.url, JSON.stringify({ model: 'm-late', messages: [] }), false, agent).catch((e: Error) => ({ status: 0, text: e.message }));
    held.shift()!();
    expect((await a).status).toBe(200);
    const late = await b;
    const summary = await stopped;
    agent.destroy();
    expect(late.status).not.toBe(200);
    expect(rowsIn(join(dir, 'stop')).map((x) => x.route)).toEqual(['m-open']);
    expect(summary.calls).toBe(1);
    expect(summary.files.reduce((n, f) => n + f.rows, 0)).toBe(1);
  });

  it('a call whose body completes after stop is refused (503) and not recorded, while the open call finishes and is', async () => {
    const r = await rec('stop2', `${upstreamUrl}/hold`);
    const before = held.length;
    const a = post(r.url, JSON.stringify({ model: 'm-open', messages: [] }), false);
    await waitFor(() => (held.length === before + 1 ? true : undefined), 5_000, 'call a at the upstream');
    const body = JSON.stringify({ model: 'm-late', messages: [] });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const c = request(`${r.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      c.on('error', reject);
      c.write(body.slice(0, 5));
      void waitFor(() => (c.writableLength === 0 ? true : undefined), 5_000, 'half of c sent').then(async () => {
        stopped = r.stop(60_000);
        c.end(body.slice(5));
      });
    });
    let stopped: Promise<unknown> | undefined;
    const late = await Promise.race([answer, waitFor(() => (held.length === before + 2 ? ({ status: -1, text: 'relayed' }) : undefined), 5_000, 'c answered or relayed')]);
    while (held.length > before) held.pop()!();
    expect((await a).status).toBe(200);
    await stopped;
    expect(late.status).toBe(503);
    expect(rowsIn(join(dir, 'stop2')).map((x) => x.route)).toEqual(['m-open']);
  });
});

describe('record options', () => {
  it.each([
    ['--rotate-mb', '0'],
    ['--rotate-minutes', '-1'],
    ['--max-body-mb', '0'],
    ['--grace', '-5'],
    ['--time-scale', '0'],
    ['--time-scale', 'abc'],
  ])('%s %s is a usage error (exit 2), not a file per row or negative times', async (flag, value) => {
    const io = memoryIo();
    expect(await runCli(['record', '--openai', upstreamUrl, '--port', '0', '--out', join(dir, 'never'), flag, value], io)).toBe(2);
    expect(io.stderr).toMatch(new RegExp(`${flag} \\S+ must be a number`));
  });
});

describe('secrets never written', () => {
  it.each([['authorization'], ['X-Api-Key=key'], ['cookie'], ['x-session-token=s']])('--tag-header %s is refused (exit 2), naming the header', async (h) => {
    const io = memoryIo();
    expect(await runCli(['record', '--openai', upstreamUrl, '--port', '0', '--out', join(dir, 'never'), '--tag-header', h], io)).toBe(2);
    expect(io.stderr).toMatch(/that header carries credentials/);
  });

  it('a password in the upstream URL is refused without printing it', async () => {
    const io = memoryIo();
    expect(await runCli(['record', '--openai', `http://user:${SECRET}@127.0.0.1:1`, '--port', '0', '--out', join(dir, 'never')], io)).toBe(2);
    expect(io.stderr).toMatch(/without user:password@/);
    expect(io.stdout + io.stderr).not.toContain(SECRET);
  });

  it('a query string in the upstream URL (sent with no call) is refused without printing it; it was dropped and the key printed in the banner', async () => {
    for (const q of [`?api-key=${SECRET}`, `?key=${SECRET}&api-version=2024-06-01`, `#${SECRET}`]) {
      const io = memoryIo();
      expect(await runCli(['record', '--openai', `${upstreamUrl}/v1${q}`, '--port', '0', '--out', join(dir, 'never')], io)).toBe(2);
      expect(io.stderr).toMatch(/without (a query string|a #fragment) \(http:\/\/127\.0\.0\.1:\d+\/v1\)/);
      expect(io.stdout + io.stderr).not.toContain('QuerySecret');
    }
  });

  it('keys in headers and query strings reach the upstream and no trace, stdout or stderr', async () => {
    const io = memoryIo();
    const out = join(dir, 'cli');
    const running = runCli(['record', '--openai', upstreamUrl, '--port', '0', '--out', out, '--tag-header', 'x-project=project'], io);
    await waitFor(() => (/on (http:\S+)/.test(io.stdout) ? true : undefined), 20_000, 'banner');
    const url = /on (http:\S+)/.exec(io.stdout)![1]!;
    const r = await fetch(`${url}/v1/chat/completions?key=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET, 'x-project': 'web' },
      body: JSON.stringify({ model: 'm-cli', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(r.status).toBe(200);
    await r.text();
    io.interrupt();
    expect(await running).toBe(0);
    const up = seen.find((s) => s.url.includes('key='))!;
    expect(up.headers.authorization).toBe(`Bearer ${SECRET}`);
    const written = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('');
    expect(written).toContain('"m-cli"');
    expect(written + io.stdout + io.stderr).not.toContain(SECRET);
    expect(written + io.stdout + io.stderr).not.toContain('QuerySecret');
  });
});
