/**
 * What an arm adds to the direct path, per overhead cell (concurrency × plain/streamed): the paired
 * differences of latency p50, p99 and mean, and for streams of TTFT p50/p99 and of the largest gap
 * between chunks (p99 over requests), each with a seeded bootstrap 95% interval over the pairs.
 * Pairs are read from DuckDB already matched (both requests of a pair succeeded); errors and stalls
 * per side come from the same table.
 */
import { Rng } from '../rng.js';
import { pairedDiff, type PairedStatistic } from '../report/stats/paired-bootstrap.js';
import type { Store } from '../store/open-store.js';
import { overheadCounts, overheadPairs, type OverheadResultRow } from '../store/load-queries.js';

interface Metric {
  name: string;
  column: string;
  stat: PairedStatistic;
  streamOnly?: boolean;
}

export const OVERHEAD_METRICS: readonly Metric[] = [
  { name: 'latency_p50', column: 'latency_us', stat: 0.5 },
  { name: 'latency_p99', column: 'latency_us', stat: 0.99 },
  { name: 'latency_mean', column: 'latency_us', stat: 'mean' },
  { name: 'ttft_p50', column: 'ttft_us', stat: 0.5, streamOnly: true },
  { name: 'ttft_p99', column: 'ttft_us', stat: 0.99, streamOnly: true },
  { name: 'max_gap_p99', column: 'max_gap_us', stat: 0.99, streamOnly: true },
];

export async function overheadResults(store: Store, runId: string, seed: number, resamples: number): Promise<OverheadResultRow[]> {
  const out: OverheadResultRow[] = [];
  for (const cell of await overheadCounts(store, runId)) {
    for (const m of OVERHEAD_METRICS) {
      if (m.streamOnly && !cell.stream) continue;
      const pairs = await overheadPairs(store, runId, cell.arm, cell.concurrency, cell.stream, m.column);
      const rng = Rng.derive(seed, `overhead/${cell.arm}/${cell.concurrency}/${cell.stream}/${m.name}`);
      const d = pairedDiff(pairs.direct, pairs.arm, m.stat, resamples, rng);
      out.push({
        arm: cell.arm,
        concurrency: cell.concurrency,
        stream: cell.stream,
        metric: m.name,
        direct_us: d?.direct ?? null,
        arm_us: d?.arm ?? null,
        added_us: d?.delta ?? null,
        lo_us: d?.lo ?? null,
        hi_us: d?.hi ?? null,
        pairs: pairs.direct.length,
        direct_errors: cell.direct_errors,
        arm_errors: cell.arm_errors,
        direct_stalls: cell.direct_stalls,
        arm_stalls: cell.arm_stalls,
      });
    }
  }
  return out;
}
