/**
 * The points of a step line over time buckets, with a gap where a bucket has no value.
 *
 * A bucket row (t_ms = the bucket's start) is drawn as a flat step from t to t + bucket. A line
 * drawn through the rows as they come would join the buckets on either side of an empty one (no
 * requests, so no success rate; or no successes, so no p95), and an outage in a quiet hour would
 * read as a ramp or a plateau that never happened. So, per series (one per strategy):
 *
 * - every bucket with a value gives a point at its start;
 * - a bucket whose next bucket has no value (or is the series' last) also gives a closing point at
 *   its end with the same value, so its step has the bucket's width;
 * - between a closing point and the next bucket with a value, a point with a null value: vega-lite
 *   breaks a line at a null (its default `invalid` mode for path marks), so the empty stretch is a
 *   gap.
 *
 * Layout only: the values are the SQL's, unchanged.
 */
import type { Row } from './chart-common.js';

/**
 * Step points of `field` for rows sorted by series then t_ms, `series` naming the fields that tell
 * the lines (or stacked areas) apart. Rows whose field is null or missing give no point of their
 * own. For stacked areas every layer of a bucket must have a row (0 where it had none), so that
 * the layers close and break at the same times.
 */
export function stepPoints<T extends Row>(rows: readonly T[], field: string, bucketMs: number, series: readonly string[] = ['strategy']): Row[] {
  const out: Row[] = [];
  const has = (r: T | undefined): r is T => r !== undefined && r[field] !== null && r[field] !== undefined;
  const same = (a: T | undefined, b: T) => a !== undefined && series.every((f) => a[f] === b[f]);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!has(r)) continue;
    const t = r.t_ms as number;
    out.push(r);
    const next = rows[i + 1];
    // the next bucket (t_ms = k·bucket from SQL; compared with a tolerance, a sub-millisecond width being inexact)
    if (same(next, r) && has(next) && Math.abs((next!.t_ms as number) - (t + bucketMs)) < bucketMs / 2) continue;
    out.push({ ...r, t_ms: t + bucketMs });
    // a later bucket of this series has a value: break the line in between
    let j = i + 1;
    while (same(rows[j], r) && !has(rows[j])) j++;
    if (same(rows[j], r)) out.push({ ...Object.fromEntries(series.map((f) => [f, r[f]])), t_ms: t + 1.5 * bucketMs, [field]: null });
  }
  return out;
}
