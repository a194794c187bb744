/**
 * Analytic checks on large seeded runs: results must match what probability and arithmetic say,
 * computed independently of the engine.
 */
import { describe, expect, it } from 'vitest';
import { syntheticTraffic } from '../../src/traffic/synthetic.js';
import { newTrafficStats } from '../../src/traffic/traffic-request.js';
import { syntheticSchema } from '../../src/scenario/schema-traffic.js';
import { runYaml } from '../helpers/run-yaml.js';

const threeSigma = (p: number, n: number) => 3 * Math.sqrt((p * (1 - p)) / n);

function yaml(count: number, targets: string, strategies: string, traffic = '') {
  return `
name: analytic
seed: 11
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 200 }
    count: ${count}
    input_tokens: { dist: lognormal, p50: 400, p99: 3000 }
    output_tokens: { dist: lognormal, p50: 80, p99: 600 }
    cached_fraction: 0.2
    stream: 0.5
${traffic}
targets:
${targets}
strategies:
${strategies}`;
}

describe('analytic checks', () => {
  it('fallback over two independent targets succeeds at 1 - p1·p2 (3 sigma, 100k requests)', async () => {
    const p1 = 0.2;
    const p2 = 0.3;
    const n = 100_000;
    const { store, run } = await runYaml(
      yaml(
        n,
        `  a: { provider: x, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: ${p1} } } }
  b: { provider: y, model: gpt-4o-mini, mock: { profile: perfect, errors: { unavailable: ${p2} } } }`,
        `  fb: { use: fallback, options: { targets: [a, b] } }`,
      ),
    );
    const [row] = await store.all<{ s: number; first_ok: number }>(
      `SELECT avg(success::INTEGER) AS s, avg((attempts = 1 AND success)::INTEGER) AS first_ok FROM requests WHERE run_no = ${run('fb')}`,
    );
    const expected = 1 - p1 * p2;
    expect(Math.abs(row!.s - expected)).toBeLessThan(threeSigma(expected, n));
    expect(Math.abs(row!.first_ok - (1 - p1))).toBeLessThan(threeSigma(1 - p1, n));
    store.close();
  });

  it('weighted shares match the weights (3 sigma)', async () => {
    const n = 60_000;
    const { store, run } = await runYaml(
      yaml(
        n,
        `  a: { provider: x, model: gpt-4o-mini, mock: { profile: perfect } }
  b: { provider: y, model: gpt-4o-mini, mock: { profile: perfect } }
  c: { provider: z, model: gpt-4o-mini, mock: { profile: perfect } }`,
        `  w: { use: weighted, options: { targets: [{ target: a, weight: 5 }, { target: b, weight: 3 }, { target: c, weight: 2 }] } }`,
      ),
    );
    const rows = await store.all<{ target_no: number; share: number }>(
      `SELECT target_no, count(*) / sum(count(*)) OVER () AS share FROM attempts WHERE run_no = ${run('w')} GROUP BY target_no ORDER BY target_no`,
    );
    const weights = [0.5, 0.3, 0.2];
    expect(rows.map((r) => r.target_no)).toEqual([0, 1, 2]);
    rows.forEach((r, i) => expect(Math.abs(r.share - weights[i]!)).toBeLessThan(threeSigma(weights[i]!, n)));
    store.close();
  });

  it('cheapest never picks a pricier healthy target', async () => {
    const { store, run } = await runYaml(
      yaml(
        20_000,
        `  pricey: { provider: x, model: gpt-4o, mock: { profile: perfect } }
  cheap: { provider: y, model: gpt-4o-mini, mock: { profile: perfect } }
  mid: { provider: z, model: gpt-4.1-mini, mock: { profile: perfect } }`,
        `  c: { use: cheapest }`,
      ),
    );
    const rows = await store.all<{ target: string; n: number }>(
      `SELECT target, count(*)::INTEGER AS n FROM attempt_log WHERE run_no = ${run('c')} GROUP BY target`,
    );
    expect(rows).toEqual([{ target: 'cheap', n: 20_000 }]);
    store.close();
  });

  it('cost totals equal token counts × prices, computed independently', async () => {
    const n = 20_000;
    const { store, run, loaded } = await runYaml(
      yaml(
        n,
        `  a: { provider: x, model: m, price: { input: 3, output: 15, cached_input: 0.3 }, mock: { profile: perfect } }`,
        `  s: { use: single, options: { target: a } }`,
      ),
    );
    const spec = syntheticSchema.parse({ ...loaded.scenario.traffic.synthetic });
    let expected = 0;
    let tokensIn = 0;
    let tokensOut = 0;
    for await (const batch of syntheticTraffic(spec, loaded.scenario.seed, newTrafficStats())) {
      for (const r of batch) {
        expected += ((r.inputTokens - r.cachedTokens) * 3 + r.cachedTokens * 0.3 + r.outputTokens * 15) / 1e6;
        tokensIn += r.inputTokens;
        tokensOut += r.outputTokens;
      }
    }
    const [row] = await store.all<{ cost: number; tin: number; tout: number; ok: number }>(
      `SELECT sum(cost_usd) AS cost, sum(tokens_in)::BIGINT AS tin, sum(tokens_out)::BIGINT AS tout, count(*) FILTER (WHERE outcome = 'ok')::INTEGER AS ok FROM attempts WHERE run_no = ${run('s')}`,
    );
    expect(row!.ok).toBe(n);
    expect(row!.tin).toBe(tokensIn);
    expect(row!.tout).toBe(tokensOut);
    expect(row!.cost).toBeCloseTo(expected, 6);
    store.close();
  });

  it('failed HTTP attempts are free, and a failover request pays only for the attempt that answered', async () => {
    const { store, run } = await runYaml(
      yaml(
        5000,
        `  a: { provider: x, model: gpt-4o, mock: { profile: perfect, errors: { server_error: 1 } } }
  b: { provider: y, model: gpt-4o-mini, mock: { profile: perfect } }`,
        `  fb: { use: fallback, options: { targets: [a, b] } }`,
      ),
    );
    const [row] = await store.all<{ failed_cost: number; failovers: number; n: number }>(
      `SELECT sum(a.cost_usd) FILTER (WHERE a.outcome = 'error') AS failed_cost, count(*) FILTER (WHERE r.failover)::INTEGER AS failovers, count(*)::INTEGER AS n
       FROM attempts a JOIN requests r USING (run_no, request_no) WHERE run_no = ${run('fb')} AND a.attempt_no = 0`,
    );
    expect(row).toEqual({ failed_cost: 0, failovers: 5000, n: 5000 });
    store.close();
  });
});
