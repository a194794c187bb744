/**
 * Seeded bootstrap confidence intervals for quantiles (p50/p95/p99 latency, TTFT), computed in
 * DuckDB without materialising a single resample.
 *
 * Method. Let x₍₁₎ ≤ … ≤ x₍ₙ₎ be a run's sorted values. A bootstrap resample draws n values with
 * replacement from the empirical distribution Fₙ, i.e. X* = Fₙ⁻¹(U) with U uniform and
 * Fₙ⁻¹(u) = x₍⌈n·u⌉₎ (probability integral transform). Fₙ⁻¹ is non-decreasing, so the resample's
 * k-th order statistic is x₍⌈n·U₍ₖ₎⌉₎, where U₍ₖ₎, the k-th smallest of n uniforms, is
 * Beta(k, n − k + 1). One bootstrap replicate of an order statistic is therefore one Beta draw,
 * Beta(a, b) = Gₐ / (Gₐ + G_b) with Gamma variates from the seeded `Rng`, and B replicates are one
 * DuckDB aggregate: `quantile_disc(col, [u₁, …, u_B])` returns x₍max(1, ⌈n·uᵢ⌉)₎ for each uᵢ (the
 * unit test pins this definition). Exact, not an approximation of the bootstrap. DuckDB evaluates
 * a list by one nth_element per position over the values above the previous one (≈ n/2 values per
 * position for a median), and draws often share a rank k = ⌈n·u⌉, so the list holds each distinct
 * rank once, as (k − ½)/n, and the replicates are looked up by rank: the same values, 2–10× faster.
 *
 * The reported estimate is DuckDB's `quantile_cont` (as in thresholds and summaries): with
 * h = (n − 1)·p, j = ⌊h⌋ + 1 and f = h − ⌊h⌋, it is x₍ⱼ₎ + f·(x₍ⱼ₊₁₎ − x₍ⱼ₎). To bootstrap that
 * same statistic we also need the next order statistic of the resample: given U₍ⱼ₎ = u, the other
 * n − j larger uniforms are uniform on (u, 1), so U₍ⱼ₊₁₎ = u + (1 − u)·Beta(1, n − j). Each
 * replicate then costs two positions, both in the same single query.
 *
 * Interval: the percentile interval (2.5% and 97.5% of the B replicates). For a difference of two
 * runs, each run is resampled independently (separate seeded streams) and the interval is the
 * percentile interval of the B differences candidate − baseline.
 *
 * Assumptions: the run's values are i.i.d. draws from one distribution, and the two runs are
 * independent. Latency during an incident is correlated in time, so a run holds less information
 * than n independent requests and the interval is then too narrow; common random numbers between
 * strategies of one scenario push the other way for differences. The bootstrap is unreliable for a
 * quantile with only a handful of values beyond it, so fewer than MIN_TAIL values on either side
 * gives no interval (null) rather than a falsely confident one.
 */
import { INTEGER, LIST, listValue } from '@duckdb/node-api';
import type { Store } from '../../store/open-store.js';
import type { Rng } from '../../rng.js';
import { sortedQuantile, type DiffCi } from './verdict.js';

/** Values needed on each side of a quantile (n·p and n·(1 − p)) before it gets an interval. */
export const MIN_TAIL = 10;

/** Where the values live: trusted SQL fragments written by routebench, never user input. */
export interface QuantileSample {
  store: Store;
  from: string;
  where: string;
}

/** One quantile of one column over the rows matching `filter` (also trusted SQL). */
export interface QuantileTarget {
  column: string;
  filter: string;
  p: number;
}

export interface QuantileBootstrap {
  p: number;
  /** Non-null values of the column in the filter. */
  n: number;
  /** quantile_cont point estimate; null when n = 0. */
  estimate: number | null;
  /** B bootstrap replicates of the estimate; null when the quantile has too few values around it. */
  replicates: Float64Array | null;
}

/** A Beta(a, b) variate from two Gamma variates. */
export function betaDraw(rng: Rng, a: number, b: number): number {
  const ga = rng.gamma(a, 1);
  return ga / (ga + rng.gamma(b, 1));
}

