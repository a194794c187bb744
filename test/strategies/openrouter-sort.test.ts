import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { RollingWindow } from '../../src/strategies/openrouter/stats.js';
import { build, endpoints, reasons, successes, tryAll } from './openrouter-helpers.js';

/** in-heavy: cheap output; out-heavy: cheap input; flat: $2 for every token. */
const MIX = endpoints([
  ['flat', 'flat', 'm', 2],
  ['cheap-out', 'co', 'm', { input: 4, output: 0.5 }],
  ['cheap-in', 'ci', 'm', { input: 0.5, output: 4 }],
]);

describe('openrouter: sort', () => {
  it('price: cheapest first for this request’s token mix, no randomness', () => {
    const h = build({ provider: { sort: 'price' } }, MIX);
    expect(tryAll(h, { inputTokens: 10_000, outputTokens: 100 }).ids).toEqual(['cheap-in', 'flat', 'cheap-out']);
    expect(tryAll(h, { inputTokens: 100, outputTokens: 10_000 }).ids).toEqual(['cheap-out', 'flat', 'cheap-in']);
    expect(reasons(tryAll(h).decisions)[0]).toMatch(/^openrouter: \S+ \(sorted by price\)$/);
  });

  it('throughput: highest observed p50 output tokens/s first; unsampled endpoints first of all', () => {
    const h = build({ provider: { sort: 'throughput' } });
    successes(h, 0, 1000, [{ tps: 40 }, { tps: 50 }, { tps: 60 }]);
    successes(h, 1, 1000, [{ tps: 150 }, { tps: 10 }, { tps: 140 }]);
    h.now = 1000;
    expect(tryAll(h).ids).toEqual(['C', 'B', 'A']);
    successes(h, 2, 1000, [{ tps: 90 }]);
    expect(tryAll(h).ids).toEqual(['B', 'C', 'A']);
    expect(reasons(tryAll(h).decisions)[0]).toBe('openrouter: B (sorted by throughput)');
  });

  it('latency: lowest observed p50 time to first token first (whole duration without a first token)', () => {
    const h = build({ provider: { sort: { by: 'latency' } } });
    successes(h, 0, 1000, [{ ttft: 900 }, { ttft: 800 }, { ttft: 5000 }]);
    successes(h, 1, 1000, [{ ttft: 300 }, { ttft: 9000 }, { ttft: 9000 }]);
    successes(h, 2, 1000, [{ ms: 500 }]);
    h.now = 1000;
    expect(tryAll(h).ids).toEqual(['C', 'A', 'B']);
  });

  it('statistics roll: samples older than 5 minutes no longer count', () => {
    const h = build({ provider: { sort: 'latency' } });
    successes(h, 0, 0, [{ ttft: 5000 }, { ttft: 5000 }]);
    successes(h, 1, 0, [{ ttft: 3000 }]);
    successes(h, 2, 0, [{ ttft: 4000 }]);
    successes(h, 0, 299_000, [{ ttft: 10 }]);
    h.now = 299_000;
    expect(tryAll(h).ids).toEqual(['B', 'C', 'A']);
    h.now = 305_000;
    successes(h, 1, h.now, [{ ttft: 3000 }]);
    successes(h, 2, h.now, [{ ttft: 4000 }]);
    expect(tryAll(h).ids).toEqual(['A', 'B', 'C']);
  });

  it('partition model (default): the primary model’s endpoints first; none: sorted across models', () => {
    const t = endpoints([
      ['slow-1', 'a', 'm1', 1],
      ['slow-2', 'b', 'm1', 1],
      ['fast', 'c', 'm2', 1],
    ]);
    const feed = (h: ReturnType<typeof build>) => {
      successes(h, 0, 0, [{ ttft: 2000 }]);
      successes(h, 1, 0, [{ ttft: 1500 }]);
      successes(h, 2, 0, [{ ttft: 100 }]);
    };
    const byModel = build({ models: ['m1', 'm2'], provider: { sort: { by: 'latency', partition: 'model' } } }, t);
    const global = build({ models: ['m1', 'm2'], provider: { sort: { by: 'latency', partition: 'none' } } }, t);
    feed(byModel);
    feed(global);
    expect(tryAll(byModel).ids).toEqual(['slow-2', 'slow-1', 'fast']);
    expect(reasons(tryAll(byModel).decisions)[2]).toBe('openrouter: model fallback m2, fast (sorted by latency)');
    expect(tryAll(global).ids).toEqual(['fast', 'slow-2', 'slow-1']);
  });
});

describe('openrouter: max_price', () => {
  it('a hard filter on prompt and completion prices (numbers or decimal strings)', () => {
    const h = build({ provider: { max_price: { prompt: '2.5', completion: 2 } } });
    for (let i = 0; i < 50; i++) expect(tryAll(h).ids.sort()).toEqual(['A', 'B']);
    const mix = build({ provider: { max_price: { completion: 1 } } }, MIX);
    expect(tryAll(mix).ids).toEqual(['cheap-out']);
  });

  it('refuses the request when no endpoint qualifies', () => {
    const h = build({ provider: { max_price: { prompt: 0.5, completion: 0.5, request: 0.01 } } });
    expect(tryAll(h).decisions).toEqual([{ type: 'stop', reason: 'openrouter: no endpoint within provider.max_price' }]);
  });
});

