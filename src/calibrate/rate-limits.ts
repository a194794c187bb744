/**
 * Rate-limit behaviour: do a target's 429s follow load? Per minute, the calls it got and the share
 * answered 429 (rate_limited). When the busiest quarter of minutes sees a 429 share at least three
 * times the quietest quarter's (and the difference is beyond chance: a binomial tail below 1e-4),
 * the 429s come from a limit, not luck: the limit is estimated as the median number of calls
 * accepted per minute in the minutes that hit it, and the mock gets `rate_limit: {rpm}` instead of
 * a fixed rate_limited share. Otherwise the 429s stay a constant share of calls.
 */
import type { Store } from '../store/open-store.js';
import { sqlString } from '../store/select-runs.js';
import { log10UpperTail } from '../stats/distributions.js';

export interface RateLimitFit {
  /** Rate-limited calls in all. */
  limited: number;
  /** 429 share in the busiest and the quietest quarter of minutes. */
  busyShare: number;
  quietShare: number;
  /** The 429s follow load. */
  loadDriven: boolean;
  /** Estimated requests per minute the limit lets through (when load-driven). */
  rpm?: number;
}

export async function fitRateLimit(store: Store, target: string, excluded: string): Promise<RateLimitFit | undefined> {
  const t = sqlString(target);
  // minutes by load, ties in time order: ordered by load alone, which of two equally busy minutes
  // counted as busy changed from one run to the next (DuckDB's parallel GROUP BY), and so did the fit
  const minutes = await store.all<{ n: number; r: number }>(`
    SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE error_kind = 'rate_limited')::INTEGER AS r
    FROM obs WHERE target = ${t} AND NOT (${excluded}) GROUP BY floor(t_ms / 60000) ORDER BY count(*), floor(t_ms / 60000)`);
  const limited = minutes.reduce((a, m) => a + m.r, 0);
  if (limited < 20 || minutes.length < 8) return limited === 0 ? undefined : { limited, busyShare: NaN, quietShare: NaN, loadDriven: false };
  const quarter = Math.max(1, Math.floor(minutes.length / 4));
  const quiet = minutes.slice(0, quarter);
  const busy = minutes.slice(-quarter);
  const sum = (xs: { n: number; r: number }[], k: 'n' | 'r') => xs.reduce((a, m) => a + m[k], 0);
  const quietShare = sum(quiet, 'r') / Math.max(1, sum(quiet, 'n'));
  const busyShare = sum(busy, 'r') / Math.max(1, sum(busy, 'n'));
  // 429s can only be seen to follow load where the load varies: the busiest quarter must have had more calls
  const loadDriven = sum(busy, 'n') > sum(quiet, 'n') && busyShare >= 3 * quietShare && log10UpperTail(sum(busy, 'r'), sum(busy, 'n'), Math.max(quietShare, 1e-6)) < -4;
  if (!loadDriven) return { limited, busyShare, quietShare, loadDriven };
  const accepted = minutes.filter((m) => m.r > 0).map((m) => m.n - m.r).sort((a, b) => a - b);
  return { limited, busyShare, quietShare, loadDriven, rpm: accepted[Math.floor(accepted.length / 2)] };
}
