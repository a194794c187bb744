/** routing_strategy values other than simple-shuffle, and per-deployment limits (gateways.md §2.3). */
import { describe, expect, it } from 'vitest';
import type { Harness } from './fake-context.js';
import { dep, expectWithin3Sigma, lite, succeed, target } from './litellm-helpers.js';

const three = (params: Record<string, unknown>[] = [{}, {}, {}]) => [
  dep('g', 'openai/gpt-4o-mini', params[0]),
  dep('g', 'azure/gpt-4o-mini', params[1]),
  dep('g', 'anthropic/claude-3-5-haiku', params[2]),
];
const strategy = (routing_strategy: string, params?: Record<string, unknown>[], extra: Record<string, unknown> = {}, seed = 1) =>
  lite({ model_list: three(params), router_settings: { routing_strategy, ...extra } }, {}, seed);

/** Sends one request with only `t` unblocked and completes it with the given latency. */
function sample(h: Harness, t: number, o: { latencyMs: number; tokensOut: number; ttftMs?: number; stream?: boolean }): void {
  const saved = [...h.blockMask];
  h.blockMask.fill(1);
  h.blockMask[t] = 0;
  const req = h.request({ route: 'g', stream: o.stream ?? false });
  expect(target(req.decide('arrival'))).toBe(t);
  succeed(h, req, o);
  h.blockMask.set(saved);
}

const counts = (h: Harness, n: number, stream = false) => {
  const c = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) c[target(h.first({ route: 'g', stream }))]!++;
  return c;
};

describe('litellm: least-busy', () => {
  it('picks the deployment with the fewest calls in flight (ties: model_list order)', () => {
    const h = strategy('least-busy');
    const reqs = [0, 1, 2].map(() => h.request({ route: 'g' }));
    expect(reqs.map((r) => target(r.decide('arrival')))).toEqual([0, 1, 2]);
    reqs[1]!.end({ outcome: 'ok' });
    expect(h.first({ route: 'g' })).toMatchObject({ target: 1, reason: 'litellm: least-busy (fewest in flight)' });
    expect(target(h.first({ route: 'g' }))).toBe(0);
  });
});

describe('litellm: latency-based-routing', () => {
  it('explores untried deployments first, then picks the lowest latency per output token', () => {
    const h = strategy('latency-based-routing');
    expect(h.first({ route: 'g' })).toMatchObject({ reason: 'litellm: latency-based-routing (untried deployment first)' });
    sample(h, 0, { latencyMs: 3000, tokensOut: 300 }); // 0.01 s per token
    sample(h, 1, { latencyMs: 1000, tokensOut: 50 }); // 0.02
    expect(target(h.first({ route: 'g' }))).toBe(2); // still untried
    sample(h, 2, { latencyMs: 2000, tokensOut: 100 }); // 0.02
    expect(counts(h, 200)).toEqual([200, 0, 0, 0]);
    expect(h.first({ route: 'g' })).toMatchObject({ reason: 'litellm: latency-based-routing (lowest latency per token)' });
  });

  it('lowest_latency_buffer: uniform among deployments within lowest × (1 + buffer)', () => {
    const h = strategy('latency-based-routing', undefined, { routing_strategy_args: { lowest_latency_buffer: 0.5 } }, 9);
    sample(h, 0, { latencyMs: 1000, tokensOut: 100 }); // 0.010
    sample(h, 1, { latencyMs: 1400, tokensOut: 100 }); // 0.014: within 50%
    sample(h, 2, { latencyMs: 1600, tokensOut: 100 }); // 0.016: outside
    const n = 10_000;
    const c = counts(h, n);
    expect(c[2]).toBe(0);
    expectWithin3Sigma(c[0]!, n, 0.5, 'oa');
    expect(h.first({ route: 'g' })).toMatchObject({ reason: 'litellm: latency-based-routing (random within lowest_latency_buffer)' });
  });

  it('streams compare time to first token per token', () => {
    const h = strategy('latency-based-routing');
    sample(h, 0, { latencyMs: 1000, tokensOut: 100, ttftMs: 500, stream: true });
    sample(h, 1, { latencyMs: 2000, tokensOut: 100, ttftMs: 100, stream: true });
    sample(h, 2, { latencyMs: 5000, tokensOut: 100, ttftMs: 900, stream: true });
    expect(target(h.first({ route: 'g' }))).toBe(0);
    expect(target(h.first({ route: 'g', stream: true }))).toBe(1);
  });

  it('a timeout adds a 1000 s-per-token penalty sample', () => {
    const h = strategy('latency-based-routing');
    for (const t of [0, 1, 2]) sample(h, t, { latencyMs: 1000 * (t + 1), tokensOut: 100 });
    const req = h.request({ route: 'g' });
    expect(target(req.decide('arrival'))).toBe(0);
    req.fail('timeout');
    expect(target(h.first({ route: 'g' }))).toBe(1);
  });

  it('quirk: a full sample list overwrites its last slot, so early samples stay', () => {
    const h = strategy('latency-based-routing', undefined, { routing_strategy_args: { max_latency_list_size: 2 } });
    sample(h, 1, { latencyMs: 2000, tokensOut: 100 }); // az: 0.02
    sample(h, 2, { latencyMs: 9000, tokensOut: 100 });
    for (const ms of [5000, 1000, 1000, 1000]) sample(h, 0, { latencyMs: ms, tokensOut: 100 }); // oa: [0.05, 0.01]: mean 0.03
    expect(target(h.first({ route: 'g' }))).toBe(1);
  });

  it('samples expire after ttl without a new one', () => {
    const h = strategy('latency-based-routing', undefined, { routing_strategy_args: { ttl: 60 } });
    for (const t of [0, 1, 2]) sample(h, t, { latencyMs: 1000 * (t + 1), tokensOut: 100 });
    h.now = 60_000;
    expect(h.first({ route: 'g' })).toMatchObject({ target: 0, reason: 'litellm: latency-based-routing (lowest latency per token)' });
    h.now = 120_001;
    expect(h.first({ route: 'g' })).toMatchObject({ reason: 'litellm: latency-based-routing (untried deployment first)' });
  });
});

