/**
 * Replay end to end: replayScenario over msw and over the loopback mock server into an in-memory
 * store (rows, outcomes equal to simulate's, TTFT, generator lag, run status), Ctrl-C mid-run, and
 * the `routebench mock-server` command (start, serve, stop on interrupt, port in use).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';
import { rawServer, serveScenario, waitFor, within } from '../helpers/mock-servers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCALE = 20;
const COUNT = 60;
/** 60 requests at 10/s (3 s of real time at 20×), half streamed; target a fails ~30% of attempts (seeded), b never. */
const YAML = `name: replay-small
seed: 21
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 10 }
    count: ${COUNT}
    input_tokens: { dist: uniform, min: 100, max: 400 }
    output_tokens: { dist: uniform, min: 5, max: 30 }
    cached_fraction: 0.25
    stream: 0.5
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.2, rate_limited: 0.1 }, retry_after_ms: { min: 500, max: 500 }, retry_after_share: 1 } }
  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
strategies:
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
`;

interface RequestRow {
  request_no: number;
  success: boolean;
  attempts: number;
  stream: boolean;
  ttft_ms: number | null;
  latency_ms: number | null;
  lag_ms: number | null;
}
const requestsOf = (store: Store, runNo: number) =>
  store.all<RequestRow>(`SELECT request_no, success, attempts::INTEGER AS attempts, stream, ttft_ms, latency_ms, lag_ms FROM requests WHERE run_no = ${runNo} ORDER BY request_no`);

/** Every request of the run has exactly one terminal row: an ok attempt, or a gave_up row. */
async function terminalRows(store: Store, runNo: number) {
  return store.all<{ request_no: number; oks: number; gave_up: number }>(
    `SELECT request_no, count(*) FILTER (WHERE outcome = 'ok')::INTEGER AS oks, count(*) FILTER (WHERE outcome = 'gave_up')::INTEGER AS gave_up
     FROM attempts WHERE run_no = ${runNo} GROUP BY request_no ORDER BY request_no`,
  );
}