/** The quantile positions for B replicates of quantile_cont(p) over n values (see the header). */
export function resamplePositions(n: number, p: number, resamples: number, rng: Rng): { lo: Float64Array; hi: Float64Array | null; frac: number } {
  const h = (n - 1) * p;
  const j = Math.floor(h) + 1;
  const frac = j < n ? h - Math.floor(h) : 0;
  const lo = new Float64Array(resamples);
  const hi = frac > 0 ? new Float64Array(resamples) : null;
  for (let b = 0; b < resamples; b++) {
    const u = betaDraw(rng, j, n - j + 1);
    lo[b] = u;
    if (hi) hi[b] = u + (1 - u) * betaDraw(rng, 1, n - j);
  }
  return { lo, hi, frac };
}

const num = (x: number) => (Number.isFinite(x) ? String(x) : 'NULL');

/**
 * Point estimates and B bootstrap replicates for several quantiles of one sample: one query for
 * counts and estimates, then one per (column, filter) for the order statistics the replicates need.
 */
export async function bootstrapQuantiles(sample: QuantileSample, targets: readonly QuantileTarget[], opts: { resamples: number; rng: Rng }): Promise<QuantileBootstrap[]> {
  if (targets.length === 0) return [];
  // Arrays read in the loops below are typed arrays or filled by push, never made by .map() or a
  // spread: those give a packed array when this function runs in the interpreter and a holey one
  // once TurboFan has optimised it (it inlines them), and code optimised for one kind was thrown
  // away ("wrong map") and compiled again each time this function changed tier. The order
  // statistics sit in a Float64Array, not as a Map's values: those are small integers (Smi) or
  // heap numbers by value (and by which tier of DuckDB's reader made them), and the replicate loop,
  // optimised while it saw integers, bailed out ("not a Smi") at every later call.
  // Targets by (column, filter): group g, and slot (the target's place in its group's list of ps).
  const groups: string[] = [];
  const ps: string[][] = [];
  const groupOf = new Int32Array(targets.length);
  const slot = new Int32Array(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    const key = `${t.column}\u0000${t.filter}`;
    let g = groups.indexOf(key);
    if (g < 0) {
      g = groups.push(key) - 1;
      ps.push([]);
    }
    groupOf[i] = g;
    slot[i] = ps[g]!.length;
    ps[g]!.push(`${num(t.p)}::DOUBLE`);
  }
  const agg = (g: number, fn: string) => {
    const [column, filter] = groups[g]!.split('\u0000') as [string, string];
    return `${fn.replace('$col', column)} FILTER (WHERE ${filter})`;
  };
  // One quantile_cont per (column, filter) with the list of its quantiles: one sort instead of one
  // per quantile, the same values (quantile_cont's list form interpolates exactly as the scalar one).
  const first: string[] = [];
  for (let g = 0; g < groups.length; g++) first.push(`${agg(g, 'count($col)')} AS n${g}, ${agg(g, `quantile_cont($col, [${ps[g]!.join(', ')}])`)}::DOUBLE[] AS e${g}`);
  const [row] = await sample.store.all<Record<string, number | (number | null)[] | null>>(`SELECT ${first.join(', ')} FROM ${sample.from} WHERE ${sample.where}`);
  const counts = new Float64Array(groups.length);
  for (let g = 0; g < groups.length; g++) counts[g] = Number(row?.[`n${g}`] ?? 0);
  const estimateOf = (i: number): number | null => (row?.[`e${groupOf[i]!}`] as (number | null)[] | null | undefined)?.[slot[i]!] ?? null;

  // Each replicate needs the order statistic x₍⌈n·u⌉₎ for its positions u. Many draws share a rank,
  // so each (column, filter) asks DuckDB once per distinct rank k, at position (k − ½)/n.
  // Per (column, filter) also: rank -> position in `values`, and the order statistics themselves.
  // (Arrays filled by push: packed whichever tier runs this.)
  const ranks: Set<number>[] = [];
  const indexOf: Map<number, number>[] = [];
  const values: Float64Array[] = [];
  for (let g = 0; g < groups.length; g++) {
    ranks.push(new Set());
    indexOf.push(new Map());
    values.push(NO_VALUES);
  }
  const plan: (Step | null)[] = [];
  for (let i = 0; i < targets.length; i++) {
    const g = groupOf[i]!;
    const n = counts[g]!;
    const p = targets[i]!.p;
    plan.push(n < 1 || n * p < MIN_TAIL || n * (1 - p) < MIN_TAIL ? null : stepFor(n, p, opts.resamples, opts.rng, ranks[g]!));
  }

  for (let g = 0; g < groups.length; g++) {
    if (ranks[g]!.size === 0) continue;
    // One sort per (column, filter): number the values in order and keep the ranks the replicates
    // need. (A quantile_disc with a list of positions re-selects per position: far slower.)
    const [column, filter] = groups[g]!.split('\u0000') as [string, string];
    const reader = await sample.store.con.runAndReadAll(
      `SELECT k::INTEGER AS k, v::DOUBLE AS v FROM (
         SELECT ${column} AS v, row_number() OVER (ORDER BY ${column}) AS k FROM ${sample.from} WHERE ${sample.where} AND ${filter} AND ${column} IS NOT NULL)
       WHERE k IN (SELECT unnest($ranks))`,
      { ranks: listValue(Array.from(ranks[g]!)) },
      { ranks: LIST(INTEGER) },
    );
    const rows = reader.getRowObjectsJS() as { k: number; v: number }[];
    const vals = new Float64Array(rows.length);
    for (let j = 0; j < rows.length; j++) {
      indexOf[g]!.set(rows[j]!.k, j);
      vals[j] = rows[j]!.v;
    }
    values[g] = vals;
  }

  const out: QuantileBootstrap[] = [];
  for (let i = 0; i < targets.length; i++) {
    const g = groupOf[i]!;
    const n = counts[g]!;
    const step = plan[i]!;
    out.push({ p: targets[i]!.p, n, estimate: n > 0 ? estimateOf(i) : null, replicates: step ? replicatesOf(step, indexOf[g]!, values[g]!, opts.resamples) : null });
  }
  return out;
}

