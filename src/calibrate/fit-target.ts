/**
 * Fits one target's mock behaviour from its observed calls (table `obs`), in the terms a
 * scenario's `mock:` uses: TTFT as a lognormal plus a prefill rate (TTFT grows with the prompt:
 * the slope of median TTFT across prompt-size bands), output tokens per second (lognormal, slow
 * tail), error rates per kind (calls inside detected incidents left out), error latency, and the
 * retry-after waits of 429/529 answers. Each distribution says how well the lognormal holds
 * (fit-distribution.ts) and keeps the empirical quantiles.
 */
import type { Store } from '../store/open-store.js';
import { sqlString } from '../store/select-runs.js';
import type { RateLimitFit } from './rate-limits.js';
import { Z995 } from '../stats/distributions.js';
import { wilson } from '../stats/wilson.js';
import { distribution, type DistributionFit } from './fit-distribution.js';
import type { ModelFit } from './fit-models.js';

export { EXACT_KS_MAX, KS_TOLERANCE, ksAccepts, LEVELS, lowerQuantiles, upperQuantiles, type DistributionFit } from './fit-distribution.js';

/** Prompt-size bands (uncached input tokens) in which TTFT is compared. */
export const BANDS = [0, 1000, 4000, 16000] as const;

export interface ErrorRate {
  kind: string;
  count: number;
  rate: number;
  /** 99% Wilson interval. */
  lo: number;
  hi: number;
}

export interface TargetFit extends ShapeFit {
  target: string;
  /** The model asked for most: the target's model and price. */
  model: string;
  dialect: 'openai' | 'anthropic';
  calls: number;
  /**
   * Where the target served several models: each with enough calls fitted on its own (fitModels).
   * The target's own fit above pools every call, and holds for the models below.
   */
  models?: ModelFit[];
  /** Models it served with too few calls for a fit of their own, pooled into the target's. */
  pooled?: { model: string; calls: number; fitted: number }[];
  retryAfter?: { min: number; max: number; share: number; n: number };
  /** Whether the 429s follow load (then a limit replaces the rate_limited share). */
  rateLimit?: RateLimitFit;
  /** TTFT could only be read from whole latencies (no streamed calls). */
  latencyOnly: boolean;
  /** Successful streamed calls with no ttft_ms (left out of TTFT and tokens/s), and those with one. */
  streamsWithoutTtft?: { without: number; with: number };
}


/** What is fitted over one set of calls (a target's, or one model's on it). */
export interface ShapeFit {
  ttft?: DistributionFit;
  /** Input tokens per second of prefill (undefined: TTFT does not grow with the prompt). */
  prefillTokensPerS?: number;
  bands: { from: number; n: number; medianInput: number; medianTtft: number }[];
  tokensPerS?: DistributionFit;
  errorLatency?: DistributionFit;
  errors: ErrorRate[];
  /** Calls used for the error rates (outside incidents). */
  baselineCalls: number;
}

/**
 * TTFT (with prefill), tokens/s, error latency and error rates of the calls `scope` selects (SQL
 * over obs). `prefillBefore`: the prefill rate to take out of TTFT when these calls show none of
 * their own (a model's calls, fitted on top of its target's).
 */
