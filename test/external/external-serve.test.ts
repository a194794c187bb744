/**
 * routebench measuring its own strategies exactly like an external gateway: `routebench serve`
 * running strategy X, replayed through the `external` strategy, gives the same success rate and
 * failover counts (request by request) as X replayed directly, on the same scenario and seed.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayScenario } from '../../src/runner/run-replay.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startServe, type ServeHandle } from '../../src/serve/start-serve.js';
import { openStore } from '../../src/store/open-store.js';
import { serveScenario, type ScenarioServer } from '../helpers/mock-servers.js';
import { testEnv } from '../helpers/run-yaml.js';

const SCALE = 20;
const yaml = (serveUrl: string) => `name: serve-parity
seed: 31
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 20 }, count: 80, input_tokens: { dist: constant, value: 200 }, output_tokens: { dist: constant, value: 20 }, stream: 0.5 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.3, rate_limited: 0.1 } } }
  b: { provider: azure, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.1 } } }
  c: { provider: openai, model: gpt-4o, mock: { profile: perfect } }
strategies:
  fallback: { use: fallback, options: { targets: [a, b, c] } }
  via-serve: { use: external, options: { url: ${JSON.stringify(serveUrl)} } }
`;

describe('external → routebench serve', () => {
  let mock: ScenarioServer | undefined;
  let serve: ServeHandle | undefined;
  afterAll(async () => {
    await serve?.close(0);
    await mock?.close();
  });

  it('matches the same strategy replayed directly, request by request', async () => {
    mock = await serveScenario(yaml('http://127.0.0.1:1/v1'), { scale: SCALE });
    const file = path.join('test', 'serve-parity.yaml');
    serve = await startServe({ loaded: parseScenario(yaml('http://127.0.0.1:1/v1'), file), strategy: 'fallback', transport: 'mock-server', mockUrl: mock.url, timeScale: SCALE, realNow: () => performance.now(), env: {}, port: 0 });
    const store = await openStore(':memory:');
    try {
      const result = await replayScenario(parseScenario(yaml(`${serve.url}/v1`), file), { store, env: testEnv, transport: 'mock-server', mockUrl: mock.url, timeScale: SCALE, realNow: () => performance.now(), processEnv: {} });
      expect(result.runs.map((r) => [r.strategy, r.status, r.requests])).toEqual([
        ['fallback', 'ok', 80],
        ['via-serve', 'ok', 80],
      ]);
      const per = (run: number) =>
        store.all<{ request_no: number; success: boolean; attempts: number; failover: boolean; served_by: number | null }>(
          `SELECT request_no, success, attempts::INTEGER AS attempts, failover, served_by FROM requests WHERE run_no = ${run} ORDER BY request_no`,
        );
      const direct = await per(result.runs[0]!.runNo);
      const viaServe = await per(result.runs[1]!.runNo);
      expect(viaServe).toEqual(direct);
      expect(direct.filter((r) => r.failover).length).toBeGreaterThan(15);
      // the upstream order routebench serve used is visible as attempt rows
      const [t] = await store.all<{ targets: string }>(
        `SELECT string_agg(target, '>' ORDER BY attempt_no) AS targets FROM attempt_log WHERE run_no = ${result.runs[1]!.runNo} AND observed_via = 'upstream_log' GROUP BY request_no HAVING count(*) = 3 LIMIT 1`,
      );
      expect(t?.targets).toBe('a>b>c');
    } finally {
      store.close();
    }
  });
});
