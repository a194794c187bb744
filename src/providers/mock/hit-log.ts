/**
 * Every request a mock provider receives, with the routebench marker it carried: which request,
 * which attempt, which target, what the mock answered. Joined back later to attribute a black-box
 * gateway's own retries and failovers. Bounded: the oldest hits are dropped past `capacity`.
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
  private readonly hits: Hit[] = [];
  private dropped = 0;

  constructor(private readonly capacity = 1_000_000) {}

  add(hit: Hit): void {
    if (this.hits.length >= this.capacity) {
      this.hits.shift();
      this.dropped++;
    }
    this.hits.push(hit);
  }

  /** Hits with seq ≥ `since`, optionally of one run. */
  since(since = 0, run?: string): Hit[] {
    return this.hits.filter((h) => h.seq >= since && (run === undefined || h.run === run));
  }

  get size(): number {
    return this.hits.length;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  clear(): void {
    this.hits.length = 0;
  }
}
