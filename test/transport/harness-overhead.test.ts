/**
 * The replay harness's own time per attempt: send → first byte as measured, minus when the mock
 * scheduled the first byte, in scenario ms. Hand-computed through the engine with a transport
 * whose times are given; over msw it is stored per attempt, reported beside the generator lag,
 * and flagged when it is large beside the latency gaps a latency-adaptive strategy keys on.
 */
import { describe, expect, it } from 'vitest';
import { AttemptRows, type AttemptBatch } from '../../src/engine/attempt-rows.js';
import { ReplayRun } from '../../src/engine/replay.js';
import { harnessLine, harnessWarnings } from '../../src/report/lag-check.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { summary } from '../../src/store/queries.js';
import type { CallResult, Transport } from '../../src/transport/transport.js';
import { planYaml, trafficRequest } from '../helpers/mock-servers.js';
import { testEnv } from '../helpers/run-yaml.js';

const yaml = (b: string, name = '', rate = 20, count = 60) => `name: harness${name}
seed: 8
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: ${rate} }, count: ${count}, input_tokens: { dist: constant, value: 100 }, output_tokens: { dist: constant, value: 10 }, stream: 0.5 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  b: { provider: openai, model: gpt-4o, mock: { profile: perfect, ttft_ms: ${b} } }
strategies:
  adaptive: { use: least-latency, options: { targets: [a, b], explore: 0.5 } }
  fixed: { use: single, options: { target: a } }
`;

