import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/load/loopback.js';
import { parseStatTicks, parseStatusMemory, procReader, watchProcess } from '../../src/load/proc-sampler.js';
import { ServeUnavailable, serveBaseUrl, startServeProcess } from '../../src/load/start-serve.js';
import { classifyFailure } from '../../src/load/timed-request.js';

describe('load helpers', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'api.localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1', 'localhost.example.com', '0.0.0.0']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('reads CPU ticks and memory from /proc texts (a process name with spaces and parentheses included)', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 11 0 12345 1000000 5000 ...';
    expect(parseStatTicks(stat)).toBe(175);
    expect(parseStatusMemory('Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n')).toEqual({ rss: 100, peak: 200 });
    const reader = procReader((f) => (f.endsWith('/stat') ? stat : 'VmRSS:\t2048 kB\n'), 100);
    expect(reader.cpuMs(1)).toBe(1750);
    expect(reader.memoryMb(1)).toEqual({ rss: 2, peak: null });
    expect(procReader(() => {
      throw new Error('gone');
    }).cpuMs(1)).toBeNull();
    expect(watchProcess(undefined, reader).end()).toEqual({ cpuMs: null, rssPeakMb: null });
  });

  it('reads the base URL routebench serve announces', () => {
    expect(serveBaseUrl('routebench serve: fallback from x on http://127.0.0.1:43571 (Ctrl-C to stop)')).toBe('http://127.0.0.1:43571/v1');
    expect(serveBaseUrl('listening on http://localhost:8080/v1/')).toBe('http://localhost:8080/v1');
    expect(serveBaseUrl('  POST http://127.0.0.1:9/v1/chat/completions')).toBe('http://127.0.0.1:9/v1');
    expect(serveBaseUrl('starting…')).toBeUndefined();
  });

  it('classifies transport failures by code', () => {
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }))).toBe('reset');
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe('timeout');
    expect(classifyFailure({ cause: { code: 'ECONNRESET' } })).toBe('reset');
    expect(classifyFailure(new Error('?'))).toBe('other');
  });
});

describe('starting routebench serve', () => {
  it('fails the arm with a clear message when the CLI does not know serve, or exits first', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-serve-'));
    try {
      const old = path.join(dir, 'old-cli.mjs');
      writeFileSync(old, "console.error('Unknown argument: serve'); process.exit(2);\n");
      const e1 = await startServeProcess({ scenarioFile: 'x.yaml', strategy: 's', mockUrl: 'http://127.0.0.1:1', cli: old }).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(ServeUnavailable);
      expect((e1 as Error).message).toMatch(/not available in this build.*npm run build/);
      const broken = path.join(dir, 'broken-cli.mjs');
      writeFileSync(broken, "console.error('error: scenario has no strategy \"s\"'); process.exit(2);\n");
      const e2 = await startServeProcess({ scenarioFile: 'x.yaml', strategy: 's', mockUrl: 'http://127.0.0.1:1', cli: broken }).catch((e: unknown) => e);
      expect((e2 as Error).message).toBe('`routebench serve` exited with code 2 before it was ready: error: scenario has no strategy "s"');
      const ok = path.join(dir, 'ok-cli.mjs');
      writeFileSync(ok, "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('routebench serve: s from x on http://127.0.0.1:45678 (Ctrl-C to stop)');\n");
      const serve = await startServeProcess({ scenarioFile: 'x.yaml', strategy: 's', mockUrl: 'http://127.0.0.1:1', cli: ok });
      expect(serve.baseUrl).toBe('http://127.0.0.1:45678/v1');
      expect(serve.pid).toBeGreaterThan(0);
      await serve.child.stop();
      expect(await serve.child.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
