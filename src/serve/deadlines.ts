/**
 * Attempt deadlines of `routebench serve` without a Node timer per attempt. Every attempt with a
 * finite timeout used to get its own `setTimeout(...).unref()`, cleared when it ended (almost
 * always long before it fired): an object per attempt, a timer-list insert and removal, and, when
 * no other timer held the loop, a libuv ref toggle each way. Here attempts that wait the same
 * number of ms form a queue in the order they were armed, so their deadlines come in order; each
 * queue keeps one unref'd Node timer, for its head. An attempt that ends leaves its queue in O(1)
 * and the timer is not touched: when it fires it expires the heads that are due and re-arms for
 * the first that is not. Deadlines are in real ms (performance.now()); a queue's timer may wake
 * up to a millisecond before the head is due (Node's timers run on the loop's millisecond clock),
 * in which case it re-arms for the rest.
 */

/** An entry of one queue: the attempt's own links, so arming allocates nothing. */
export interface DeadlineEntry {
  dueAt: number;
  prev: DeadlineEntry | undefined;
  next: DeadlineEntry | undefined;
  queue: DeadlineQueue | undefined;
  /** Its deadline passed (it has already left its queue). */
  expired(): void;
}

export class DeadlineQueue {
  head: DeadlineEntry | undefined = undefined;
  tail: DeadlineEntry | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(private readonly realNow: () => number) {}

  /** Arms `e` to expire `ms` real ms after `now` (every entry of a queue uses the same `ms`). */
  arm(e: DeadlineEntry, now: number, ms: number): void {
    e.dueAt = now + ms;
    e.queue = this;
    e.next = undefined;
    e.prev = this.tail;
    if (this.tail !== undefined) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    if (this.timer === undefined) this.schedule(ms);
  }

  /** Takes `e` out (it ended, or expired); a no-op when it is not in this queue. */
  disarm(e: DeadlineEntry): void {
    if (e.queue !== this) return;
    if (e.prev !== undefined) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next !== undefined) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = e.queue = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(DeadlineQueue.fire, Math.max(1, Math.ceil(ms)), this).unref();
  }

  private static fire(q: DeadlineQueue): void {
    q.timer = undefined;
    const now = q.realNow();
    for (let e = q.head; e !== undefined && e.dueAt <= now; e = q.head) {
      q.disarm(e);
      e.expired();
    }
    if (q.head !== undefined && q.timer === undefined) q.schedule(q.head.dueAt - now);
  }
}

/** One queue per timeout length, made on first use. */
export class Deadlines {
  private readonly queues = new Map<number, DeadlineQueue>();

  constructor(private readonly realNow: () => number) {}

  /** Arms `e` to expire `ms` (a whole number, at least 1) real ms after `now`. */
  arm(e: DeadlineEntry, now: number, ms: number): void {
    let q = this.queues.get(ms);
    if (q === undefined) this.queues.set(ms, (q = new DeadlineQueue(this.realNow)));
    q.arm(e, now, ms);
  }
}

/** Takes `e` out of whichever queue holds it; a no-op when it is in none. */
export function disarm(e: DeadlineEntry): void {
  e.queue?.disarm(e);
}
