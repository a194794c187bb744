/**
 * `calibrate`: from traces that carry observed outcomes, fit every target's mock behaviour and the
 * incidents it went through. A pure function of the traces: the same files give the same fit.
 * Incidents are found first, so that an outage's failures count as the incident and not as the
 * target's everyday error rate.
 */
import { openStore } from '../store/open-store.js';
import { inputError } from '../errors.js';
import { formatDuration } from '../scenario/duration.js';
import { bucketWidth, detectIncidents, type DetectedIncident } from './incidents.js';
import { fitTarget, type TargetFit } from './fit-target.js';
import { fitModels } from './fit-models.js';
import { loadObserved } from './observed-table.js';
import { fitRateLimit } from './rate-limits.js';

export interface Calibration {
  files: string[];
  calls: number;
  unobserved: number;
  /** Calls a gateway answered from its cache, left out. */
  cacheHits: number;
  /** Failed upstream attempts a gateway log listed before its answer, fitted as calls of their targets. */
  upstream: number;
  spanMs: number;
  /** Width of the time buckets incidents are found in (their resolution, unless refined). */
  bucketMs: number;
  /** Calls of the busiest target per bucket, on average (below ~20 an outage cannot be told from bad luck). */
  callsPerBucket: number;
  /** Target name → its id in the calibration file (distinct, valid scenario ids). */
  ids: Record<string, string>;
  targets: TargetFit[];
  incidents: DetectedIncident[];
}

/** The most incident buckets a span may have (a year at 30 s; ~100 MB while they are looked at). */
const MAX_BUCKETS = 1_100_000;

export async function calibrate(files: readonly string[], o: { bucketMs?: number } = {}): Promise<Calibration> {
  const store = await openStore(':memory:');
  try {
    const load = await loadObserved(store, files, { oneTimeline: true, upstreamAttempts: true });
    const [busiest] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM obs GROUP BY target ORDER BY 1 DESC LIMIT 1`);
    const bucketMs = o.bucketMs ?? bucketWidth(load.spanMs, busiest?.n);
    // Incidents are looked for in every bucket of the span: a span of years at 5-minute buckets (a
    // row far from the rest, arrival_ms written in ns) took gigabytes, or failed inside DuckDB.
    if (load.spanMs / bucketMs > MAX_BUCKETS)
      throw inputError('TRACE_SPAN', `${files.join(', ')}: the calls span ${formatDuration(Math.round(load.spanMs))}, ${Math.ceil(load.spanMs / bucketMs).toLocaleString('en-US')} incident buckets of ${formatDuration(bucketMs)}`, [], `look for a row far from the others or arrival_ms in other units (arrival_ms is ms from the start; the earliest and latest: jq -s 'map(.arrival_ms) | [min, max]'); or give a wider --bucket (at most ${MAX_BUCKETS.toLocaleString('en-US')} buckets)`);
    const incidents: DetectedIncident[] = [];
    const targets: TargetFit[] = [];
    for (const target of load.targets) {
      // 429s that follow load are the limit at work, not an incident: found first, over every call.
      const rateLimit = await fitRateLimit(store, target, 'false');
      const found = await detectIncidents(store, target, load.spanMs, bucketMs, rateLimit?.loadDriven ? ['rate_limited'] : []);
      incidents.push(...found);
      // Calls within an incident, or within its resolution of its edges, are the incident's: they
      // are neither everyday errors nor everyday latency.
      const excluded = found.length === 0 ? 'false' : found.map((i) => `(t_ms >= ${i.startMs - i.resolutionMs} AND t_ms < ${i.startMs + i.durationMs + i.resolutionMs})`).join(' OR ');
      const fit = await fitTarget(store, target, excluded, rateLimit);
      // A target that served several models: the ones with enough calls get fits of their own.
      targets.push({ ...fit, ...(await fitModels(store, fit, excluded)) });
    }
    return { files: [...files], calls: load.rows, unobserved: load.unobserved, cacheHits: load.cacheHits, upstream: load.upstream, spanMs: load.spanMs, bucketMs, callsPerBucket: load.spanMs > 0 ? ((busiest?.n ?? 0) * bucketMs) / load.spanMs : (busiest?.n ?? 0), ids: Object.fromEntries(load.ids), targets, incidents: incidents.sort((a, b) => a.startMs - b.startMs || (a.target < b.target ? -1 : 1)) };
  } finally {
    store.close();
  }
}