const NO_VALUES = new Float64Array(0);

/** One quantile's resample positions as ranks ⌈n·u⌉ (hi: of the next order statistic; null when frac = 0). */
interface Step {
  lo: Int32Array;
  hi: Int32Array | null;
  frac: number;
}

/** The ranks of one quantile's B resamples (see the header); adds them to `ranks`. */
function stepFor(n: number, p: number, resamples: number, rng: Rng, ranks: Set<number>): Step {
  const pos = resamplePositions(n, p, resamples, rng);
  const rank = (u: number) => Math.min(n, Math.max(1, Math.ceil(n * u)));
  const lo = Int32Array.from(pos.lo, rank);
  const hi = pos.hi ? Int32Array.from(pos.hi, rank) : null;
  for (const k of lo) ranks.add(k);
  if (hi) for (const k of hi) ranks.add(k);
  return { lo, hi, frac: pos.frac };
}

/** The B replicates x₍lo₎ + frac·(x₍hi₎ − x₍lo₎) of one quantile, from the order statistics at their ranks. */
function replicatesOf(step: Step, indexOf: Map<number, number>, values: Float64Array, resamples: number): Float64Array {
  const reps = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    const lo = values[indexOf.get(step.lo[b]!)!]!;
    reps[b] = step.hi ? lo + step.frac * (values[indexOf.get(step.hi[b]!)!]! - lo) : lo;
  }
  return reps;
}

/** Percentile interval of one quantile's replicates (for a single run). */
export function quantileCi(q: QuantileBootstrap, level = 0.95): { lo: number; hi: number } | null {
  if (!q.replicates) return null;
  const sorted = Float64Array.from(q.replicates).sort();
  return { lo: sortedQuantile(sorted, (1 - level) / 2), hi: sortedQuantile(sorted, (1 + level) / 2) };
}

/** Percentile interval of the B differences candidate − baseline of independently resampled runs. */
export function quantileDiffCi(base: QuantileBootstrap, cand: QuantileBootstrap, level = 0.95): DiffCi | null {
  if (!base.replicates || !cand.replicates || base.estimate === null || cand.estimate === null) return null;
  const b = base.replicates.length;
  if (cand.replicates.length !== b) throw new RangeError('both runs need the same number of resamples');
  const diffs = new Float64Array(b);
  for (let i = 0; i < b; i++) diffs[i] = cand.replicates[i]! - base.replicates[i]!;
  diffs.sort();
  return { delta: cand.estimate - base.estimate, lo: sortedQuantile(diffs, (1 - level) / 2), hi: sortedQuantile(diffs, (1 + level) / 2) };
}
