/**
 * Incident windows found in observed calls as change points, per target: time buckets whose
 * error share is far above the target's baseline (a binomial tail below 1e-4 and at least 10
 * points higher), or whose median TTFT (latency for unstreamed traffic) is 1.5× the usual with a
 * sign test below 1e-4; a run of buckets each 10+ points over the baseline (or each with a median
 * 1.5× the usual) is flagged when its calls pooled pass the same test. Neighbouring flagged buckets form one incident. An outage (90%+ failed)
 * has its edges refined call by call (between the last success and the first failure, and back);
 * other incidents are as precise as the bucket width. Each incident carries log10 of the bound on
 * its p-value as its confidence.
 */
import type { Store } from '../store/open-store.js';
import { sqlString } from '../store/select-runs.js';
import { log10UpperTail } from '../stats/distributions.js';

export interface DetectedIncident {
  target: string;
  kind: 'outage' | 'error_rate' | 'latency';
  startMs: number;
  durationMs: number;
  /** Share of calls that failed inside the window (error incidents). */
  rate?: number;
  /** Error kinds and their counts inside the window. */
  errors?: Record<string, number>;
  latencyMultiplier?: number;
  calls: number;
  failed: number;
  /** log10 of an upper bound on the chance of this much excess under the baseline (e.g. -12). */
  log10P: number;
  /** How precisely start and end are known, ms. */
  resolutionMs: number;
}

interface Bucket {
  b: number;
  n: number;
  e: number;
  ok: number;
  /** Successful calls that have the latency measure (streams for TTFT). */
  lok: number;
  med: number | null;
}

const SIGNIFICANT = -4;

/**
 * A round bucket width giving about 240 buckets over the span, between 1 s and 5 min, and wide
 * enough that the busiest target has about 20 calls in a bucket (fewer cannot tell an outage from
 * bad luck).
 */
export function bucketWidth(spanMs: number, calls = Infinity): number {
  const raw = Math.min(Math.max(spanMs / 240, (20 * spanMs) / calls, 1000), 300_000);
  const pow = 10 ** Math.floor(Math.log10(raw));
  // rounded up to 1, 2 or 5 × a power of ten, but never past 5 min (300 s rounded up was 500 s)
  return Math.min([1, 2, 5, 10].map((m) => m * pow).find((w) => w >= raw)!, 300_000);
}

