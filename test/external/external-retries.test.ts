/**
 * A gateway that retries: its retries of a request on a target draw the same mock luck as the same
 * retries made by routebench's own strategy (the k-th call of a request to a target, whoever
 * sends it), so the two compare request by request; and the time the gateway spends is split into
 * its own time (gateway_overhead_ms) and the waits it chose between upstream calls
 * (gateway_wait_ms), each checked against a second implementation over the raw attempt rows and
 * against what the gateway is known to do (it sleeps before forwarding, and backs off between tries).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayScenario } from '../../src/runner/run-replay.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { serveScenario, type ScenarioServer } from '../helpers/mock-servers.js';
import { testEnv } from '../helpers/run-yaml.js';
import { fakeGateway, type FakeGateway } from './fake-gateway.js';

const SCALE = 20;
/** Real ms the gateway sleeps before forwarding a request, and between two tries of one upstream. */
const DELAY_MS = 4;
const BACKOFF_MS = 15;

const retried = (target: string) => `{ use: retry, options: { inner: ${target}, attempts: 3, base_ms: 100, jitter: 0 } }`;
const yaml = (gatewayUrl: string) => `name: external-retries
seed: 23
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: 60, input_tokens: { dist: constant, value: 300 }, output_tokens: { dist: constant, value: 20 }, stream: 0 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.5 } } }
  b: { provider: azure, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.3 } } }
strategies:
  direct: { use: fallback, options: { targets: [${retried('a')}, ${retried('b')}] } }
  gateway: { use: external, options: { url: ${JSON.stringify(gatewayUrl)} } }
`;

interface Row {
  request_no: number;
  attempt_no: number;
  target: string | null;
  outcome: string;
  sent_ms: number;
  end_ms: number;
  observed_via: string;
}

/** Second implementation of the view's split: client time = upstream (union of calls) + waits (gaps between calls) + the gateway's own. */
function split(rows: Row[]): { upstream: number; wait: number; overhead: number } {
  const client = rows.find((r) => r.observed_via === 'client')!;
  const up = rows.filter((r) => r.observed_via === 'upstream_log').sort((x, y) => x.sent_ms - y.sent_ms || x.attempt_no - y.attempt_no);
  let upstream = 0;
  let wait = 0;
  let reach = -Infinity;
  for (const r of up) {
    if (reach > -Infinity && r.sent_ms > reach) wait += r.sent_ms - reach;
    upstream += Math.max(0, r.end_ms - Math.max(r.sent_ms, reach));
    reach = Math.max(reach, r.end_ms);
  }
  return { upstream, wait, overhead: client.end_ms - client.sent_ms - upstream - wait };
}

describe('external gateway with retries', () => {
  let mock: ScenarioServer;
  let gw: FakeGateway;
  let store: Store;
  beforeAll(async () => {
    mock = await serveScenario(yaml('http://127.0.0.1:1/v1'), { scale: SCALE });
    gw = await fakeGateway({ mockUrl: mock.url, upstreams: ['a', 'b'], retries: 2, backoffMs: BACKOFF_MS, delayMs: DELAY_MS });
    store = await openStore(':memory:');
  });
  afterAll(async () => {
    store?.close();
    await gw?.close();
    await mock?.close();
  });

  it("the gateway's retries draw the same luck as the same retries replayed directly: equal sequences request by request", async () => {
    const result = await replayScenario(parseScenario(yaml(gw.url), path.join('test', 'external-retries.yaml')), {
      store,
      env: testEnv,
      transport: 'mock-server',
      mockUrl: mock.url,
      timeScale: SCALE,
      realNow: () => performance.now(),
      processEnv: {},
    });
    expect(result.runs.map((r) => [r.strategy, r.status, r.requests])).toEqual([
      ['direct', 'ok', 60],
      ['gateway', 'ok', 60],
    ]);
    const sequences = (run: number) =>
      store.all<{ request_no: number; calls: string }>(
        `SELECT request_no, string_agg(target || ':' || outcome::VARCHAR, ' > ' ORDER BY attempt_no) AS calls FROM attempt_log
         WHERE run_no = ${run} AND observed_via IN ('engine', 'upstream_log') AND outcome <> 'gave_up' GROUP BY request_no ORDER BY request_no`,
      );
    const [direct, via] = [await sequences(result.runs[0]!.runNo), await sequences(result.runs[1]!.runNo)];
    expect(via).toEqual(direct);
    // the comparison covers retries on one target and failovers after them
    expect(direct.filter((r) => r.calls.startsWith('a:error > a:')).length).toBeGreaterThan(10);
    expect(direct.filter((r) => r.calls.includes('a:error > a:error > a:error > b:')).length).toBeGreaterThan(3);
  });

  it("gateway_overhead_ms is the gateway's own time, gateway_wait_ms the waits it chose between upstream calls", async () => {
    const [run] = await store.all<{ run_no: number }>(`SELECT run_no FROM runs WHERE strategy = 'gateway'`);
    const runNo = run!.run_no;
    const rows = await store.all<Row>(
      `SELECT request_no, attempt_no, target, outcome::VARCHAR AS outcome, sent_ms, end_ms, observed_via FROM attempt_log WHERE run_no = ${runNo} AND outcome <> 'gave_up' ORDER BY request_no, attempt_no`,
    );
    const view = await store.all<{ request_no: number; upstream_ms: number; gateway_wait_ms: number; gateway_overhead_ms: number }>(
      `SELECT request_no, upstream_ms, gateway_wait_ms, gateway_overhead_ms FROM requests WHERE run_no = ${runNo} ORDER BY request_no`,
    );
    expect(view).toHaveLength(60);
    let waited = 0;
    for (const v of view) {
      const mine = rows.filter((r) => r.request_no === v.request_no);
      const oracle = split(mine);
      expect(v.upstream_ms, `request ${v.request_no}`).toBeCloseTo(oracle.upstream, 6);
      expect(v.gateway_wait_ms, `request ${v.request_no}`).toBeCloseTo(oracle.wait, 6);
      expect(v.gateway_overhead_ms, `request ${v.request_no}`).toBeCloseTo(oracle.overhead, 6);
      // what the gateway is known to do: back off before every retry of the same upstream, sleep before forwarding
      const up = mine.filter((r) => r.observed_via === 'upstream_log');
      const retries = up.filter((r, i) => i > 0 && up[i - 1]!.target === r.target).length;
      expect(v.gateway_wait_ms, `request ${v.request_no}`).toBeGreaterThanOrEqual(retries * BACKOFF_MS * SCALE * 0.9);
      expect(v.gateway_overhead_ms, `request ${v.request_no}`).toBeGreaterThanOrEqual(DELAY_MS * SCALE * 0.9);
      if (retries > 0) waited++;
    }
    expect(waited).toBeGreaterThan(10);
    // the summary and thresholds read the same columns
    const { summary } = await import('../../src/store/queries.js');
    const [s] = await summary(store, [runNo]);
    expect(s!.p99_wait_ms).toBeGreaterThanOrEqual(2 * BACKOFF_MS * SCALE * 0.9);
    const { evaluateThresholds } = await import('../../src/report/thresholds.js');
    const checks = await evaluateThresholds(store, runNo, { gateway_wait_ms: ['p(99) > 0'], p99_gateway_wait_ms: [`>= ${2 * BACKOFF_MS * SCALE * 0.9}`] });
    expect(checks.map((c) => [c.metric, c.passed])).toEqual([
      ['gateway_wait_ms', true],
      ['p99_gateway_wait_ms', true],
    ]);
    // at a time scale the gateway's real-clock timers are stretched: the run says where its numbers hold
    const [note] = await store.all<{ error: string }>(`SELECT error FROM runs WHERE run_no = ${runNo}`);
    expect(note!.error).toMatch(/--time-scale 20.*valid at time scale 1 only/);
  });
});

