/**
 * serve's attempt deadlines (src/serve/deadlines.ts): entries expire in order once their time has
 * come, never before it; an entry taken out never expires; an entry armed from inside an expiry
 * waits its own full time; each timeout length has its own queue. Time is Node's faked clock
 * (setTimeout) and an injected real-ms clock that may lag behind it, as the loop's millisecond
 * clock and performance.now() differ in a real process.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines, disarm, type DeadlineEntry, type DeadlineQueue } from '../../src/serve/deadlines.js';

class Entry implements DeadlineEntry {
  dueAt = NaN;
  prev: DeadlineEntry | undefined = undefined;
  next: DeadlineEntry | undefined = undefined;
  queue: DeadlineQueue | undefined = undefined;
  constructor(
    readonly name: string,
    private readonly log: string[],
    private readonly onExpire?: () => void,
  ) {}
  expired(): void {
    this.log.push(`${this.name}@${now()}`);
    this.onExpire?.();
  }
}

/** The injected real clock: the faked timer clock minus `lag` ms. */
let lag = 0;
const now = (): number => Date.now() - lag;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
  lag = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('serve deadlines', () => {
  it('expire in arming order at their own times; one taken out never expires', () => {
    const log: string[] = [];
    const d = new Deadlines(now);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => new Entry(n, log));
    d.arm(a!, now(), 10);
    vi.advanceTimersByTime(3);
    d.arm(b!, now(), 10);
    vi.advanceTimersByTime(3);
    d.arm(c!, now(), 10);
    disarm(b!);
    disarm(b!); // twice: no-op
    vi.advanceTimersByTime(3); // t = 9
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1); // t = 10
    expect(log).toEqual(['a@10']);
    vi.advanceTimersByTime(5); // t = 15: b would have been due at 13
    expect(log).toEqual(['a@10']);
    vi.advanceTimersByTime(1); // t = 16
    expect(log).toEqual(['a@10', 'c@16']);
    expect(vi.getTimerCount()).toBe(0); // the queue is empty: no timer left armed
  });

  it('a timer that wakes before the head is due (clock lag) re-arms instead of expiring early', () => {
    const log: string[] = [];
    const d = new Deadlines(now);
    const a = new Entry('a', log);
    d.arm(a, now(), 10); // due at 10 on the real clock
    lag = 2; // the real clock now reads 2 ms behind the timers'
    vi.advanceTimersByTime(10); // timer fires; real clock says 8
    expect(log).toEqual([]);
    vi.advanceTimersByTime(2); // real clock 10
    expect(log).toEqual(['a@10']);
  });

  it('an entry armed from inside an expiry waits its full time; lengths have separate queues', () => {
    const log: string[] = [];
    const d = new Deadlines(now);
    const again = new Entry('again', log);
    const a = new Entry('a', log, () => d.arm(again, now(), 10));
    const short = new Entry('short', log);
    d.arm(a, now(), 10);
    d.arm(short, now(), 4);
    vi.advanceTimersByTime(4);
    expect(log).toEqual(['short@4']);
    vi.advanceTimersByTime(6);
    expect(log).toEqual(['short@4', 'a@10']);
    vi.advanceTimersByTime(9);
    expect(log).toEqual(['short@4', 'a@10']);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['short@4', 'a@10', 'again@20']);
  });

  it('an armed entry taken out of the middle, head or tail keeps the others in order', () => {
    const log: string[] = [];
    const d = new Deadlines(now);
    const es = ['a', 'b', 'c', 'd'].map((n) => new Entry(n, log));
    for (const e of es) {
      d.arm(e, now(), 5);
      vi.advanceTimersByTime(1);
    }
    disarm(es[0]!);
    disarm(es[3]!);
    vi.advanceTimersByTime(10);
    expect(log).toEqual(['b@6', 'c@7']);
  });
});
