/** fitTarget's 199 quantiles (one sort, interpolated in JS) equal DuckDB's quantile_cont over the same sample. */
import { describe, expect, it } from 'vitest';
import { fitTarget, LEVELS } from '../../src/calibrate/fit-target.js';
import { openStore } from '../../src/store/open-store.js';
import { Rng } from '../../src/rng.js';

describe('fit quantiles', () => {
  it('match quantile_cont at every level', async () => {
    const store = await openStore(':memory:');
    await store.run(`CREATE TEMP TABLE obs (t_ms DOUBLE, route VARCHAR, dialect VARCHAR, input_tokens BIGINT, cached_tokens BIGINT, output_tokens BIGINT, stream BOOLEAN, ok BOOLEAN,
      status INTEGER, error_kind VARCHAR, latency_ms DOUBLE, ttft_ms DOUBLE, target VARCHAR, retry_after_ms DOUBLE, tokens_estimated BOOLEAN, attempts INTEGER, upstream BOOLEAN, target_id VARCHAR)`);
    const rng = new Rng(5, 5);
    const rows = Array.from({ length: 1237 }, (_, i) => `(${i * 10}, 'm', 'openai', 100, 0, 50, true, true, 200, NULL, ${(2000 + rng.next() * 1000).toFixed(3)}, ${(300 * Math.exp(rng.normal())).toFixed(3)}, 'x', NULL, false, NULL, false, 'x')`);
    await store.run(`INSERT INTO obs VALUES ${rows.join(',')}`);
    const fit = await fitTarget(store, 'x', 'false');
    const [ref] = await store.all<{ q: number[] }>(`SELECT quantile_cont(ttft_ms, [${LEVELS.join(',')}]) AS q FROM obs`);
    expect(fit.ttft!.quantiles.length).toBe(199);
    fit.ttft!.quantiles.forEach((v, i) => expect(v).toBeCloseTo(Number(ref!.q[i]), 6));
    store.close();
  });
});