describe("a gateway's request timeout cuts an upstream call", () => {
  // perfect: TTFT 100 ms, 100 tok/s; 400 output tokens take 4,100 ms of scenario time, 205 ms real at 20×.
  // The gateway gives a 80 ms real (1,600 scenario ms), then fails over to b.
  const cutYaml = (gatewayUrl: string) => `name: external-timeout
seed: 4
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: 20, input_tokens: { dist: constant, value: 300 }, output_tokens: { dist: constant, value: 400 }, stream: 0 }
targets:
  a: { provider: openai, model: gpt-4o-mini, price: { input: 1, output: 10 }, mock: { profile: perfect } }
  b: { provider: azure, model: gpt-4o-mini, price: { input: 1, output: 10 }, mock: { profile: perfect, tokens_per_s: { p50: 100000, p99: 100000 } } }
strategies:
  gateway: { use: external, options: { url: ${JSON.stringify(gatewayUrl)} } }
`;

  it('the cut call is logged aborted and billed its prompt plus the output generated by the cut, not as a success', async () => {
    const mock = await serveScenario(cutYaml('http://127.0.0.1:1/v1'), { scale: SCALE });
    const gw = await fakeGateway({ mockUrl: mock.url, upstreams: ['a', 'b'], timeoutMs: { a: 80 } });
    const store = await openStore(':memory:');
    try {
      const result = await replayScenario(parseScenario(cutYaml(gw.url), path.join('test', 'external-timeout.yaml')), { store, env: testEnv, transport: 'mock-server', mockUrl: mock.url, timeScale: SCALE, realNow: () => performance.now(), processEnv: {} });
      const runNo = result.runs[0]!.runNo;
      const rows = await store.all<{ request_no: number; target: string; outcome: string; tokens_in: number; tokens_out: number; cost_usd: number; elapsed: number }>(
        `SELECT request_no, target, outcome::VARCHAR AS outcome, tokens_in, tokens_out, cost_usd, end_ms - sent_ms AS elapsed FROM attempt_log WHERE run_no = ${runNo} AND observed_via = 'upstream_log' ORDER BY request_no, attempt_no`,
      );
      const cut = rows.filter((r) => r.target === 'a');
      expect(cut).toHaveLength(20);
      for (const r of cut) {
        expect(r.outcome, `request ${r.request_no}`).toBe('aborted');
        // the mock's own clock says when the call was cut (a busy machine moves it; the rule does not change):
        // the prompt once the first token was generated (100 ms, the profile), plus 100 tok/s after it, never the whole answer
        if (r.elapsed < 100) {
          expect([r.tokens_in, r.tokens_out, r.cost_usd]).toEqual([0, 0, 0]);
          continue;
        }
        const generated = Math.min(400, Math.floor((r.elapsed - 100) * 0.1));
        expect([r.tokens_in, r.tokens_out], `request ${r.request_no}`).toEqual([300, generated]);
        expect(r.cost_usd).toBeCloseTo((300 * 1 + generated * 10) / 1e6, 12);
      }
      expect(cut.filter((r) => r.tokens_out > 0 && r.tokens_out < 400).length).toBeGreaterThan(10);
      // b answered each request in full; the client saw successes
      expect(rows.filter((r) => r.target === 'b').map((r) => [r.outcome, r.tokens_out])).toEqual(Array.from({ length: 20 }, () => ['ok', 400]));
      const [s] = await store.all<{ ok: number }>(`SELECT count(*) FILTER (WHERE success)::INTEGER AS ok FROM requests WHERE run_no = ${runNo}`);
      expect(s!.ok).toBe(20);
    } finally {
      store.close();
      await gw.close();
      await mock.close();
    }
  });
});
