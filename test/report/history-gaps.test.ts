/**
 * The history chart does not join a strategy's line across a run group it is missing from: the
 * line breaks there. Checked on the drawn SVG: the number of separate pieces of each line.
 */
import { describe, expect, it } from 'vitest';
import { historyTrendChart } from '../../src/report/charts/history-trend.js';
import { chartSvg } from '../../src/report/render-chart.js';
import type { HistoryRow } from '../../src/store/history-queries.js';

const row = (run_group: string, i: number, strategy: string, success_rate: number): HistoryRow => ({
  run_group, started_at: `2026-12-0${i}T10:00:00Z`, commit: `c${i}`, strategy, requests: 1000, success_rate, p95_latency_ms: 900 + i, cost_per_1k_usd: 2 + i / 10,
});

describe('history chart with a strategy missing from a run group', () => {
  it('draws its line in two pieces, the other strategy\'s in one', async () => {
    const rows = [row('g1', 1, 'a', 0.99), row('g1', 1, 'b', 0.98), row('g2', 2, 'b', 0.97), row('g3', 3, 'a', 0.95), row('g3', 3, 'b', 0.96)];
    const svg = await chartSvg(historyTrendChart(rows, ['a', 'b'], []));
    const lines = [...svg.matchAll(/aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="line mark" d="([^"]+)"/g)].map((m) => ({ label: m[1]!, pieces: m[2]!.split('M').filter(Boolean).length }));
    // three panels (success, p95, cost), one line per strategy in each
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(l.pieces, l.label).toBe(l.label.includes('strategy: a') ? 2 : 1);
  });
});
