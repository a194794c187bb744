/** Opens the traffic a scenario describes: a trace reader or the seeded synthetic generator. */
import type { TrafficSpec } from '../scenario/schema-traffic.js';
import { readTrace } from './read-trace.js';
import { syntheticTraffic } from './synthetic.js';
import { newTrafficStats, type TrafficRequest, type TrafficStats } from './traffic-request.js';

export interface OpenedTraffic {
  batches: AsyncGenerator<TrafficRequest[]>;
  stats: TrafficStats;
  /** One line for progress output, e.g. "trace fixtures/x.jsonl (azure)". */
  describe: string;
}

export interface TrafficOverrides {
  onBadRow?: 'fail' | 'skip';
  limit?: number;
}

export function openTraffic(spec: TrafficSpec, seed: number, trace: { path?: string; format?: string }, o: TrafficOverrides = {}): OpenedTraffic {
  const stats = newTrafficStats();
  if (spec.trace) {
    const t = spec.trace;
    return {
      stats,
      describe: `trace ${t.path} (${trace.format})`,
      batches: readTrace(
        {
          file: trace.path!,
          format: trace.format!,
          speedup: t.speedup,
          startMs: t.start,
          endMs: t.end,
          limit: o.limit ?? t.limit,
          onBadRow: o.onBadRow ?? t.on_bad_row,
          route: t.route,
          streamFraction: t.stream,
          tags: t.tags,
          seed,
        },
        stats,
      ),
    };
  }
  const s = spec.synthetic!;
  const limited = o.limit !== undefined ? { ...s, count: Math.min(s.count ?? Infinity, o.limit) } : s;
  return {
    stats,
    describe: `synthetic ${s.arrival.process} arrivals at ${s.arrival.rate_per_s}/s`,
    batches: syntheticTraffic(limited, seed, stats),
  };
}
