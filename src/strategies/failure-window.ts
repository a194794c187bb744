/** The last N failure times of a target: "N failures within a window" cooldown rules. */

export class FailureWindow {
  private readonly times: Float64Array;
  private next = 0;
  private count = 0;

  constructor(private readonly n: number) {
    this.times = new Float64Array(n);
  }

  add(t: number): void {
    this.times[this.next] = t;
    this.next = (this.next + 1) % this.n;
    if (this.count < this.n) this.count++;
  }

  /** True when the last n failures all fell within `windowMs` and the newest is under `windowMs` old. */
  cooling(now: number, windowMs: number): boolean {
    if (this.count < this.n) return false;
    const oldest = this.times[this.next % this.n]!;
    const newest = this.times[(this.next + this.n - 1) % this.n]!;
    return newest - oldest <= windowMs && now - newest < windowMs;
  }
}