/** Runs of flagged buckets (a one-bucket gap is bridged). */
function segments(flags: boolean[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue;
    const last = out[out.length - 1];
    if (last && i - last[1] <= 2) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/**
 * A run of neighbouring raised buckets (one bucket between two that is not raised counted in) is
 * flagged when its pooled calls are significant: a moderate error rate over many buckets (40% for
 * 30 s over a 5% baseline, 8 of 20 calls a bucket) or a latency shift (1.8× for a minute, 16 to 18
 * of 20 calls a bucket above the usual median) is not significant in most single buckets, but is
 * over the run. `joinFlagged`: buckets flagged on their own are part of a run (latency); else a run
 * stops at them (errors, whose flagged runs have their edges refined call by call).
 */
function flagPooledRuns(flags: boolean[], raised: (i: number) => boolean, significant: (from: number, to: number) => boolean, joinFlagged = false): void {
  const up = (i: number) => (joinFlagged && flags[i]) || (!flags[i] && raised(i));
  for (let i = 0; i < flags.length; i++) {
    if (!up(i)) continue;
    let j = i;
    for (;;) {
      if (j + 1 < flags.length && up(j + 1)) j++;
      else if (j + 2 < flags.length && !flags[j + 1] && up(j + 2)) j += 2;
      else break;
    }
    if (j > i && significant(i, j)) for (let x = i; x <= j; x++) flags[x] = true;
    i = j;
  }
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

/** `ignoreKinds`: error kinds that are not incidents for this target (429s of a rate limit that follows load). */
export async function detectIncidents(store: Store, target: string, spanMs: number, widthMs = bucketWidth(spanMs), ignoreKinds: readonly string[] = []): Promise<DetectedIncident[]> {
  const t = sqlString(target);
  const failed = ignoreKinds.length === 0 ? 'NOT ok' : `(NOT ok AND error_kind NOT IN (${ignoreKinds.map(sqlString).join(', ')}))`;
  const [streams] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM obs WHERE target = ${t} AND stream AND ttft_ms IS NOT NULL`);
  const lat = (streams?.n ?? 0) > 0 ? 'ttft_ms' : 'latency_ms';
  const rows = await store.all<Bucket>(`
    SELECT floor(t_ms / ${widthMs})::INTEGER AS b, count(*)::INTEGER AS n, count(*) FILTER (WHERE ${failed})::INTEGER AS e,
      count(*) FILTER (WHERE ok)::INTEGER AS ok, count(${lat}) FILTER (WHERE ok)::INTEGER AS lok, median(${lat}) FILTER (WHERE ok) AS med
    FROM obs WHERE target = ${t} GROUP BY 1 ORDER BY 1`);
  const count = Math.floor(spanMs / widthMs) + 1;
  const buckets: Bucket[] = Array.from({ length: count }, (_, b) => ({ b, n: 0, e: 0, ok: 0, lok: 0, med: null }));
  for (const r of rows) buckets[r.b] = r;
  const out: DetectedIncident[] = [];

  // Error incidents: baseline from the buckets not flagged (two passes).
  let p0 = sum(rows, (r) => r.e) / Math.max(1, sum(rows, (r) => r.n));
  let flags: boolean[] = [];
  for (let pass = 0; pass < 2; pass++) {
    flags = buckets.map((k) => k.n > 0 && k.e / k.n >= p0 + 0.1 && log10UpperTail(k.e, k.n, p0) < SIGNIFICANT);
    flagPooledRuns(flags, (i) => buckets[i]!.n > 0 && buckets[i]!.e / buckets[i]!.n >= p0 + 0.1, (i, j) => {
      const run = buckets.slice(i, j + 1);
      const [e, n] = [sum(run, (k) => k.e), sum(run, (k) => k.n)];
      return e / n >= p0 + 0.1 && log10UpperTail(e, n, p0) < SIGNIFICANT;
    });
    const clean = buckets.filter((k, i) => !flags[i]);
    p0 = sum(clean, (k) => k.e) / Math.max(1, sum(clean, (k) => k.n));
  }
  for (const [i, j] of segments(flags)) {
    let startMs = i * widthMs;
    let endMs = (j + 1) * widthMs;
    const within = (from: number, to: number) =>
      store.all<{ kind: string | null; n: number }>(`SELECT error_kind AS kind, count(*)::INTEGER AS n FROM obs WHERE target = ${t} AND t_ms >= ${from} AND t_ms < ${to} GROUP BY 1`);
    let inside = await within(startMs, endMs);
    const rate = sum(inside.filter((r) => r.kind !== null), (r) => r.n) / Math.max(1, sum(inside, (r) => r.n));
    let resolutionMs = widthMs;
    // Outage: edges between the last success and the first failure (and the last failure and the next success).
    // The run of failures is followed past the flagged buckets: a failure in a neighbouring bucket, before the
    // success that ends the run, is the outage's (its bucket held too few to be flagged on its own). Tried on
    // every flagged run of buckets: an outage that does not fill its first and last bucket (30 s from 102.5 s
    // in 5 s buckets: 300 of 350 calls) is one when its refined window is 90%+ failures, and keeps those edges.
    let outage = rate >= 0.9;
    const [edge] = await store.all<{ before: number | null; first: number | null; last: number | null; after: number | null }>(`
      WITH w AS (SELECT t_ms, ok FROM obs WHERE target = ${t} AND t_ms >= ${startMs - widthMs} AND t_ms < ${endMs + widthMs}),
      f AS (SELECT min(t_ms) FILTER (WHERE NOT ok AND t_ms >= ${startMs}) AS first, max(t_ms) FILTER (WHERE NOT ok AND t_ms < ${endMs}) AS last FROM w),
      b AS (SELECT (SELECT max(t_ms) FROM w, f WHERE ok AND t_ms < f.first) AS before, (SELECT min(t_ms) FROM w, f WHERE ok AND t_ms > f.last) AS after FROM f)
      SELECT b.before, (SELECT min(t_ms) FROM w, b WHERE NOT ok AND t_ms > coalesce(b.before, -1e308)) AS first,
        (SELECT max(t_ms) FROM w, b WHERE NOT ok AND t_ms < coalesce(b.after, 1e308)) AS last, b.after FROM b`);
    if (edge?.first != null && edge.last != null) {
      const s = edge.before != null ? (edge.before + edge.first) / 2 : edge.first;
      // a recording that ends in the outage: it lasted at least to the last failure, which the window (end exclusive) must hold
      const e = edge.after != null ? (edge.last + edge.after) / 2 : edge.last + 1;
      // the calls the refined window holds (a failure in a neighbouring bucket too sparse to flag is the outage's)
      const refined = await within(s, e);
      const share = sum(refined.filter((r) => r.kind !== null), (r) => r.n) / Math.max(1, sum(refined, (r) => r.n));
      if (outage || share >= 0.9) {
        outage = true;
        resolutionMs = Math.max(edge.before != null ? edge.first - edge.before : 0, edge.after != null ? edge.after - edge.last : 0);
        startMs = s;
        endMs = e;
        inside = refined;
      }
    }
    const calls = sum(inside, (r) => r.n);
    const failed = sum(inside.filter((r) => r.kind !== null), (r) => r.n);
    const errors: Record<string, number> = {};
    for (const r of inside) if (r.kind !== null) errors[r.kind] = r.n;
    out.push({ target, kind: outage ? 'outage' : 'error_rate', startMs, durationMs: endMs - startMs, rate: failed / Math.max(1, calls), errors, calls, failed, log10P: log10UpperTail(failed, calls, p0), resolutionMs });
  }

  // Latency cliffs: bucket median ≥ 1.5× the usual, and most of the bucket's calls above the usual median.
  const meds = buckets.filter((k) => k.med !== null && k.lok >= 5).map((k) => k.med!).sort((a, b) => a - b);
  if (meds.length >= 10) {
    const m0 = meds[Math.floor(meds.length / 2)]!;
    const above = await store.all<{ b: number; k: number }>(
      `SELECT floor(t_ms / ${widthMs})::INTEGER AS b, count(*) FILTER (WHERE ${lat} > ${m0})::INTEGER AS k FROM obs WHERE target = ${t} AND ok GROUP BY 1`,
    );
    const k = new Map(above.map((r) => [r.b, r.k]));
    const lflags = buckets.map((x) => x.med !== null && x.lok >= 5 && x.med >= 1.5 * m0 && log10UpperTail(k.get(x.b) ?? 0, x.lok, 0.5) < SIGNIFICANT);
    flagPooledRuns(lflags, (i) => buckets[i]!.med !== null && buckets[i]!.lok >= 5 && buckets[i]!.med! >= 1.5 * m0, (i, j) => {
      const run = buckets.slice(i, j + 1);
      return log10UpperTail(sum(run, (x) => k.get(x.b) ?? 0), sum(run, (x) => x.lok), 0.5) < SIGNIFICANT;
    }, true);
    for (const [i, j] of segments(lflags)) {
      const span = buckets.slice(i, j + 1);
      const ok = sum(span, (x) => x.lok);
      const hits = sum(span, (x) => k.get(x.b) ?? 0);
      const [m] = await store.all<{ med: number }>(`SELECT median(${lat}) AS med FROM obs WHERE target = ${t} AND ok AND t_ms >= ${i * widthMs} AND t_ms < ${(j + 1) * widthMs}`);
      out.push({
        target, kind: 'latency', startMs: i * widthMs, durationMs: (j - i + 1) * widthMs, latencyMultiplier: Math.round(((m?.med ?? m0) / m0) * 10) / 10,
        calls: sum(span, (x) => x.n), failed: sum(span, (x) => x.e), log10P: log10UpperTail(hits, ok, 0.5), resolutionMs: widthMs,
      });
    }
  }
  return mergeTouching(out.sort((a, b) => a.startMs - b.startMs));
}

/** Incidents of one kind whose windows overlap or touch after edge refinement become one. */
function mergeTouching(list: DetectedIncident[]): DetectedIncident[] {
  const out: DetectedIncident[] = [];
  for (const i of list) {
    const prev = out.findLast((o) => o.kind === i.kind);
    if (prev && i.startMs <= prev.startMs + prev.durationMs + Math.max(prev.resolutionMs, i.resolutionMs)) {
      const end = Math.max(prev.startMs + prev.durationMs, i.startMs + i.durationMs);
      const errors = { ...(prev.errors ?? {}) };
      for (const [k, n] of Object.entries(i.errors ?? {})) errors[k] = (errors[k] ?? 0) + n;
      Object.assign(prev, { durationMs: end - prev.startMs, calls: prev.calls + i.calls, failed: prev.failed + i.failed, errors, log10P: Math.min(prev.log10P, i.log10P), resolutionMs: Math.max(prev.resolutionMs, i.resolutionMs) });
      prev.rate = prev.failed / Math.max(1, prev.calls);
    } else out.push(i);
  }
  return out;
}
