/**
 * Starting and stopping `routebench serve`: a port in use exits 4 with a hint, a non-loopback host
 * or an unknown strategy exits 2, an unreachable --mock-url exits 4; closing lets a request in
 * flight finish and frees the port; Ctrl-C stops the CLI process cleanly with exit code 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { ExitCode, HarnessError } from '../../src/errors.js';
import { waitFor, within } from '../helpers/mock-servers.js';
import { SERVE_YAML, startTestServe } from './serve-scenario.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-serve-'));
const scenario = path.join(dir, 'serve.yaml');
writeFileSync(scenario, SERVE_YAML);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const post = (url: string) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });

describe('serve lifecycle', () => {
  it('a port in use is an environment error (exit 4) with a hint', async () => {
    const first = await startTestServe('fallback');
    try {
      const e = await startTestServe('fallback', { port: first.port }).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(HarnessError);
      expect(e).toMatchObject({ code: 'PORT_IN_USE', exitCode: ExitCode.environment });
      const io = memoryIo();
      expect(await runCli(['serve', '--scenario', scenario, '--strategy', 'fallback', '--port', String(first.port)], io)).toBe(4);
      expect(io.stderr).toMatch(/port \d+ on 127\.0\.0\.1 is already in use\nhint: choose another --port/);
      expect(io.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      await first.close();
    }
  });

  it('refuses a non-loopback host without --allow-remote, an unknown strategy and an unreachable mock', async () => {
    let io = memoryIo();
    expect(await runCli(['serve', '--scenario', scenario, '--strategy', 'fallback', '--host', '0.0.0.0'], io)).toBe(2);
    expect(io.stderr).toMatch(/not a loopback address[\s\S]*--allow-remote/);
    io = memoryIo();
    expect(await runCli(['serve', '--scenario', scenario, '--strategy', 'nope', '--port', '0'], io)).toBe(2);
    expect(io.stderr).toMatch(/has no strategy "nope"; its strategies: fallback, all-bad/);
    io = memoryIo();
    expect(await runCli(['serve', '--scenario', scenario, '--strategy', 'fallback', '--port', '0', '--mock-url', 'http://127.0.0.1:9'], io)).toBe(4);
    expect(io.stderr).toMatch(/cannot reach the mock server at http:\/\/127\.0\.0\.1:9/);
  });

  it('close lets a request in flight finish, then frees the port', async () => {
    const h = await startTestServe('hedge'); // o_slow: 400 ms to the first token, hedged after 20 ms
    const slow = fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }) });
    await waitFor(() => (h.inFlight() > 0 ? true : undefined), 5000, 'the request to arrive');
    await within(h.close(5000), 5000, 'close');
    const res = await within(slow, 1000, 'the request in flight');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(4);
    await expect(post(h.url)).rejects.toThrow();
    const again = await startTestServe('fallback', { port: h.port });
    await again.close();
  });

  it('after the grace period, close cuts what is still in flight (client and upstream)', async () => {
    const h = await startTestServe('slow'); // o_slow: 400 ms to the first token
    const call = post(h.url).then(() => 'answered', () => 'cut');
    await waitFor(() => (h.inFlight() > 0 ? true : undefined), 5000, 'the request to arrive');
    await within(h.close(50), 2000, 'close');
    expect(await within(call, 1000, 'the client')).toBe('cut');
    // order, not wall-clock bounds: the upstream call was hung up on before its reply (400 ms to the first token) was over
    const hit = h.mock!.hits.since(0).find((x) => x.target === 'o_slow')!;
    await waitFor(() => hit.endedAt, 2000, 'the upstream call to end');
    expect(hit.abandoned).toBe(true);
  });

  it('Ctrl-C stops the CLI process with exit code 0 and a count of what it served', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'serve', '--scenario', scenario, '--strategy', 'fallback', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await within(
        (async () => {
          for (;;) {
            const m = /on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*upstream: /.exec(out);
            if (m) return m[1]!;
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
        20_000,
        `serve to start (stderr: ${err})`,
      );
      expect(out).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions\s+→ o_bad, o_good/);
      expect((await post(url)).headers.get('x-routebench-target')).toBe('o_good');
      child.kill('SIGINT');
      expect(await within(exited, 10_000, 'serve to exit')).toBe(0);
      expect(out).toMatch(/stopped after 1 request: 1 ok, 2 attempts, 1 with failover/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