describe('openrouter: preferred_max_latency / preferred_min_throughput', () => {
  it('a slow endpoint is moved to the end but still used when the others fail', () => {
    const h = build({ provider: { sort: 'price', preferred_max_latency: 2 } });
    successes(h, 0, 0, [{ ttft: 2500 }, { ttft: 3000 }, { ttft: 1000 }]);
    successes(h, 1, 0, [{ ttft: 1900 }]);
    const run = tryAll(h);
    expect(run.ids).toEqual(['B', 'C', 'A']);
    expect(reasons(run.decisions)).toEqual([
      'openrouter: B (sorted by price)',
      'openrouter: C (sorted by price)',
      'openrouter: A moved to the end (misses preferred_max_latency)',
      'openrouter: every endpoint tried',
    ]);
  });

  it('percentile cutoffs: every given one must hold', () => {
    const slowTail = [...Array.from({ length: 7 }, () => ({ ttft: 500 })), { ttft: 9000 }, { ttft: 9000 }, { ttft: 9000 }];
    const p50 = build({ provider: { sort: 'price', preferred_max_latency: { p50: 1 } } });
    const p90 = build({ provider: { sort: 'price', preferred_max_latency: { p50: 1, p90: 3, p99: null } } });
    successes(p50, 0, 0, slowTail);
    successes(p90, 0, 0, slowTail);
    expect(tryAll(p50).ids).toEqual(['A', 'B', 'C']);
    expect(tryAll(p90).ids).toEqual(['B', 'C', 'A']);
  });

  it('throughput pN is the rate N% of requests reach: {p90: 50} needs the 10th percentile ≥ 50 tok/s', () => {
    const h = build({ provider: { sort: 'price', preferred_min_throughput: { p90: 50 } } });
    successes(h, 0, 0, [...Array.from({ length: 8 }, () => ({ tps: 200 })), { tps: 20 }, { tps: 20 }]);
    successes(h, 1, 0, Array.from({ length: 10 }, () => ({ tps: 60 })));
    expect(tryAll(h).ids).toEqual(['B', 'C', 'A']);
    expect(reasons(tryAll(h).decisions)[2]).toBe('openrouter: A moved to the end (misses preferred_min_throughput)');
    const p50 = build({ provider: { sort: 'price', preferred_min_throughput: 50 } });
    successes(p50, 0, 0, [...Array.from({ length: 8 }, () => ({ tps: 200 })), { tps: 20 }, { tps: 20 }]);
    expect(tryAll(p50).ids).toEqual(['A', 'B', 'C']);
  });

  it('with default load balancing too, and across models: a fallback model that meets it goes first', () => {
    const lb = build({ provider: { preferred_max_latency: 1 } });
    successes(lb, 0, 0, [{ ttft: 4000 }]);
    for (let i = 0; i < 30; i++) expect(tryAll(lb).ids.at(-1)).toBe('A');
    const t = endpoints([
      ['primary', 'a', 'm1', 1],
      ['other', 'b', 'm2', 1],
    ]);
    const models = build({ model: 'm1', models: ['m2'], provider: { preferred_max_latency: 1 } }, t);
    successes(models, 0, 0, [{ ttft: 4000 }]);
    expect(tryAll(models).ids).toEqual(['other', 'primary']);
  });
});

describe('openrouter: model fallbacks', () => {
  const t = endpoints([
    ['gpt-a', 'openai', 'gpt', 1],
    ['gpt-b', 'azure', 'gpt', 2],
    ['claude', 'anthropic', 'claude', 1],
    ['llama', 'together', 'llama', 0.1],
  ]);

  it('the model’s providers first (load balanced), then the next model’s; other models never', () => {
    const h = build({ model: 'gpt', models: ['claude'] }, t);
    for (let i = 0; i < 50; i++) {
      const run = tryAll(h);
      expect(run.ids.slice(0, 2).sort()).toEqual(['gpt-a', 'gpt-b']);
      expect(run.ids.slice(2)).toEqual(['claude']);
      expect(reasons(run.decisions)[2]).toBe('openrouter: model fallback claude, claude (price-weighted pick)');
    }
  });

  it('models alone: the first is the primary; allow_fallbacks: false keeps model fallbacks but no provider fallbacks', () => {
    expect(tryAll(build({ models: ['claude', 'llama'] }, t)).ids).toEqual(['claude', 'llama']);
    const h = build({ models: ['gpt', 'claude'], provider: { allow_fallbacks: false } }, t);
    for (let i = 0; i < 20; i++) expect(tryAll(h).ids).toHaveLength(2);
  });
});

describe('openrouter: rolling statistics', () => {
  it('quantiles are exact over the window (time and capacity bounded)', () => {
    const rng = new Rng(5);
    const w = new RollingWindow(1000, 16);
    const all: [number, number][] = [];
    let now = 0;
    for (let t = 0; t < 30_000; t = Math.max(now, t + 1 + rng.int(100))) {
      const v = rng.int(50);
      w.add(t, v);
      all.push([t, v]);
      now = t + rng.int(300);
      const live = all.filter(([at]) => at > now - 1000).slice(-16).map(([, x]) => x).sort((a, b) => a - b);
      expect(w.refresh(now)).toBe(live.length);
      for (const q of [0, 0.1, 0.5, 0.9, 1]) {
        const pos = q * (live.length - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(lo + 1, live.length - 1);
        expect(w.quantile(q)).toBe(live.length === 0 ? NaN : live[lo]! + (live[hi]! - live[lo]!) * (pos - lo));
      }
    }
  });
});
