import { describe, expect, it } from 'vitest';
import { outageOfAYaml, runYaml } from '../helpers/run-yaml.js';

describe('abort_on_fail thresholds', () => {
  it('stop the failing strategy early (after delay_abort_eval) while the others run to the end', async () => {
    const { result, store, run } = await runYaml(
      outageOfAYaml({
        count: 60_000,
        delay: '3m',
        others: `  late:
    use: single
    options: { target: a }
    thresholds:
      success_rate: [{ threshold: '> 0.9', abort_on_fail: true, delay_abort_eval: 1h }]
  fallback:
    use: fallback
    options: { targets: [a, b] }
    thresholds:
      success_rate: [{ threshold: '> 0.9', abort_on_fail: true }]`,
      }),
    );
    const single = result.runs.find((r) => r.strategy === 'single')!;
    expect(single.status).toBe('thresholds_failed');
    expect(single.abortedAtMs).toBeGreaterThanOrEqual(180_000);
    expect(single.requests).toBeLessThan(40_000);
    expect(single.thresholds).toEqual([expect.objectContaining({ metric: 'success_rate', passed: false, abortedAtMs: single.abortedAtMs })]);
    // the delay kept "late" running to the end; it fails its threshold only at the end
    const late = result.runs.find((r) => r.strategy === 'late')!;
    expect([late.status, late.requests, late.abortedAtMs]).toEqual(['thresholds_failed', 60_000, undefined]);
    const fallback = result.runs.find((r) => r.strategy === 'fallback')!;
    expect([fallback.status, fallback.requests]).toEqual(['ok', 60_000]);
    const [stored] = await store.all<{ passed: boolean }>(`SELECT passed FROM threshold_results WHERE run_no = ${run('single')}`);
    expect(stored).toEqual({ passed: false });
    store.close();
  });
});
