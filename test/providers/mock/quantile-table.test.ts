/** Empirical quantile tables in the mock: draws follow the table, and a calibration that says "empirical" writes one. */
import { describe, expect, it } from 'vitest';
import { tableQuantile } from '../../../src/providers/mock/mock-model.js';
import { runYaml } from '../../helpers/run-yaml.js';

describe('tableQuantile', () => {
  it('interpolates between levels (i+1)/(n+1) and holds flat beyond', () => {
    const t = [10, 20, 40]; // at levels 0.25, 0.5, 0.75
    expect(tableQuantile(t, 0.25)).toBe(10);
    expect(tableQuantile(t, 0.5)).toBe(20);
    expect(tableQuantile(t, 0.625)).toBe(30);
    expect(tableQuantile(t, 0.1)).toBe(10);
    expect(tableQuantile(t, 0.99)).toBe(40);
  });
});

describe('a target with ttft_quantiles_ms', () => {
  it('draws TTFTs whose quantiles follow the table (a bimodal one no lognormal could give)', async () => {
    // 199 levels: half the mass near 200 ms, half near 2,000 ms
    const table = Array.from({ length: 199 }, (_, i) => ((i + 1) / 200 < 0.5 ? 180 + (i / 99) * 40 : 1900 + ((i - 99) / 99) * 200));
    const ran = await runYaml(`name: q
seed: 2
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 50 }, count: 20000, stream: 1, input_tokens: { dist: constant, value: 100 }, output_tokens: { dist: constant, value: 10 } } }
targets:
  t: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_quantiles_ms: [${table.map((v) => v.toFixed(3)).join(', ')}] } }
strategies:
  s: { use: single, options: { target: t } }
`);
    const [r] = await ran.store.all<{ q: number[] }>(`SELECT quantile_cont(ttft_ms, [0.1, 0.25, 0.45, 0.55, 0.75, 0.9]) AS q FROM requests WHERE run_no = ${ran.run('s')}`);
    const want = [0.1, 0.25, 0.45, 0.55, 0.75, 0.9].map((u) => tableQuantile(table, u));
    r!.q.map(Number).forEach((v, i) => expect(Math.abs(v / want[i]! - 1), `level ${i}: ${v} vs ${want[i]}`).toBeLessThan(0.03));
    await ran.store.close();
  });
});
