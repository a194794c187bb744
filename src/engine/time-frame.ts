/**
 * The real-time frame of a run on the real clock: its origin, its time scale, and the conversions
 * between real `performance.now()` milliseconds and scenario milliseconds (real × scale). Also the
 * count of requests still open, with a promise for when the last one ends. Shared by the replay
 * and external-gateway drivers.
 */
export class TimeFrame {
  private t0 = 0;
  private open = 0;
  private idle?: () => void;

  constructor(
    private readonly realNow: () => number,
    readonly scale: number,
  ) {}

  /** Sets the origin (real ms). */
  start(realT0: number): void {
    this.t0 = realT0;
  }

  /** Scenario ms since the start. */
  now(): number {
    return (this.realNow() - this.t0) * this.scale;
  }

  /** Real time at which scenario time `ms` falls. */
  realAt(ms: number): number {
    return this.t0 + ms / this.scale;
  }

  /** Scenario ms of a real time; NaN for undefined. */
  toScenario(real: number | undefined): number {
    return real === undefined ? NaN : (real - this.t0) * this.scale;
  }

  /** A request was admitted. */
  opened(): void {
    this.open++;
  }

  /** A request ended. */
  closed(): void {
    if (--this.open === 0 && this.idle) {
      const idle = this.idle;
      this.idle = undefined;
      idle();
    }
  }

  /** Resolves when every admitted request has ended. */
  drained(): Promise<void> {
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }
}
