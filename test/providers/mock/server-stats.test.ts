/**
 * The mock server's own account of its load: `GET /_routebench/stats` answers exactly the
 * contract `routebench load` reads (requests served, CPU ms, uptime, in flight, ceiling_rps), with
 * the clock and the CPU counter injected so every number is known in advance; and the ceiling
 * arithmetic (requests per CPU-second, null before 1,000 requests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMocks } from '../../../src/engine/plan-scenario.js';
import { startMockServer, type MockServer } from '../../../src/providers/mock/mock-http-server.js';
import { MockService } from '../../../src/providers/mock/mock-service.js';
import { CEILING_MIN_REQUESTS, formatStats, ServerStats } from '../../../src/providers/mock/server-stats.js';
import { planYaml, waitFor, within } from '../../helpers/mock-servers.js';

const YAML = `name: stats
seed: 4
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  hang: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { timeout: 1 } } }
strategies: { s: { use: single, options: { target: o } } }
`;

/** A clock and a CPU counter the test moves by hand. */
const fake = { now: 5_000, cpuUs: 2_000_000 };

let server: MockServer;
beforeAll(async () => {
  const plan = planYaml(YAML);
  // time scale 1e6: perfect replies (260 ms of scenario time) are due at once
  const service = new MockService(plan.targets, () => createMocks(plan), () => fake.now, { defaultScale: 1e6 });
  server = await startMockServer(service, { port: 0, cpuUsage: () => ({ user: fake.cpuUs * 0.75, system: fake.cpuUs * 0.25 }) });
});
afterAll(async () => {
  await server?.close();
});

const stats = async () => (await (await fetch(`${server.url}/_routebench/stats`)).json()) as Record<string, unknown>;
const post = (target: string, signal?: AbortSignal) =>
  fetch(`${server.url}/t/${target}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] }), signal });

describe('GET /_routebench/stats', () => {
  it('answers the contract: POSTs served, CPU ms and uptime since start, in flight, no ceiling yet', async () => {
    expect(await stats()).toEqual({ requests: 0, cpu_ms: 0, uptime_ms: 0, in_flight: 0, ceiling_rps: null });
    await (await post('o')).text();
    await (await post('nope')).text(); // a 404 is served too
    await (await fetch(`${server.url}/_routebench/runs/x?scale=2`, { method: 'POST' })).text(); // control calls are not counted
    await (await fetch(`${server.url}/_routebench/health`)).text();
    fake.now += 1_500;
    fake.cpuUs += 40_000;
    const s = await waitFor(async () => {
      const v = await stats();
      return v.requests === 2 ? v : undefined;
    }, 2000, 'two POSTs counted');
    expect(Object.keys(s)).toEqual(['requests', 'cpu_ms', 'uptime_ms', 'in_flight', 'ceiling_rps']);
    expect(s).toEqual({ requests: 2, cpu_ms: 40, uptime_ms: 1500, in_flight: 0, ceiling_rps: null });
  });

  it('counts a reply in progress as in flight until the client goes away, then as served', async () => {
    const before = (await stats()).requests as number;
    const ctl = new AbortController();
    const hanging = post('hang', ctl.signal).catch((e: unknown) => e);
    await waitFor(async () => ((await stats()).in_flight === 1 ? true : undefined), 2000, 'the hanging reply in flight');
    expect(server.stats()).toMatchObject({ requests: before, in_flight: 1 });
    ctl.abort();
    await within(hanging, 2000, 'the aborted client');
    await waitFor(async () => ((await stats()).in_flight === 0 ? true : undefined), 2000, 'the hanging reply to end');
    expect(server.stats().requests).toBe(before + 1);
  });
});

describe('ServerStats', () => {
  it('ceiling_rps is requests per CPU-second, null before 1,000 requests or without CPU', () => {
    let now = 100;
    let cpu = 1_000;
    const s = new ServerStats(
      () => now,
      () => ({ user: cpu, system: 0 }),
    );
    const ends = Array.from({ length: CEILING_MIN_REQUESTS }, () => s.begin());
    expect(s.snapshot()).toEqual({ requests: 0, cpu_ms: 0, uptime_ms: 0, in_flight: 1000, ceiling_rps: null });
    for (const end of ends.slice(1)) end();
    ends[1]!(); // idempotent
    now += 2_000;
    cpu += 250_000; // 250 ms of CPU
    expect(s.snapshot()).toEqual({ requests: 999, cpu_ms: 250, uptime_ms: 2000, in_flight: 1, ceiling_rps: null });
    ends[0]!();
    expect(s.snapshot()).toMatchObject({ requests: 1000, in_flight: 0, ceiling_rps: 4000 });
    const idle = new ServerStats(() => 0, () => ({ user: 0, system: 0 }));
    for (let i = 0; i < 1000; i++) idle.begin()();
    expect(idle.snapshot().ceiling_rps).toBeNull();
  });

  it('formats one line for the terminal', () => {
    expect(formatStats({ requests: 123_456, cpu_ms: 4_100, uptime_ms: 61_240, in_flight: 3, ceiling_rps: 30_112 })).toBe('123,456 requests in 61.2 s, 4,100 ms CPU, 3 in flight; ceiling ≈ 30,112 req/s per CPU core');
    expect(formatStats({ requests: 12, cpu_ms: 9, uptime_ms: 800, in_flight: 0, ceiling_rps: null })).toBe('12 requests in 0.8 s, 9 ms CPU, 0 in flight; no ceiling estimate before 1,000 requests');
  });
});