export async function fitShape(store: Store, scope: string, excluded: string, latencyOnly: boolean, prefillBefore?: number): Promise<ShapeFit> {
  const ttftCol = latencyOnly ? 'latency_ms' : 'ttft_ms';
  const okWhere = `FROM obs WHERE ${scope} AND ok AND ${ttftCol} IS NOT NULL ${latencyOnly ? '' : 'AND stream'} AND NOT (${excluded})`;
  const bandCase = `CASE ${[...BANDS].reverse().map((b) => `WHEN input_tokens - cached_tokens >= ${b} THEN ${b}`).join(' ')} END`;
  const bands = await store.all<{ from: number; n: number; medianInput: number; medianTtft: number }>(
    `SELECT ${bandCase} AS "from", count(*)::INTEGER AS n, median(input_tokens - cached_tokens) AS "medianInput", median(${ttftCol}) AS "medianTtft" ${okWhere} GROUP BY 1 ORDER BY 1`,
  );
  // Prefill: TTFT that grows with the prompt. Only when the outermost bands with 30+ calls differ
  // clearly (mean log TTFT 3+ standard errors apart) is the slope of their medians taken as it.
  const solid = await store.all<{ from: number; n: number; m: number; v: number; medianInput: number; medianTtft: number }>(
    `SELECT ${bandCase} AS "from", count(*)::INTEGER AS n, avg(ln(${ttftCol})) AS m, coalesce(var_samp(ln(${ttftCol})), 0) AS v,
       median(input_tokens - cached_tokens) AS "medianInput", median(${ttftCol}) AS "medianTtft" ${okWhere} AND ${ttftCol} > 0 GROUP BY 1 HAVING count(*) >= ${MIN_BAND_CALLS} ORDER BY 1`,
  );
  let prefill: number | undefined;
  if (solid.length >= 2) {
    const [a, b] = [solid[0]!, solid[solid.length - 1]!];
    const z = (b.m - a.m) / Math.sqrt(a.v / a.n + b.v / b.n);
    const slope = (b.medianTtft - a.medianTtft) / (b.medianInput - a.medianInput); // ms per input token
    if (z >= 3 && slope > 0 && Number.isFinite(slope)) prefill = 1000 / slope;
  }
  const removed = prefill ?? prefillBefore;
  const prefillMs = removed === undefined ? '0' : `(input_tokens - cached_tokens) / ${removed} * 1000`;
  const ttft = await distribution(store, `${ttftCol} - ${prefillMs}`, okWhere);
  const tokensPerS = latencyOnly
    ? undefined
    : await distribution(store, `output_tokens / ((latency_ms - ttft_ms) / 1000)`, `FROM obs WHERE ${scope} AND ok AND stream AND output_tokens >= 2 AND latency_ms > ttft_ms AND NOT tokens_estimated AND NOT (${excluded})`);
  const errorLatency = await distribution(store, 'latency_ms', `FROM obs WHERE ${scope} AND NOT ok AND error_kind NOT IN ('timeout', 'truncated') AND NOT (${excluded})`);
  const [base] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM obs WHERE ${scope} AND NOT (${excluded})`);
  const baselineCalls = base?.n ?? 0;
  const errors = (
    await store.all<{ kind: string; count: number }>(`SELECT error_kind AS kind, count(*)::INTEGER AS count FROM obs WHERE ${scope} AND NOT ok AND NOT (${excluded}) GROUP BY 1 ORDER BY 2 DESC, 1`)
  ).map((e) => {
    // 99% Wilson interval of the error rate (the error rows are a subset of the baseline calls).
    const { lo, hi } = wilson(e.count, baselineCalls, Z995);
    return { ...e, rate: e.count / baselineCalls, lo, hi };
  });
  return { ttft, prefillTokensPerS: prefill, bands, tokensPerS, errorLatency, errors, baselineCalls };
}

/** Calls a prompt-size band needs for its TTFT to count, and a model for a fit of its own. */
export const MIN_BAND_CALLS = 30;

/** `excluded`: SQL predicate over obs marking calls inside detected incidents. */
export async function fitTarget(store: Store, target: string, excluded: string, rateLimit?: RateLimitFit): Promise<TargetFit> {
  const t = sqlString(target);
  const [head] = await store.all<{ calls: number; streams: number; no_ttft: number; model: string | null; dialect: string | null }>(
    `SELECT count(*)::INTEGER AS calls, count(*) FILTER (WHERE stream AND ok AND ttft_ms IS NOT NULL)::INTEGER AS streams,
       count(*) FILTER (WHERE stream AND ok AND ttft_ms IS NULL)::INTEGER AS no_ttft, mode(route) AS model, mode(dialect) AS dialect FROM obs WHERE target = ${t}`,
  );
  const latencyOnly = (head?.streams ?? 0) === 0;
  const shape = await fitShape(store, `target = ${t}`, excluded, latencyOnly);
  const [ra] = await store.all<{ n: number; with_wait: number; min: number | null; max: number | null }>(
    `SELECT count(*)::INTEGER AS n, count(retry_after_ms)::INTEGER AS with_wait, min(retry_after_ms) AS min, max(retry_after_ms) AS max
     FROM obs WHERE target = ${t} AND error_kind IN ('rate_limited', 'overloaded') AND NOT upstream`, // a gateway's log of an upstream attempt has no retry-after
  );
  return {
    target,
    model: head?.model ?? '',
    dialect: head?.dialect === 'anthropic' ? 'anthropic' : 'openai',
    calls: head?.calls ?? 0,
    ...shape,
    rateLimit,
    retryAfter: ra && ra.n > 0 && ra.min !== null && ra.max !== null ? { min: ra.min, max: ra.max, share: ra.with_wait / ra.n, n: ra.n } : undefined,
    latencyOnly,
    ...(!latencyOnly && (head?.no_ttft ?? 0) > 0 ? { streamsWithoutTtft: { without: head!.no_ttft, with: head!.streams } } : {}),
  };
}
