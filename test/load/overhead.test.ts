import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { armRequest } from '../../src/load/arm-request.js';
import { runOverheadCell } from '../../src/load/overhead.js';
import { overheadResults } from '../../src/load/overhead-results.js';
import { timedRequest } from '../../src/load/timed-request.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { appendOverheadRows } from '../../src/store/write-load.js';
import { serveScenario, type ScenarioServer } from '../helpers/mock-servers.js';

const YAML = `
name: overhead-test
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 0.05, p99: 0.05 }, tokens_per_s: { p50: 1000, p99: 1000 } } }
strategies:
  s: { use: single, options: { target: a } }
`;

const ADDED_MS = 2;
const nowUs = () => Number(process.hrtime.bigint()) / 1000;

/** A pass-through gateway on 127.0.0.1: reads the request, waits ADDED_MS, forwards it to the mock and pipes the answer back. */
async function delayingGateway(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      setTimeout(() => {
        const up = http.request(`${upstream}${req.url}`, { method: req.method, headers: req.headers, agent }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      }, ADDED_MS),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let mock: ScenarioServer;
let gateway: Awaited<ReturnType<typeof delayingGateway>>;
let store: Store;

beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: 1 });
  gateway = await delayingGateway(mock.url);
  store = await openStore(':memory:');
});
afterAll(async () => {
  store?.close();
  await gateway?.close();
  await mock?.close();
});

describe('paired overhead', () => {
  it('finds the 2 ms a gateway adds: the interval is near 2 ms and excludes 0', async () => {
    const shape = { inputTokens: 32, outputTokens: 1, streamOutputTokens: 4 };
    const direct = armRequest({ baseUrl: `${mock.url}/t/a/v1`, dialect: 'openai', model: 'gpt-4o-mini', headers: {} }, shape, false, 'overhead-test');
    const arm = armRequest({ baseUrl: `${gateway.url}/t/a/v1`, dialect: 'openai', model: 'gpt-4o-mini', headers: {} }, shape, false, 'overhead-test');
    const dPool = new Pool(direct.origin, { connections: 2 });
    const aPool = new Pool(arm.origin, { connections: 2 });
    try {
      for (const concurrency of [1, 2]) {
        const cell = { concurrency, stream: false, rounds: 300, warmupRounds: 10, deadlineUs: nowUs() + 30e6, maxFailures: 20 };
        const { rows, stopped } = await runOverheadCell(() => timedRequest(dPool, direct, { nowUs, timeoutMs: 5000 }), () => timedRequest(aPool, arm, { nowUs, timeoutMs: 5000 }), cell, nowUs);
        expect(stopped).toBeUndefined();
        expect(rows.n).toBe(600);
        await appendOverheadRows(store, 'run1', 'gw', cell, rows);
      }
    } finally {
      await Promise.all([dPool.destroy(), aPool.destroy()]);
    }
    const results = await overheadResults(store, 'run1', 7, 1000);
    for (const concurrency of [1, 2]) {
      const p50 = results.find((r) => r.concurrency === concurrency && r.metric === 'latency_p50')!;
      expect(p50.pairs).toBe(300);
      expect(p50.arm_errors + p50.direct_errors).toBe(0);
      // a timer of 2 ms fires after 2 ms or a little more (lower bounds and order only: a busy machine
      // makes timers later, never earlier)
      expect(p50.added_us!).toBeGreaterThan(1800);
      expect(p50.lo_us!).toBeGreaterThan(0);
      expect(p50.lo_us!).toBeLessThanOrEqual(p50.added_us!);
      expect(p50.hi_us!).toBeGreaterThanOrEqual(p50.added_us!);
      expect(p50.hi_us!).toBeGreaterThan(1800);
      const mean = results.find((r) => r.concurrency === concurrency && r.metric === 'latency_mean')!;
      expect(mean.lo_us!).toBeGreaterThan(0);
      // 300 pairs are too few for a p99 interval (3 beyond it): the estimate stands alone
      const p99 = results.find((r) => r.concurrency === concurrency && r.metric === 'latency_p99')!;
      expect(p99.lo_us).toBeNull();
    }
    // the same seed gives the same interval
    const again = await overheadResults(store, 'run1', 7, 1000);
    expect(again).toEqual(results);
  });
});
