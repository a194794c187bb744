import { describe, expect, it } from 'vitest';
import { syntheticSchema } from '../../src/scenario/schema-traffic.js';
import { syntheticTraffic } from '../../src/traffic/synthetic.js';
import { newTrafficStats, TRAFFIC_BATCH, type TrafficRequest, type TrafficStats } from '../../src/traffic/traffic-request.js';

/** Builds a spec the way a scenario does (schema defaults applied) and runs the generator. */
async function generate(input: Record<string, unknown>, seed = 1): Promise<{ batches: TrafficRequest[][]; requests: TrafficRequest[]; stats: TrafficStats }> {
  const spec = syntheticSchema.parse(input);
  const stats = newTrafficStats();
  const batches: TrafficRequest[][] = [];
  for await (const b of syntheticTraffic(spec, seed, stats)) batches.push(b);
  return { batches, requests: batches.flat(), stats };
}

function gaps(requests: readonly TrafficRequest[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < requests.length; i++) out.push(requests[i]!.arrivalMs - requests[i - 1]!.arrivalMs);
  return out;
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** |observed share − p| within 3 binomial standard deviations. */
function expectShare(count: number, n: number, p: number): void {
  const sigma = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(count / n - p)).toBeLessThanOrEqual(3 * sigma);
}

describe('determinism', () => {
  const spec = {
    arrival: { process: 'poisson', rate_per_s: 20 },
    count: 5000,
    stream: 0.5,
    cached_fraction: 0.1,
    tags: { project: { web: 3, batch: 1 }, team: { a: 1, b: 1 } },
  };

  it('same seed → identical requests', async () => {
    const a = await generate(spec, 42);
    const b = await generate(spec, 42);
    expect(a.requests).toHaveLength(5000);
    expect(b.requests).toEqual(a.requests);
    expect(a.stats).toEqual(b.stats);
  });

  it('different seed → different arrivals, tokens, flags and tags', async () => {
    const a = (await generate(spec, 42)).requests;
    const b = (await generate(spec, 43)).requests;
    const differ = (f: (r: TrafficRequest) => unknown) => a.filter((r, i) => f(r) !== f(b[i]!)).length;
    expect(differ((r) => r.arrivalMs)).toBeGreaterThan(4900);
    expect(differ((r) => r.inputTokens)).toBeGreaterThan(4500);
    expect(differ((r) => r.stream)).toBeGreaterThan(2000);
    expect(differ((r) => `${r.tags.project}/${r.tags.team}`)).toBeGreaterThan(2000);
  });
});

describe('arrivals', () => {
  it('poisson: mean rate within 3 sigma over 20k requests, exponential gaps (CV ≈ 1)', async () => {
    const n = 20_000;
    const { requests } = await generate({ arrival: { process: 'poisson', rate_per_s: 50 }, count: n }, 7);
    expect(requests[0]!.arrivalMs).toBe(0);
    const g = gaps(requests);
    const { mean, sd } = meanSd(g);
    // Mean gap 20 ms; for exponential gaps the standard error of the mean is 20/√(n−1).
    expect(Math.abs(mean - 20)).toBeLessThanOrEqual((3 * 20) / Math.sqrt(g.length));
    // Equivalently: the observed rate over the run.
    const rate = (g.length / requests[n - 1]!.arrivalMs) * 1000;
    expect(Math.abs(rate - 50)).toBeLessThanOrEqual(3 * (50 / Math.sqrt(g.length)) * 1.01);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.05);
    expect(g.every((x) => x > 0)).toBe(true);
  });

  it.each([
    [0.25, 2, 0.1],
    [1, 1, 0.05],
    [4, 0.5, 0.02],
  ])('gamma burstiness %d: inter-arrival CV near %d and mean gap within 3 sigma', async (k, cv, tolerance) => {
    const n = 40_000;
    const { requests } = await generate({ arrival: { process: 'gamma', rate_per_s: 50, burstiness: k }, count: n }, 11);
    const g = gaps(requests);
    const { mean, sd } = meanSd(g);
    expect(Math.abs(sd / mean - cv)).toBeLessThan(tolerance);
    expect(Math.abs(mean - 20)).toBeLessThanOrEqual((3 * cv * 20) / Math.sqrt(g.length));
    expect(g.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
  });

  it('constant: exact spacing', async () => {
    const { requests } = await generate({ arrival: { process: 'constant', rate_per_s: 4 }, count: 1000 });
    expect(requests.every((r, i) => r.arrivalMs === i * 250)).toBe(true);
    const thirds = (await generate({ arrival: { process: 'constant', rate_per_s: 3 }, count: 3001 })).requests;
    expect(thirds[3]!.arrivalMs).toBeCloseTo(1000, 9);
    expect(thirds[3000]!.arrivalMs).toBeCloseTo(1_000_000, 6);
    expect(gaps(thirds).every((x) => Math.abs(x - 1000 / 3) < 1e-6)).toBe(true);
  });
});

