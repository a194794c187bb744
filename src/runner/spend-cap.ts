/**
 * The live-mode spend cap (`--max-cost-usd`): one ledger for a whole `routebench replay`
 * invocation (every scenario and strategy), so N strategies cannot spend N times the cap. Every
 * attempt reserves its worst case (the whole prompt and output at its target's prices) before it
 * is sent; when it ends, the reservation is replaced by what the attempt was actually billed.
 * A request whose worst case does not fit is not admitted; a retry or failover attempt that does
 * not fit is not sent. So billed spend never passes the cap, retries included.
 */
export class SpendCap {
  private spent = 0;
  private reserved = 0;
  /** Set when something was refused; the reason the run notes. */
  reachedBy: 'request' | 'attempt' | undefined;

  constructor(readonly limitUsd: number) {}

  /** What is billed or reserved so far. */
  get committedUsd(): number {
    return this.spent + this.reserved;
  }

  get spentUsd(): number {
    return this.spent;
  }

  /** True when `usd` more still fits under the cap (nothing is reserved). */
  fits(usd: number): boolean {
    return this.spent + this.reserved + usd <= this.limitUsd;
  }

  /** Reserves `usd` if it fits; false (and `reachedBy` set) if not. */
  reserve(usd: number, what: 'request' | 'attempt'): boolean {
    if (!this.fits(usd)) {
      this.reachedBy ??= what;
      return false;
    }
    this.reserved += usd;
    return true;
  }

  /** Replaces a reservation by the amount actually billed. */
  settle(reservedUsd: number, billedUsd: number): void {
    this.reserved = Math.max(0, this.reserved - reservedUsd);
    this.spent += billedUsd;
  }

  /** Refuses a request at arrival (its worst case does not fit). */
  refuseRequest(): void {
    this.reachedBy ??= 'request';
  }

  /** The run note, once the cap has stopped something. */
  note(): string | undefined {
    if (this.reachedBy === undefined) return undefined;
    return `spend cap reached: the next ${this.reachedBy} would pass --max-cost-usd ${this.limitUsd}`;
  }
}
