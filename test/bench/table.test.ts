/** The docs performance table: built from a report, placed between its markers, the rest of the page untouched. */
import { describe, expect, it } from 'vitest';
import { benchTable, replaceTable, TABLE_END, TABLE_START } from '../../bench/table.js';

const report = {
  machine: { date: '2026-12-06T10:00:00.000Z', cpu: 'AMD EPYC', cores: 2, memoryGb: 23.5, loadAverage: [1.5, 1, 0.5], node: 'v20.20.2', commit: 'abcdef0123456789', dirty: false },
  runs: 3,
  full: true,
  results: {
    'simulate-fallback-1m': {
      requests: 1_000_000,
      workers: 2,
      requestsPerS: { median: 400_000, range: [390_000, 410_000] },
      engineAloneRequestsPerS: { median: 800_000, range: [780_000, 820_000] },
      e2eOverEngineAlone: { median: 0.595, range: [0.58, 0.61] },
      engineInWorkerRequestsPerS: { median: 500_000, range: [480_000, 520_000] },
      e2eOverEngineInWorker: { median: 0.8, range: [0.75, 0.85] },
      target: 0.6,
      met: false,
      loadAverageBefore: [1.5, 1, 0.5],
      loadAverageAfter: [1.75, 1, 0.5],
    },
  },
};

describe('bench table', () => {
  it('states each figure with its same-run ceiling, ratio, target, met and load', () => {
    const t = benchTable(report);
    expect(t).toContain('AMD EPYC (2 cores, 23.5 GB), Node v20.20.2, commit abcdef0123; load average at start 1.5 / 1 / 0.5');
    expect(t).toContain('One full `npm run bench`, 3 runs per arm');
    expect(t).toContain('| simulate-fallback-1m | end to end, 1 strategy, 1,000,000 requests → DuckDB, default (2 workers) (req/s) | 400,000 [390,000–410,000] | engine alone, null sink: 800,000 [780,000–820,000] | 0.595 [0.580–0.610] | ≥ 0.6 of engine alone | **no** | 1.5 → 1.75 |');
    expect(t).toContain('| simulate-fallback-1m | the engine alone in a fresh simulate worker, batches dropped: the default without DuckDB (req/s) | 500,000 [480,000–520,000] |  | end to end = 0.800 [0.750–0.850] of it | — |  | 1.5 → 1.75 |');
    expect(t).toContain('| compare-100k | not in this report |');
  });

  it('replaces only the text between the markers', () => {
    const doc = `# Perf\n\nintro\n\n${TABLE_START}\nold table\n${TABLE_END}\n\n## Method\ntext\n`;
    const out = replaceTable(doc, 'NEW');
    expect(out).toBe(`# Perf\n\nintro\n\n${TABLE_START}\nNEW\n${TABLE_END}\n\n## Method\ntext\n`);
    expect(replaceTable('# Perf\n', 'T')).toBe(`# Perf\n\n${TABLE_START}\nT\n${TABLE_END}\n`);
  });
});
