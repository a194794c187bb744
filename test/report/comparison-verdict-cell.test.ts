/** compare's table: a metric with both values but no interval (p99 of 866 requests) is "not judged", not "no data". */
import { describe, expect, it } from 'vitest';
import { comparisonMarkdown } from '../../src/report/comparison-markdown.js';
import type { ComparisonRow } from '../../src/report/compare-runs.js';
import type { RunInfo } from '../../src/report/run-identity.js';

const info = (runId: string): RunInfo => ({ runNo: 1, runId, runGroup: 'g', scenario: 's', scenarioHash: 'h', strategy: runId, strategyUse: 'single', seed: 1, status: 'ok', source: ':memory:' });
const p99 = (candidate: number | null): ComparisonRow => ({
  metric: 'p99_latency_ms', label: 'p99 latency', unit: 'ms', direction: 'lower', method: 'bootstrap',
  baseline: 29_684, candidate, delta: candidate === null ? null : candidate - 29_684, deltaPct: null, ci: null, verdict: null,
  n: { baseline: 828, candidate: candidate === null ? 0 : 866 }, judged: true,
});

describe('comparison table verdict cell', () => {
  it('says "not judged" when both values exist without an interval, "no data" when a side has none', () => {
    const md = (row: ComparisonRow) => comparisonMarkdown({ baseline: info('a'), candidate: info('b'), rows: [row], resamples: 1000, seed: 1 });
    expect(md(p99(35_133))).toContain('| p99 latency | 29.7 s | 35.1 s | +5,449 ms | too little data | not judged |');
    expect(md(p99(null))).toContain('| p99 latency | 29.7 s | – | – | too little data | no data |');
  });
});

describe('overall line', () => {
  it('does not say "every 95% interval includes 0" when some metric has no interval, and names them', () => {
    const md = comparisonMarkdown({ baseline: info('a'), candidate: info('b'), rows: [p99(35_133), { ...p99(null), metric: 'p95_latency_ms', label: 'p95 latency' }], resamples: 1000, seed: 1 });
    expect(md).not.toContain('every 95% interval includes 0');
    expect(md).toContain('**Overall:** no significant difference where there is a 95% interval; no interval (too little data) for p99 latency, p95 latency');
  });
});
