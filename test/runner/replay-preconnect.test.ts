/**
 * Replay over the mock server opens its keep-alive connections before the run's clock starts
 * (GET /_routebench/health, no provider call), so the first arrivals do not open them while
 * others are due. A TCP proxy in front of the mock server records the first request line of
 * every connection: no connection is opened by a provider call, and the mock's own count of
 * provider calls is the traffic's (the GETs are not counted).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { PRECONNECT } from '../../src/runner/create-transport.js';
import { openStore } from '../../src/store/open-store.js';
import { serveScenario, type ScenarioServer } from '../helpers/mock-servers.js';
import { testEnv } from '../helpers/run-yaml.js';

const COUNT = 40;
const YAML = `name: preconnect
seed: 4
traffic: { synthetic: { arrival: { process: constant, rate_per_s: 200 }, count: ${COUNT}, stream: 1 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 2, p99: 2 }, tokens_per_s: { p50: 5000, p99: 5000 } } }
  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, ttft_ms: { p50: 2, p99: 2 }, tokens_per_s: { p50: 5000, p99: 5000 } } }
strategies:
  rr: { use: round-robin, options: { targets: [a, b] } }
`;

let mock: ScenarioServer;
let proxy: net.Server;
let proxyUrl: string;
/** The first request line seen on each connection through the proxy, in connection order. */
const firstLines: string[] = [];
const sockets = new Set<net.Socket>();
beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: 1 });
  const upstream = new URL(mock.url);
  proxy = net.createServer((client) => {
    const k = firstLines.push('') - 1;
    const up = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(up);
    client.once('data', (chunk: Buffer) => (firstLines[k] = chunk.toString('latin1').split('\r\n')[0]!));
    client.pipe(up).pipe(client);
    const end = () => (client.destroy(), up.destroy());
    client.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  // Keep-alive connections (the replay's up-front check uses fetch's own pool) would hold close() open.
  for (const s of sockets) s.destroy();
  await new Promise((r) => proxy?.close(r));
  await mock?.close();
});

describe('replay over the mock server: connections opened before the clock starts', () => {
  it('sends every provider call on a connection opened before it, and the mock counts only the provider calls', async () => {
    const store = await openStore(':memory:');
    try {
      const result = await replayScenario(parseScenario(YAML, 'test/preconnect.yaml'), { store, env: testEnv, transport: 'mock-server', mockUrl: proxyUrl, timeScale: 1, processEnv: {}, realNow: () => performance.now() });
      expect(result.runs.map((r) => [r.status, r.requests])).toEqual([['ok', COUNT]]);
      const [ok] = await store.all<{ n: number }>(`SELECT count(*) FILTER (WHERE success)::INTEGER AS n FROM requests WHERE run_no = ${result.runs[0]!.runNo}`);
      expect(ok!.n).toBe(COUNT);
      // The old client opened a connection with the run's first provider call (and more as calls overlapped).
      const byProviderCall = firstLines.filter((l) => l.startsWith('POST /t/'));
      expect(byProviderCall).toEqual([]);
      expect(firstLines.filter((l) => l === 'GET /_routebench/health HTTP/1.1')).toHaveLength(PRECONNECT);
      // The mock server counts provider calls (POSTs) only: one per request here (perfect mocks).
      const stats = (await (await fetch(`${mock.url}/_routebench/stats`)).json()) as { requests: number };
      expect(stats.requests).toBe(COUNT);
    } finally {
      store.close();
    }
  }, 60_000);
});