describe('litellm: usage-based-routing', () => {
  it('lowest tokens this minute; skips a deployment whose tpm this prompt would exceed', () => {
    // max_parallel_requests, else the tpm-derived semaphore (1000/1000/6 → 1) would queue the in-flight probes
    const h = strategy('usage-based-routing', [{ tpm: 1000, max_parallel_requests: 10 }, { tpm: 100_000 }, { tpm: 100_000 }]);
    sample(h, 1, { latencyMs: 100, tokensOut: 1400 }); // az: 600 + 1400 = 2000 tokens
    sample(h, 2, { latencyMs: 100, tokensOut: 1400 });
    const req = h.request({ route: 'g', inputTokens: 600 });
    expect(req.decide('arrival')).toMatchObject({ target: 0, reason: 'litellm: usage-based-routing (lowest tpm this minute)' });
    succeed(h, req, { latencyMs: 100, tokensOut: 100 }); // oa: 700 tokens
    expect(target(h.first({ route: 'g', inputTokens: 600 }))).toBe(1); // 700 + 600 > 1000
    expect(target(h.first({ route: 'g', inputTokens: 200 }))).toBe(0); // fits
    h.now = 60_000; // a new minute
    expect(target(h.first({ route: 'g', inputTokens: 600 }))).toBe(0);
  });

  it('rpm counts successes this minute (v1) or sends (v2); over every limit: no deployments available', () => {
    const limits = [0, 1, 2].map(() => ({ rpm: 1, max_parallel_requests: 10 }));
    const v1 = strategy('usage-based-routing', limits);
    expect([0, 1, 2, 3].map(() => target(v1.first({ route: 'g' })))).toEqual([0, 0, 0, 0]); // nothing succeeded yet
    const v2 = strategy('usage-based-routing-v2', limits);
    expect([0, 1, 2].map(() => target(v2.first({ route: 'g' })))).toEqual([0, 1, 2]);
    expect(v2.first({ route: 'g' })).toEqual({ type: 'stop', reason: 'litellm: group g failed (no deployments available); no fallback' });
  });
});

describe('litellm: cost-based-routing', () => {
  it('the lowest input + output cost per token (litellm_params first, else the target price); rpm respected', () => {
    const h = strategy('cost-based-routing', [{}, { input_cost_per_token: 1e-9, output_cost_per_token: 1e-9, rpm: 2 }, {}]);
    const ok = () => {
      const req = h.request({ route: 'g' });
      const t = target(req.decide('arrival'));
      succeed(h, req, { latencyMs: 10, tokensOut: 1 });
      return t;
    };
    expect([ok(), ok(), ok(), ok()]).toEqual([1, 1, 0, 0]);
    expect(h.first({ route: 'g' })).toMatchObject({ reason: 'litellm: cost-based-routing (cheapest)' });
  });
});

describe('litellm: max_parallel_requests', () => {
  it('a deployment at its limit queues requests FIFO until a call ends', () => {
    const h = lite({ model_list: [dep('g', 'openai/gpt-4o-mini', { weight: 1, max_parallel_requests: 1 }), dep('g', 'azure/gpt-4o-mini', { weight: 0 })] });
    const [a, b, c] = [0, 1, 2].map(() => h.request({ route: 'g' }));
    expect(target(a!.decide('arrival'))).toBe(0);
    expect(b!.decide('arrival')).toEqual({ type: 'wait', ms: 25, reason: 'litellm: openai/gpt-4o-mini at max_parallel_requests; queued' });
    expect(c!.decide('arrival')).toMatchObject({ type: 'wait', ms: 25 });
    h.now = 25;
    expect(b!.decide('timer')).toMatchObject({ type: 'wait' });
    a!.end({ outcome: 'ok' });
    h.now = 40;
    expect(c!.decide('timer')).toMatchObject({ type: 'wait' }); // b is first in line
    h.now = 50;
    expect(b!.decide('timer')).toEqual({ type: 'send', target: 0, reason: 'litellm: simple-shuffle by weight', timeoutMs: undefined });
  });

  it('without max_parallel_requests the limit is rpm, else tpm / 1000 / 6', () => {
    const parallel = (params: Record<string, unknown>) => {
      const h = lite({ model_list: [dep('g', 'openai/gpt-4o-mini', params)] });
      let n = 0;
      while (n < 10 && h.first({ route: 'g' }).type === 'send') n++;
      return n;
    };
    expect(parallel({ rpm: 3 })).toBe(3);
    expect(parallel({ tpm: 12_000 })).toBe(2);
    expect(parallel({ tpm: 100 })).toBe(1);
    expect(parallel({})).toBe(10);
  });
});
