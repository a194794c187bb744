/**
 * A replay run's clock starts when the run is set up, not before: the transport's run start (an
 * HTTP round trip to a mock server in another process; the first in the process also loads
 * fetch) came after the origin was taken, so it was counted as lag for the first arrivals and
 * shifted the replay's clock ahead of the mock's (~140 ms warm, ~600 ms cold at 5,000 req/s).
 * Here the mock server's run start is held back 1.5 s by a proxy in front of it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { openStore } from '../../src/store/open-store.js';
import { serveScenario, type ScenarioServer } from '../helpers/mock-servers.js';
import { testEnv } from '../helpers/run-yaml.js';

const YAML = `name: clock-origin
seed: 4
traffic: { synthetic: { arrival: { process: constant, rate_per_s: 50 }, count: 10 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 2, p99: 2 }, tokens_per_s: { p50: 5000, p99: 5000 } } }
strategies:
  only: { use: single, options: { target: a } }
`;
const HOLD_MS = 1500;

let mock: ScenarioServer;
let proxy: http.Server;
let proxyUrl: string;
beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: 1 });
  const upstream = new URL(mock.url);
  proxy = http.createServer((req, res) => {
    const forward = () => {
      const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    };
    // the run start of the replay's own run (not the up-front check) is held back
    if (req.method === 'POST' && req.url?.startsWith('/_routebench/runs/') && !req.url.includes('routebench-check')) setTimeout(forward, HOLD_MS);
    else forward();
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await mock?.close();
});

describe('replay: the run clock', () => {
  it("starts after the transport's run start: a slow run start is not lag of the first arrivals", async () => {
    const store = await openStore(':memory:');
    try {
      const result = await replayScenario(parseScenario(YAML, 'test/clock-origin.yaml'), { store, env: testEnv, transport: 'mock-server', mockUrl: proxyUrl, timeScale: 1, processEnv: {}, realNow: () => performance.now() });
      expect(result.runs.map((r) => [r.status, r.requests])).toEqual([['ok', 10]]);
      const [lag] = await store.all<{ first: number; max: number }>(`SELECT arg_min(lag_ms, scheduled_ms) AS first, max(lag_ms) AS max FROM requests WHERE run_no = ${result.runs[0]!.runNo}`);
      // The old origin made every arrival at least HOLD_MS late; on a busy machine a few ms are normal.
      expect(lag!.first).toBeLessThan(HOLD_MS / 3);
      expect(lag!.max).toBeLessThan(HOLD_MS / 3);
    } finally {
      store.close();
    }
  }, 60_000);
});
