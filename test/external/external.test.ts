/**
 * The `external` strategy end to end: a black-box gateway (a fake fallback over two mock
 * upstreams) is replayed through; its hidden failovers come back from the mock server's log as
 * attempt rows in the right order, and since the mock's luck is keyed by request and target, they
 * match routebench's own fallback strategy replayed over the same mock server.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayScenario } from '../../src/runner/run-replay.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { rawServer, serveScenario, type ScenarioServer } from '../helpers/mock-servers.js';
import { testEnv } from '../helpers/run-yaml.js';
import { fakeGateway, type FakeGateway } from './fake-gateway.js';

const SCALE = 20;
const yaml = (gatewayUrl: string) => `name: external-attribution
seed: 9
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 20 }, count: 60, input_tokens: { dist: constant, value: 300 }, output_tokens: { dist: constant, value: 20 }, stream: 0 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.4 } } }
  b: { provider: azure, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
  fallback: { use: fallback, options: { targets: [a, b] } }
  gateway: { use: external, options: { url: ${JSON.stringify(gatewayUrl)} } }
`;

describe('external strategy', () => {
  let mock: ScenarioServer;
  let gw: FakeGateway;
  beforeAll(async () => {
    mock = await serveScenario(yaml('http://127.0.0.1:1/v1'), { scale: SCALE });
  });
  afterAll(async () => {
    await gw?.close();
    await mock.close();
  });

  const replay = async (store: Store, gatewayUrl: string, env: Record<string, string> = {}) =>
    replayScenario(parseScenario(yaml(gatewayUrl), path.join('test', 'external.yaml')), { store, env: testEnv, transport: 'mock-server', mockUrl: mock.url, timeScale: SCALE, realNow: () => performance.now(), processEnv: env });

  it("a black-box gateway's failovers become attempt rows, matching routebench's own fallback request by request", async () => {
    gw = await fakeGateway({ mockUrl: mock.url, upstreams: ['a', 'b'] });
    const store = await openStore(':memory:');
    try {
      const result = await replay(store, gw.url);
      expect(result.runs.map((r) => [r.strategy, r.status, r.requests])).toEqual([
        ['fallback', 'ok', 60],
        ['gateway', 'ok', 60],
      ]);
      const reqs = (run: number) =>
        store.all<{ request_no: number; success: boolean; attempts: number; failover: boolean; served_by: number }>(
          `SELECT request_no, success, attempts::INTEGER AS attempts, failover, served_by FROM requests WHERE run_no = ${run} ORDER BY request_no`,
        );
      const [direct, via] = [await reqs(result.runs[0]!.runNo), await reqs(result.runs[1]!.runNo)];
      expect(via).toEqual(direct);
      expect(via.filter((r) => r.failover).length).toBeGreaterThan(10);
      // one failed-over request, row by row: a's 500, then b's answer, then the client's view
      const failed = via.find((r) => r.failover)!.request_no;
      const rows = await store.all<{ attempt_no: number; target: string; outcome: string; http_status: number | null; observed_via: string }>(
        `SELECT attempt_no, target, outcome::VARCHAR AS outcome, http_status, observed_via FROM attempt_log WHERE run_no = ${result.runs[1]!.runNo} AND request_no = ${failed} ORDER BY attempt_no`,
      );
      expect(rows).toEqual([
        { attempt_no: 0, target: 'a', outcome: 'error', http_status: 500, observed_via: 'upstream_log' },
        { attempt_no: 1, target: 'b', outcome: 'ok', http_status: 200, observed_via: 'upstream_log' },
        { attempt_no: 2, target: 'gateway', outcome: 'ok', http_status: 200, observed_via: 'client' },
      ]);
      // what the gateway added: client time minus time in upstream calls, never negative beyond timer noise
      const [o] = await store.all<{ n: number; min: number; up: number }>(
        `SELECT count(*)::INTEGER AS n, min(gateway_overhead_ms) AS min, min(upstream_ms) AS up FROM requests WHERE run_no = ${result.runs[1]!.runNo}`,
      );
      expect(o!.n).toBe(60);
      expect(o!.up).toBeGreaterThan(0);
      expect(o!.min).toBeGreaterThan(-2 * SCALE);
      // thresholds can gate it, and the summary states it
      const { summary } = await import('../../src/store/queries.js');
      const [, gwRow] = await summary(store, result.runs.map((r) => r.runNo));
      expect(gwRow!.p50_overhead_ms).not.toBeNull();
      const { evaluateThresholds } = await import('../../src/report/thresholds.js');
      const [t] = await evaluateThresholds(store, result.runs[1]!.runNo, { gateway_overhead_ms: ['p(99) < 100000'] });
      expect(t!.passed).toBe(true);
    } finally {
      store.close();
    }
  });

  it('a gateway that strips the routebench headers is still attributed through the marker in the prompt', async () => {
    const g = await fakeGateway({ mockUrl: mock.url, upstreams: ['a', 'b'], stripHeaders: true });
    const store = await openStore(':memory:');
    try {
      const result = await replay(store, g.url);
      const run = result.runs.find((r) => r.strategy === 'gateway')!;
      const [n] = await store.all<{ rows: number; upstream: number }>(
        `SELECT count(*)::INTEGER AS rows, count(*) FILTER (WHERE observed_via = 'upstream_log')::INTEGER AS upstream FROM attempt_log WHERE run_no = ${run.runNo}`,
      );
      expect(n!.upstream).toBeGreaterThanOrEqual(60);
      const [note] = await store.all<{ error: string | null }>(`SELECT error FROM runs WHERE run_no = ${run.runNo}`);
      // only the time-scale caveat every external run at a scale other than 1 carries: nothing about attribution
      expect(note!.error).toMatch(/^replayed at --time-scale 20, but the gateway's own timers .* valid at time scale 1 only/);
      expect(note!.error).not.toMatch(/marker|attribut/);
    } finally {
      store.close();
      await g.close();
    }
  });

  it('when the gateway strips headers and marker, the run says attribution was impossible', async () => {
    const g = await fakeGateway({ mockUrl: mock.url, upstreams: ['a', 'b'], stripHeaders: true, stripMarker: true });
    const store = await openStore(':memory:');
    try {
      const result = await replay(store, g.url);
      const run = result.runs.find((r) => r.strategy === 'gateway')!;
      const [note] = await store.all<{ error: string }>(`SELECT error FROM runs WHERE run_no = ${run.runNo}`);
      expect(note!.error).toMatch(/carried no routebench marker/);
      expect(note!.error).toMatch(/could not be attributed/);
    } finally {
      store.close();
      await g.close();
    }
  });

  it('an unreachable gateway: every request is a classified failure, the run completes', async () => {
    const store = await openStore(':memory:');
    try {
      const result = await replay(store, 'http://127.0.0.1:9/v1');
      const run = result.runs.find((r) => r.strategy === 'gateway')!;
      expect(run.requests).toBe(60);
      const kinds = await store.all<{ kind: string; n: number }>(`SELECT last_error::VARCHAR AS kind, count(*)::INTEGER AS n FROM requests WHERE run_no = ${run.runNo} GROUP BY ALL`);
      expect(kinds).toEqual([{ kind: 'connection_reset', n: 60 }]);
    } finally {
      store.close();
    }
  });

  it('a gateway that answers HTML, or closes the connection mid-response: classified failures, the run completes', async () => {
    const html = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to nginx</body></html>');
    });
    const cut = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"id":"x","choices":[');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const store = await openStore(':memory:');
    try {
      for (const [g, kind] of [
        [html, 'invalid_response'],
        [cut, 'connection_reset'],
      ] as const) {
        const result = await replay(store, `${g.url}/v1`);
        const run = result.runs.find((r) => r.strategy === 'gateway')!;
        expect(run.requests).toBe(60);
        const kinds = await store.all<{ kind: string; n: number }>(`SELECT last_error::VARCHAR AS kind, count(*)::INTEGER AS n FROM requests WHERE run_no = ${run.runNo} GROUP BY ALL`);
        expect(kinds).toEqual([{ kind, n: 60 }]);
      }
    } finally {
      store.close();
      await html.close();
      await cut.close();
    }
  });

  it('skipped, and saying why: in simulate, over msw, and when its URL variable is unset', async () => {
    const store = await openStore(':memory:');
    try {
      const loaded = parseScenario(yaml('http://127.0.0.1:1/v1'), path.join('test', 'external.yaml'));
      const sim = await runScenario(loaded, { store, env: testEnv });
      expect(sim.runs.map((r) => r.strategy)).toEqual(['fallback']);
      expect(sim.skipped).toEqual([{ strategy: 'gateway', reason: expect.stringContaining('replay --transport mock-server') }]);
      const viaEnv = parseScenario(yaml('x').replace('url: "x"', 'url_env: GATEWAY_URL'), path.join('test', 'external.yaml'));
      const rep = await replayScenario(viaEnv, { store, env: testEnv, transport: 'mock-server', mockUrl: mock.url, timeScale: SCALE, realNow: () => performance.now(), processEnv: {}, limit: 5 });
      expect(rep.skipped).toEqual([{ strategy: 'gateway', reason: 'GATEWAY_URL is not set: export GATEWAY_URL=<the gateway\'s base URL> to include this arm' }]);
    } finally {
      store.close();
    }
  });
});
