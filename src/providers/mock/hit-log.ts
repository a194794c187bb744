/**
 * Every request a mock provider receives, with the routebench marker it carried: which request,
 * which attempt, which target, what the mock answered. Joined back later to attribute a black-box
 * gateway's own retries and failovers. Bounded: a ring buffer of `capacity` hits, the oldest dropped
 * past it (O(1) per hit under load); `since` binary-searches the first seq wanted.
 */
import type { ErrorKind } from '../canonical.js';

export interface Hit {
  /** Order of arrival at the mock (all targets). */
  seq: number;
  run: string;
  target: string;
  /** From the routebench marker; undefined for requests without one. */
  request?: number;
  attempt?: number;
  /** The how-many-th hit with the same marker (a client's or a gateway's retry of one attempt). */
  repeat: number;
  /** Which luck the mock drew: the k-th call of this request to this target (k from 0). */
  drawIndex: number;
  stream: boolean;
  status: number;
  kind?: ErrorKind;
  /** Scenario time of the hit. */
  scenarioMs: number;
  /** The caller hung up before the reply was over (a gateway's timeout or hedge, a client abort). */
  abandoned?: boolean;
  /** Scenario ms the mock planned the reply to take (Infinity: it hangs); a caller that hung up earlier abandoned it. */
  plannedMs: number;
  /** Scenario ms after the hit at which the first content token is sent; NaN if none. */
  firstTokenMs: number;
  /** Output tokens per scenario ms after the first (what a caller that hung up was billed for). */
  tokensPerMs: number;
  /** Tokens of the marked request (what a successful reply bills). */
  tokensIn: number;
  tokensCached: number;
  tokensOut: number;
  /** performance.now() of the mock process. */
  receivedAt: number;
  endedAt?: number;
  /** A few request headers worth keeping (x-request-id, x-stainless-retry-count, ...). */
  headers: Record<string, string>;
}

export class HitLog {
  /** A ring: once full, slot `start` holds the oldest hit and each new hit overwrites it. */
  private ring: Hit[] = [];
  private start = 0;
  private dropped = 0;
  /** Whether seqs arrived in non-decreasing order (the mock service's do): `since` can binary-search. */
  private ordered = true;

  constructor(private readonly capacity = 1_000_000) {}

  add(hit: Hit): void {
    const n = this.ring.length;
    if (n > 0 && hit.seq < this.at(n - 1).seq) this.ordered = false;
    if (n < this.capacity) {
      this.ring.push(hit);
      return;
    }
    this.ring[this.start] = hit;
    this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
    this.dropped++;
  }

  /** Hits with seq ≥ `since`, optionally of one run, in arrival order. */
  since(since = 0, run?: string): Hit[] {
    const n = this.ring.length;
    const out: Hit[] = [];
    for (let i = this.ordered ? this.firstAtLeast(since) : 0; i < n; i++) {
      const h = this.at(i);
      if (h.seq >= since && (run === undefined || h.run === run)) out.push(h);
    }
    return out;
  }

  get size(): number {
    return this.ring.length;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  clear(): void {
    this.ring = [];
    this.start = 0;
    this.ordered = true;
  }

  /** The i-th oldest hit kept. */
  private at(i: number): Hit {
    const j = this.start + i;
    return this.ring[j >= this.ring.length ? j - this.ring.length : j]!;
  }

  /** Position (in arrival order) of the first hit with seq ≥ `seq`; seqs are non-decreasing. */
  private firstAtLeast(seq: number): number {
    let lo = 0;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
