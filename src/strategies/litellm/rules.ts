/**
 * LiteLLM's retry and fallback rules (gateways.md §2.3 "Retries", "Fallbacks").
 *
 * Retries (`should_retry_this_error`, `_time_to_sleep_before_retry`):
 * - give up at once on a context-window or content-policy error when the matching fallback list
 *   exists, on NotFound, on a 429 when no deployment of the group is healthy and fallbacks exist, on
 *   an auth error in a one-deployment group, and whenever no deployment is healthy;
 * - sleep 0 before a retry when the group has more than one deployment and one is healthy;
 *   otherwise the provider's retry-after when 0 < retry-after ≤ 60 s, else exponential backoff
 *   (0.5 s · 2^(num_retries − remaining), at most 8 s, minus up to 25% jitter); never less than
 *   `retry_after`.
 *
 * Fallbacks (async_function_with_fallbacks): a 400 other than context-window / content-policy
 * never falls back ("don't retry a malformed request"); a context-window error uses
 * context_window_fallbacks when any are configured (then only this group's entry, or `"*"`), else
 * the generic fallbacks (LiteLLM logs "Defaulting to fallbacks"); content-policy errors likewise with
 * content_policy_fallbacks; everything else uses `fallbacks`, where a group without its own entry
 * takes the last `"*"` entry (default_fallbacks are appended as one). A call already `max_fallbacks`
 * deep falls back no further.
 */
import type { Rng } from '../../rng.js';
import type { FallbackTable } from './config-read.js';
import type { LiteConfig } from './config.js';
import type { LiteError } from './errors.js';

export class RetryRules {
  /** Why the last sleepMs() chose its value (for the wait's reason). */
  why = '';

  constructor(private readonly cfg: LiteConfig, private readonly rng: Rng) {}

  /** True when LiteLLM raises instead of retrying (the group call fails with `e`). */
  giveUp(e: LiteError, healthy: number, all: number): boolean {
    const cfg = this.cfg;
    if (e.cls === 'context_window' && cfg.contextWindowFallbacks) return true;
    if (e.cls === 'content_policy' && cfg.contentPolicyFallbacks) return true;
    if (e.cls === 'not_found') return true;
    if (e.cls === 'rate_limit' && healthy <= 0 && cfg.fallbacks) return true;
    if (e.cls === 'auth' && all <= 1) return true;
    return healthy <= 0;
  }

  /** Milliseconds to sleep before the next retry; `orig` is the group call's first error. */
  sleepMs(orig: LiteError, remaining: number, n: number, healthy: number, all: number): number {
    if (all > 1 && healthy > 0) return 0;
    const ra = orig.retryAfterMs;
    let ms: number;
    if (ra !== undefined && ra > 0 && ra <= 60_000) {
      ms = ra;
      this.why = 'litellm: retry backoff (retry-after)';
    } else {
      ms = Math.min(500 * 2 ** (n - remaining), 8000) * (1 - 0.25 * this.rng.next());
      this.why = 'litellm: retry backoff (exponential)';
    }
    if (ms < this.cfg.retryAfterMs) {
      ms = this.cfg.retryAfterMs;
      this.why = 'litellm: retry backoff (retry_after minimum)';
    }
    return ms;
  }
}

export interface GroupFallbacks {
  readonly generic?: readonly number[];
  readonly context?: readonly number[];
  readonly content?: readonly number[];
}

/** Per group, its fallback groups by error class (group indexes; undefined: no entry). */
export function fallbackLists(cfg: LiteConfig): GroupFallbacks[] {
  const lookup = (t: FallbackTable | undefined, g: string) => t && (t.exact.get(g) ?? t.star)?.map((n) => cfg.groups.indexOf(n)).filter((i) => i >= 0);
  return cfg.groups.map((g) => ({
    generic: lookup(cfg.fallbacks, g),
    context: lookup(cfg.contextWindowFallbacks, g),
    content: lookup(cfg.contentPolicyFallbacks, g),
  }));
}

const reasons = new Map<string, string>();
/** Interns a reason string (reasons are counted per distinct string). */
export const R = (s: string): string => reasons.get(s) ?? (reasons.set(s, s), s);

/** The fallback groups after group `g` (at fallback `depth`) failed with `e`, or why there are none. */
export function fallbackFor(cfg: LiteConfig, lists: readonly GroupFallbacks[], g: number, e: LiteError, depth: number): readonly number[] | string {
  if (e.status === 400 && e.cls !== 'context_window' && e.cls !== 'content_policy') return R(`litellm: ${e.label} is a 400; LiteLLM does not fall back`);
  const l = lists[g]!;
  const list =
    e.cls === 'context_window' && cfg.contextWindowFallbacks ? l.context : e.cls === 'content_policy' && cfg.contentPolicyFallbacks ? l.content : l.generic;
  if (list === undefined) return R(`litellm: group ${cfg.groups[g]} failed (${e.label}); no fallback`);
  return depth >= cfg.maxFallbacks ? 'litellm: max_fallbacks reached' : list;
}