describe('harness overhead per attempt', () => {
  it('is (first byte − sent) × scale − the planned first byte, per attempt, hand-computed through the engine', async () => {
    const plan = planYaml(yaml('{ p50: 100, p99: 100 }'));
    // real ms: sent at 10, first byte at 37, end at 40; the mock planned the first byte at 200 scenario ms
    const results: CallResult[] = [
      { outcome: 'ok', status: 200, retryable: false, sentAt: 10, firstByteAt: 37, endAt: 40, tokensReceived: 10, usage: { input: 100, output: 10, cached: 0 }, plannedFirstByteMs: 200 },
      // a live provider (no schedule) and a call with no reply: not measured
      { outcome: 'ok', status: 200, retryable: false, sentAt: 10, firstByteAt: 37, endAt: 40, tokensReceived: 10, usage: { input: 100, output: 10, cached: 0 } },
      { outcome: 'error', status: 0, errorKind: 'connection_reset', retryable: false, sentAt: 10, endAt: 12, tokensReceived: 0, plannedFirstByteMs: 0 },
    ];
    let call = 0;
    const transport: Transport = { name: 'msw', send: async () => results[call++]!, close: async () => undefined };
    const batches: AttemptBatch[] = [];
    const rows = new AttemptRows(1, (b) => void batches.push(b));
    const built = plan.strategies.find((s) => s.label === 'fixed')!.build();
    const run = new ReplayRun({ router: built.router, slotCount: built.slotCount, targets: plan.targets, maxAttempts: 5, rows, transport, runKey: 'h', timeScale: 10, realNow: () => 50 });
    run.start(0);
    for (let i = 0; i < 3; i++) {
      run.arrive(trafficRequest(i, { inputTokens: 100, outputTokens: 10 }));
      await run.drained();
    }
    rows.end();
    const b = batches[0]!;
    const attempt = (req: number) => [...Array(b.length).keys()].find((i) => b.requestNo[i] === req && b.targetNo[i] >= 0)!;
    expect(b.harnessMs[attempt(0)]).toBe((37 - 10) * 10 - 200); // 70 scenario ms of the harness's own
    expect(b.harnessMs[attempt(1)]).toBeNaN();
    expect(b.harnessMs[attempt(2)]).toBeNaN();
  });

  it('over msw: stored per attempt, reported beside the lag, flagged for an adaptive strategy between near-equal targets', async () => {
    const store = await openStore(':memory:');
    try {
      // b's TTFT is 1 ms above a's: the adaptive strategy tells them apart by 1 ms, far less than the harness's own time at 50×
      // one request a second (20 ms real): answers come back between arrivals, so the strategy has samples to go by
      const close = parseScenario(yaml('{ p50: 101, p99: 101 }', '-close', 1, 40), 'harness.yaml');
      const rep = await replayScenario(close, { store, env: testEnv, transport: 'msw', timeScale: 50, realNow: () => performance.now(), processEnv: {} });
      const sim = await runScenario(close, { store, env: testEnv });
      const rows = await summary(store, [...rep.runs, ...sim.runs].map((r) => r.runNo));
      const [adaptive, fixed, simAdaptive] = rows;
      expect([adaptive!.strategy, adaptive!.mode, fixed!.strategy, simAdaptive!.mode]).toEqual(['adaptive', 'replay', 'fixed', 'simulate']);
      // every answered attempt measured it; time moves forward, so a reply cannot come earlier than
      // scheduled by more than the mock's 0.5 ms (real) early-send window
      const [m] = await store.all<{ answered: number; measured: number; min: number }>(
        `SELECT count(*) FILTER (WHERE http_status IS NOT NULL)::INTEGER AS answered, count(harness_ms)::INTEGER AS measured, min(harness_ms) AS min FROM attempts WHERE run_no = ${adaptive!.run_no}`,
      );
      expect(m!.measured).toBe(m!.answered);
      expect(m!.min).toBeGreaterThanOrEqual(-0.5 * 50);
      expect(adaptive!.p50_harness_ms).toBeGreaterThan(0);
      expect(simAdaptive!.p50_harness_ms).toBeNull();
      expect(adaptive!.min_target_gap_ms).toBeLessThan(adaptive!.p50_harness_ms! * 10);
      expect(harnessLine(adaptive!)).toMatch(/^adaptive: replay harness, in scenario time at 50×: generator lag p99 .* ms, own time per attempt .* p50 .* ms, p99 .* ms$/);
      expect(harnessLine(simAdaptive!)).toBeUndefined();
      // only the latency-adaptive one is warned about
      expect(harnessWarnings(rows)).toEqual([expect.stringMatching(/^adaptive: the harness's own time per attempt \(p99 .* ms of scenario time at 50×\) exceeds 10% of the smallest latency gap between its targets/)]);
    } finally {
      store.close();
    }
  }, 60_000);

  it('over the loopback mock server a stream is measured from its status line (sent at once), not from its first token', async () => {
    const store = await openStore(':memory:');
    try {
      // every request streamed; b's first token comes 2 s (100 ms real at 20×) after the request
      const text = yaml('{ p50: 2000, p99: 2000 }', '-stream', 20, 20).replace('stream: 0.5', 'stream: 1').replace('adaptive: { use: least-latency, options: { targets: [a, b], explore: 0.5 } }', 'adaptive: { use: single, options: { target: b } }');
      const rep = await replayScenario(parseScenario(text, 'harness.yaml'), { store, env: testEnv, transport: 'mock-server', timeScale: 20, realNow: () => performance.now(), processEnv: {}, only: ['adaptive'] });
      const rows = await store.all<{ harness: number; ttft: number }>(`SELECT harness_ms AS harness, first_token_ms - sent_ms AS ttft FROM attempts WHERE run_no = ${rep.runs[0]!.runNo} AND outcome = 'ok'`);
      expect(rows).toHaveLength(20);
      // order: the headers arrive before the first token, so the harness's own time is below the measured TTFT
      for (const r of rows) expect(r.harness).toBeLessThan(r.ttft);
    } finally {
      store.close();
    }
  }, 60_000);

  it('not flagged when the targets are far apart beside it (5 s of TTFT between them, at 1×)', async () => {
    const store = await openStore(':memory:');
    try {
      const far = parseScenario(yaml('{ p50: 5000, p99: 5000 }', '-far', 20, 12), 'harness.yaml');
      const rep = await replayScenario(far, { store, env: testEnv, transport: 'msw', timeScale: 1, realNow: () => performance.now(), processEnv: {}, only: ['adaptive'] });
      const rows = await summary(store, rep.runs.map((r) => r.runNo));
      expect(rows[0]!.min_target_gap_ms).toBeGreaterThan(4000);
      expect(harnessWarnings(rows)).toEqual([]);
    } finally {
      store.close();
    }
  }, 60_000);
});