describe('replayScenario', () => {
  it.each(['msw', 'mock-server'] as const)('over %s: rows for every request, outcomes as simulate, TTFT and lag recorded, status ok', async (transport) => {
    const loaded = parseScenario(YAML, path.join(dir, 'replay-small.yaml'));
    const store = await openStore(':memory:');
    try {
      const sim = await runScenario(loaded, { store, env: testEnv, runGroup: 'sim' });
      const result = await within(
        replayScenario(loaded, { store, env: testEnv, transport, timeScale: SCALE, realNow: () => performance.now(), processEnv: {}, runGroup: `replay-${transport}` }),
        20_000,
        `replay over ${transport}`,
      );
      expect(result.interrupted).toBe(false);
      expect(result.trafficDescription).toContain(`replay over ${transport} at 20× speed`);
      expect(result.runs.map((r) => [r.strategy, r.status, r.requests])).toEqual([
        ['single', 'ok', COUNT],
        ['fallback', 'ok', COUNT],
      ]);
      const runs = await store.all<{ run_no: number; strategy: string; mode: string; transport: string; status: string; requests: number; attempt_rows: number }>(
        `SELECT run_no, strategy, mode, transport, status, requests, attempt_rows FROM runs WHERE mode = 'replay' ORDER BY run_no`,
      );
      expect(runs.map((r) => [r.strategy, r.mode, r.transport, r.status, r.requests])).toEqual([
        ['single', 'replay', transport, 'ok', COUNT],
        ['fallback', 'replay', transport, 'ok', COUNT],
      ]);
      for (const [i, run] of runs.entries()) {
        const [{ n }] = (await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM attempts WHERE run_no = ${run.run_no}`)) as [{ n: number }];
        expect(n).toBe(run.attempt_rows);
        const terminal = await terminalRows(store, run.run_no);
        expect(terminal.map((t) => t.request_no)).toEqual(Array.from({ length: COUNT }, (_, k) => k));
        for (const t of terminal) expect([t.oks, t.gave_up], `request ${t.request_no}`).toSatisfy(([ok, gave]: number[]) => ok + gave === 1);

        const rows = await requestsOf(store, run.run_no);
        const simRows = await requestsOf(store, sim.runs[i]!.runNo);
        // common random numbers: the same requests fail, after the same number of attempts, as in simulate
        expect(rows.map((r) => [r.request_no, r.stream, r.success, r.attempts])).toEqual(simRows.map((r) => [r.request_no, r.stream, r.success, r.attempts]));
        for (const r of rows) {
          expect(r.lag_ms, `lag of request ${r.request_no}`).not.toBeNull();
          expect(r.lag_ms!).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(r.lag_ms!)).toBe(true);
          if (r.success && r.stream) {
            // perfect: first token 100 ms after sending (scenario time), plus the trip through HTTP
            expect(r.ttft_ms, `TTFT of streamed request ${r.request_no}`).toBeGreaterThanOrEqual(95);
            expect(r.latency_ms!).toBeGreaterThanOrEqual(r.ttft_ms!);
          } else expect(r.ttft_ms).toBeNull();
        }
      }
      const single = await requestsOf(store, runs[0]!.run_no);
      expect(single.some((r) => !r.success)).toBe(true);
      expect((await requestsOf(store, runs[1]!.run_no)).every((r) => r.success)).toBe(true);
      expect(single.some((r) => r.stream && r.success)).toBe(true);
    } finally {
      store.close();
    }
  });

  /** 20,000 requests at 20/s: 50 s of real time at 20×, stopped long before. */
  const LONG = `name: replay-long
seed: 5
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 20 }, count: 20000, input_tokens: { dist: constant, value: 100 }, output_tokens: { dist: constant, value: 10 }, stream: 0.5 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
  single: { use: single, options: { target: a } }
  again: { use: single, options: { target: a } }
`;

  it('Ctrl-C (the abort signal) mid-run: the run is interrupted, finished requests kept, later strategies not started', async () => {
    const mock = await serveScenario(LONG, { scale: SCALE });
    const store = await openStore(':memory:');
    try {
      const ctl = new AbortController();
      const loaded = parseScenario(LONG, path.join(dir, 'replay-long.yaml'));
      const pending = replayScenario(loaded, { store, env: testEnv, transport: 'mock-server', mockUrl: mock.url, timeScale: SCALE, realNow: () => performance.now(), processEnv: {}, signal: ctl.signal });
      await waitFor(() => (mock.service.hits.size >= 30 ? true : undefined), 4000, '30 hits at the mock');
      ctl.abort();
      const result = await within(pending, 5000, 'interrupted replay');
      expect(result.interrupted).toBe(true);
      expect(result.runs.map((r) => [r.strategy, r.status])).toEqual([['single', 'interrupted']]);
      const [run] = await store.all<{ run_no: number; status: string; requests: number }>(`SELECT run_no, status, requests FROM runs`);
      expect(run!.status).toBe('interrupted');
      expect(run!.requests).toBeGreaterThan(0);
      expect(run!.requests).toBeLessThan(20_000);
      const terminal = await terminalRows(store, run!.run_no);
      expect(terminal).toHaveLength(run!.requests);
      for (const t of terminal) expect(t.oks + t.gave_up).toBe(1);
      // the run was started at the mock server given by URL (POST /_routebench/runs/<key>)
      expect(new Set(mock.service.hits.since(0).map((h) => h.run)).size).toBe(1);
    } finally {
      store.close();
      await mock.close();
    }
  });

  it('Ctrl-C sends no new provider calls: in-flight calls are abandoned, not failed over', async () => {
    // a never answers (attempt timeout 10 min), so nothing may reach b unless an abandoned call fails over
    const yaml = `name: replay-abandon
seed: 5
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 20 }, count: 400, input_tokens: { dist: constant, value: 100 }, output_tokens: { dist: constant, value: 10 }, stream: 0 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { timeout: 1 } } }
  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
strategies:
  fallback: { use: fallback, options: { targets: [a, b] } }
defaults: { attempt_timeout: 10m }
`;
    const mock = await serveScenario(yaml, { scale: SCALE });
    const store = await openStore(':memory:');
    const realFetch = globalThis.fetch;
    let aborted = false;
    const afterAbort: string[] = [];
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      if (aborted) afterAbort.push(String(input instanceof Request ? input.url : input));
      return realFetch(input, init);
    });
    try {
      const ctl = new AbortController();
      const pending = replayScenario(parseScenario(yaml, path.join(dir, 'replay-abandon.yaml')), { store, env: testEnv, transport: 'mock-server', mockUrl: mock.url, timeScale: SCALE, realNow: () => performance.now(), processEnv: {}, signal: ctl.signal });
      await waitFor(() => (mock.service.hits.size >= 10 ? true : undefined), 4000, '10 hits at the mock');
      aborted = true;
      ctl.abort();
      const result = await within(pending, 4000, 'interrupted replay');
      expect(result.runs.map((r) => r.status)).toEqual(['interrupted']);
      const late = afterAbort.filter((u) => u.includes('/t/'));
      expect({ started: late.length, first: late[0] }, 'provider calls started after Ctrl-C').toEqual({ started: 0, first: undefined });
      expect(mock.service.hits.since(0).filter((h) => h.target === 'b').length, 'hits on the fallback target').toBe(0);
    } finally {
      spy.mockRestore();
      store.close();
      await mock.close();
    }
  });
});

describe('replayScenario: time scales and harness faults', () => {
  const TINY = `name: replay-tiny
seed: 8
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: 10, input_tokens: { dist: constant, value: 100 }, output_tokens: { dist: constant, value: 10 }, stream: 0.5 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
  single: { use: single, options: { target: a } }
`;

  it('a time scale that does not divide the attempt timeout (60 s at 7×: 8,571.4 ms real) replays normally', async () => {
    const store = await openStore(':memory:');
    try {
      const pending = replayScenario(parseScenario(TINY, path.join(dir, 'replay-tiny.yaml')), { store, env: testEnv, transport: 'mock-server', timeScale: 7, realNow: () => performance.now(), processEnv: {} });
      const result = await within(
        pending.catch((e: unknown) => ({ threw: String(e) })),
        10_000,
        'replay at 7×',
      );
      expect(result).toMatchObject({ interrupted: false, runs: [{ strategy: 'single', status: 'ok', requests: 10 }] });
    } finally {
      store.close();
    }
  });

  it('a run that fails on a harness fault (mock server unreachable) is marked error, not left running', async () => {
    const squatter = await rawServer(() => {});
    await squatter.close(); // a port with nothing listening
    const store = await openStore(':memory:');
    try {
      const replay = replayScenario(parseScenario(TINY, path.join(dir, 'replay-tiny.yaml')), { store, env: testEnv, transport: 'mock-server', mockUrl: squatter.url, timeScale: 20, realNow: () => performance.now(), processEnv: {} });
      await expect(within(replay, 5000, 'replay with an unreachable mock server')).rejects.toMatchObject({ code: 'MOCK_UNREACHABLE' });
      const runs = await store.all<{ status: string }>(`SELECT status FROM runs`);
      expect(runs.filter((r) => r.status === 'running'), 'runs left in status running').toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('routebench mock-server', () => {
  const scenarioFile = path.join(dir, 'serve.yaml');
  writeFileSync(
    scenarioFile,
    `name: serve
seed: 2
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: a } } }
`,
  );

  it('serves every target until interrupted, then stops and says how many requests it saw', async () => {
    const io = memoryIo();
    const running = runCli(['mock-server', '--scenario', scenarioFile, '--port', '0', '--time-scale', '50'], io);
    const url = await waitFor(() => /on (http:\/\/127\.0\.0\.1:\d+) \(Ctrl-C to stop\)/.exec(io.stdout)?.[1], 5000, 'the mock server banner');
    expect(io.stdout).toContain(`  a                ${url}/t/a/v1/chat/completions\n`);
    expect(io.stdout).toContain(`  b                ${url}/t/b/v1/messages\n`);
    expect(await (await fetch(`${url}/_routebench/health`)).json()).toEqual({ ok: true });
    const res = await fetch(`${url}/t/b/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-3-5-haiku', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ type: 'message', usage: { output_tokens: 5 } });
    const hits = (await (await fetch(`${url}/_routebench/hits`)).json()) as { target: string; status: number }[];
    expect(hits.map((h) => [h.target, h.status])).toEqual([['b', 200]]);
    io.interrupt();
    expect(await within(running, 5000, 'mock-server after Ctrl-C')).toBe(0);
    expect(io.stdout).toMatch(/stopped after 1 request\n$/);
    expect(io.stderr).toBe('');
    await expect(fetch(`${url}/_routebench/health`)).rejects.toThrow();
  });

  it('--port already in use: exit 4 naming the port, nothing left listening', async () => {
    const squatter = await rawServer((_, res) => res.end('taken'));
    try {
      const port = new URL(squatter.url).port;
      const io = memoryIo();
      const code = await within(runCli(['mock-server', '--scenario', scenarioFile, '--port', port], io), 5000, 'mock-server on a taken port');
      expect(code).toBe(4);
      expect(io.stderr).toContain(`error: port ${port} is already in use\n`);
      expect(io.stderr).toMatch(/hint: choose another --port/);
      expect(io.stdout).toBe('');
    } finally {
      await squatter.close();
    }
  });
});