describe('stop conditions and batches', () => {
  it('count stops at exactly that many requests', async () => {
    const { requests, stats, batches } = await generate({ arrival: { process: 'poisson', rate_per_s: 5 }, count: 10 });
    expect(requests).toHaveLength(10);
    expect(batches).toHaveLength(1);
    expect(stats.rows).toBe(10);
  });

  it.each([
    [TRAFFIC_BATCH, [4096]],
    [TRAFFIC_BATCH + 1, [4096, 1]],
    [3 * TRAFFIC_BATCH - 5, [4096, 4096, 4091]],
  ])('count %d → batch sizes %j, indexes 0..n-1', async (count, sizes) => {
    const { batches, requests, stats } = await generate({ arrival: { process: 'poisson', rate_per_s: 100 }, count });
    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(requests.every((r, i) => r.index === i)).toBe(true);
    expect(stats.rows).toBe(count);
  });

  it('duration stops at that much traffic time (rate × duration requests; the end is exclusive)', async () => {
    const { requests } = await generate({ arrival: { process: 'constant', rate_per_s: 10 }, duration: '1s' });
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it('poisson over a duration: count within 3 sigma of rate × duration, all arrivals inside it', async () => {
    const { requests, stats } = await generate({ arrival: { process: 'poisson', rate_per_s: 20 }, duration: '10m' }, 3);
    const expected = 20 * 600;
    expect(Math.abs(requests.length - expected)).toBeLessThanOrEqual(3 * Math.sqrt(expected) + 1);
    expect(requests.at(-1)!.arrivalMs).toBeLessThanOrEqual(600_000);
    expect(stats.rows).toBe(requests.length);
    expect(requests.every((r, i) => i === 0 || r.arrivalMs >= requests[i - 1]!.arrivalMs)).toBe(true);
  });

  it('count and duration together: whichever comes first', async () => {
    const byCount = await generate({ arrival: { process: 'constant', rate_per_s: 10 }, duration: '1h', count: 5 });
    expect(byCount.requests.map((r) => r.arrivalMs)).toEqual([0, 100, 200, 300, 400]);
    const byDuration = await generate({ arrival: { process: 'constant', rate_per_s: 10 }, duration: '500ms', count: 1000 });
    expect(byDuration.requests.map((r) => r.arrivalMs)).toEqual([0, 100, 200, 300, 400]);
  });

  it('the schema refuses a generator with neither count nor duration', () => {
    expect(syntheticSchema.safeParse({ arrival: { process: 'poisson', rate_per_s: 1 } }).success).toBe(false);
  });
});

describe('requests', () => {
  it('lognormal tokens: p50 and p99 within tolerance (defaults 800/8000 in, 200/1500 out)', async () => {
    const n = 20_000;
    const { requests } = await generate({ arrival: { process: 'poisson', rate_per_s: 10 }, count: n }, 5);
    const input = requests.map((r) => r.inputTokens);
    const output = requests.map((r) => r.outputTokens);
    // Standard errors in log space: median ≈ 1.25σ/√n ≈ 0.009, p99 ≈ 0.026 (σ ≈ 0.99); 3 SE.
    expect(Math.abs(Math.log(quantile(input, 0.5) / 800))).toBeLessThan(0.03);
    expect(Math.abs(Math.log(quantile(input, 0.99) / 8000))).toBeLessThan(0.08);
    expect(Math.abs(Math.log(quantile(output, 0.5) / 200))).toBeLessThan(0.03);
    expect(Math.abs(Math.log(quantile(output, 0.99) / 1500))).toBeLessThan(0.08);
    expect(input.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
    expect(output.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
  });

  it('lognormal tokens are clamped to at least 1', async () => {
    const { requests } = await generate({ arrival: { process: 'poisson', rate_per_s: 10 }, count: 2000, input_tokens: { dist: 'lognormal', p50: 1, p99: 50 } });
    const ones = requests.filter((r) => r.inputTokens === 1).length;
    expect(requests.every((r) => r.inputTokens >= 1)).toBe(true);
    expect(ones).toBeGreaterThan(800); // P(round(x) ≤ 1) = P(x < 1.5) = Φ(ln 1.5 / σ) ≈ 0.6 with σ = ln 50 / 2.326
  });

  it('constant and uniform token distributions; cached tokens = floor(input × cached_fraction)', async () => {
    const n = 9000;
    const { requests } = await generate({
      arrival: { process: 'poisson', rate_per_s: 10 },
      count: n,
      input_tokens: { dist: 'uniform', min: 10, max: 12 },
      output_tokens: { dist: 'constant', value: 77 },
      cached_fraction: 0.25,
    });
    expect(requests.every((r) => r.outputTokens === 77)).toBe(true);
    for (const v of [10, 11, 12]) expectShare(requests.filter((r) => r.inputTokens === v).length, n, 1 / 3);
    expect(requests.every((r) => r.inputTokens >= 10 && r.inputTokens <= 12)).toBe(true);
    expect(requests.every((r) => r.cachedTokens === Math.floor(r.inputTokens * 0.25))).toBe(true);
  });

  it('tags: weighted shares within 3 sigma, zero weights never drawn, every key present', async () => {
    const n = 20_000;
    const { requests } = await generate(
      { arrival: { process: 'poisson', rate_per_s: 10 }, count: n, tags: { project: { web: 3, batch: 1 }, team: { a: 1, b: 1, c: 2, z: 0 } } },
      9,
    );
    const count = (key: string, value: string) => requests.filter((r) => r.tags[key] === value).length;
    expectShare(count('project', 'web'), n, 0.75);
    expectShare(count('project', 'batch'), n, 0.25);
    expectShare(count('team', 'a'), n, 0.25);
    expectShare(count('team', 'b'), n, 0.25);
    expectShare(count('team', 'c'), n, 0.5);
    expect(count('team', 'z')).toBe(0);
    expect(requests.every((r) => Object.keys(r.tags).sort().join(',') === 'project,team')).toBe(true);
    // Keys are drawn independently: the joint share factorises.
    expectShare(requests.filter((r) => r.tags.project === 'batch' && r.tags.team === 'c').length, n, 0.125);
    expect(requests.every((r) => Object.isFrozen(r.tags))).toBe(true);
  });

  // BUG (src/traffic/synthetic.ts:62-80 tagSampler, with the tag-mix schema in
  // src/scenario/schema-traffic.ts): a tag whose weights are all 0 passes the schema and then
  // every request gets that key with the value undefined (not a string).
  it('a tag whose weights are all zero is refused by the schema or never yields undefined values', async () => {
    const input = { arrival: { process: 'poisson', rate_per_s: 10 }, count: 5, tags: { project: { web: 1 }, team: { a: 0, b: 0 } } };
    if (!syntheticSchema.safeParse(input).success) return;
    const { requests } = await generate(input);
    expect(requests.flatMap((r) => Object.values(r.tags)).filter((v) => typeof v !== 'string')).toEqual([]);
  });

  it('no tag mix → empty tags', async () => {
    const { requests } = await generate({ arrival: { process: 'poisson', rate_per_s: 10 }, count: 10 });
    expect(requests.every((r) => Object.keys(r.tags).length === 0)).toBe(true);
  });

  it.each([
    [0.3, 20_000],
    [0.5, 20_000],
  ])('stream share %d within 3 sigma', async (share, n) => {
    const { requests } = await generate({ arrival: { process: 'poisson', rate_per_s: 10 }, count: n, stream: share }, 13);
    expectShare(requests.filter((r) => r.stream).length, n, share);
  });

  it('stream 0 → never, 1 → always', async () => {
    const never = (await generate({ arrival: { process: 'poisson', rate_per_s: 10 }, count: 2000, stream: 0 })).requests;
    const always = (await generate({ arrival: { process: 'poisson', rate_per_s: 10 }, count: 2000, stream: 1 })).requests;
    expect(never.some((r) => r.stream)).toBe(false);
    expect(always.every((r) => r.stream)).toBe(true);
  });

  it('route comes from the spec (default "default")', async () => {
    expect((await generate({ arrival: { process: 'poisson', rate_per_s: 10 }, count: 3 })).requests.map((r) => r.route)).toEqual(['default', 'default', 'default']);
    expect((await generate({ arrival: { process: 'poisson', rate_per_s: 10 }, count: 2, route: 'chat' })).requests.map((r) => r.route)).toEqual(['chat', 'chat']);
  });
});
