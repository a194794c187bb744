import { describe, expect, it } from 'vitest';
import { floorNote, generatorCeiling, mockBoundWarnings, mockCeilingFromPoints, pointLags } from '../../src/load/rig-checks.js';
import type { PointRow } from '../../src/store/load-queries.js';

const point = (arm: string, loop: 'closed' | 'open', level: number, o: Partial<PointRow> = {}): PointRow => ({
  arm, loop, level, duration_ms: 1000, sent: 1000, ok: 1000, errors: 0, dropped: 0, late: 0, achieved_rps: 1000, p50_ms: 1, p90_ms: 2, p99_ms: 3, max_ms: 4,
  lag_p50_ms: null, lag_p99_ms: null, error_kinds: '{}', gateway_cpu_ms: null, gateway_rss_peak_mb: null, mock_cpu_ms: null, mock_requests: null, ...o,
});

describe('rig checks', () => {
  it('flags gateway points within 10% of the mock ceiling or of the direct capacity, not others', () => {
    const points = [
      point('gw', 'closed', 10, { achieved_rps: 5000, ok: 5000 }),
      point('gw', 'closed', 50, { achieved_rps: 9000, ok: 9000, mock_requests: 9500 }), // mock at 9,500/s of 10,000
      point('gw', 'closed', 100, { achieved_rps: 11_000, ok: 11_000, mock_requests: 8000 }), // 92% of direct 12,000
      point('direct', 'closed', 50, { achieved_rps: 12_000, ok: 12_000 }),
    ];
    const w = mockBoundWarnings(points, new Set(['gw']), 10_000, 12_000);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^gw at c=50: the mock served within 10% of its own ceiling \(10,000 req\/s per CPU core\)/);
    expect(w[1]).toMatch(/^gw at c=100: within 10% of the direct-to-mock capacity \(12,000 req\/s\)/);
    expect(mockBoundWarnings(points, new Set(['gw']), null, null)).toEqual([]);
  });

  it('puts the generator ceiling where its lag stays over 1 ms, and reports the worst lag below it', () => {
    const open = (level: number, lags: number[]) => lags.map((l, i) => point(`arm${i}`, 'open', level, { lag_p99_ms: l }));
    const sparseSlow = [...open(500, [1.4, 2.2]), ...open(1000, [0.6, 0.5]), ...open(4000, [0.58, 0.9])];
    expect(generatorCeiling(pointLags(sparseSlow))).toEqual({ lagLimitedAtRps: null, maxTestedRps: 4000, lagP99AtMaxMs: 0.58, worstBelowMs: 1.4, worstBelowAtRps: 500 });
    const saturating = [...open(1000, [0.4]), ...open(8000, [1.5, 3]), ...open(16000, [9])];
    expect(generatorCeiling(pointLags(saturating))).toMatchObject({ lagLimitedAtRps: 8000, worstBelowMs: 0.4 });
    expect(generatorCeiling([])).toMatchObject({ lagLimitedAtRps: null, maxTestedRps: null });
  });

  it('estimates the mock ceiling from /proc CPU only over points that used enough CPU', () => {
    expect(mockCeilingFromPoints([point('d', 'closed', 1, { mock_cpu_ms: 50, ok: 999 }), point('d', 'closed', 2, { mock_cpu_ms: 500, ok: 10_000 })])).toBe(20_000);
    expect(mockCeilingFromPoints([point('d', 'closed', 1, { mock_cpu_ms: 20 })])).toBeNull();
  });

  it('notes p99 bounds the direct arm itself never met', () => {
    expect(floorNote([point('direct', 'closed', 1, { p99_ms: 1.4 }), point('direct', 'closed', 2, { p99_ms: 2 })], 'direct', [1, 5])).toMatch(/best p99 was 1\.40 ms, so p99 ≤ 1 ms cannot be met/);
    expect(floorNote([point('direct', 'closed', 1, { p99_ms: 0.8 })], 'direct', [1, 5])).toBeNull();
  });
});
