/**
 * Open-loop arrivals on the real clock: each request is started at its scheduled time whether or
 * not earlier ones finished (wrk2's rule). Waits on a helper thread's precise sleep
 * (precise-sleep.ts: fractional ms, the event loop free meanwhile; one thread per process) until
 * just before the due time, then yields with setImmediate for the last 0.1 ms. A plain setTimeout
 * counts whole loop milliseconds and lands up to ~2 ms late, so waiting with it meant yielding
 * for the last 2–3 ms before every arrival: a whole core at a thousand requests per second. Until
 * the helper thread runs (or where threads are not available), that is still the fallback. Long
 * waits are cut into naps of at most 250 ms so an abort is noticed. `onBatch` hears of progress
 * after every batch and, within a batch, at most every 100 ms.
 *
 * A request already due when its turn comes (the client is behind) still waits for one turn of the
 * event loop first. Without that, a backlog went out as one synchronous burst: no reply could be
 * read and no keep-alive connection freed in between, so every call in the burst opened a new
 * connection. Over the loopback mock server at 5,000 streamed requests/s that meant thousands of
 * connections, resets and 13 s latencies; with the turn, the same client kept up at ~4,900 req/s.
 *
 * A target with calls in flight (`inFlight`, `nextActivity`: a replay) wakes its loop for their
 * replies anyway. With at least BUSY_CALLS of them and the due time within BUSY_WAIT_MS, the wait
 * ends at the target's next activity (a call's first token or end) after which the due time is
 * checked again, or at a 1 ms timer should none come: no helper thread is armed. At 5,000 streamed
 * calls a second each helper wake-up (a futex notify, a thread switch on the client's one core and
 * a message back) cost ~12% of the client's CPU, and the loop was awake for replies within tens of
 * µs anyway. Requests then go out at the first activity after their due time (or at the timer,
 * within ~1–2 ms), no earlier.
 */
import type { TrafficRequest } from '../traffic/traffic-request.js';
import { sharedPreciseSleep } from './precise-sleep.js';

export interface ArrivalTarget {
  /** Real time (performance.now()) at which scenario time `ms` falls. */
  realAt(ms: number): number;
  arrive(req: TrafficRequest): void;
  /** Calls in flight (their replies wake the event loop). */
  inFlight?(): number;
  /** Calls `wake` once at the next activity of a call in flight (first token, end); one waiter at a time. */
  nextActivity?(wake: () => void): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Yield (setImmediate) when the due time is this close. */
const SPIN_MS = 0.1;
/** Without the precise sleep: a timer when further ahead than this, waking this much early. */
const COARSE_MS = 3;
const COARSE_MARGIN_MS = 2;
/** The longest single wait, so an abort is seen within it. */
const MAX_NAP_MS = 250;
/** Wait for the target's next activity instead of the helper thread: with this many calls in flight, … */
const BUSY_CALLS = 8;
/** … and the due time this close (the fallback timer's 1 ms). */
const BUSY_WAIT_MS = 1;

/**
 * A wait that ends at the target's next activity or after 1 ms: one timer, refreshed, and one bound
 * wake (the timer left armed after the last wait fires once, into nothing).
 */
class ActivityWait {
  private resolve: (() => void) | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly wake = () => {
    const r = this.resolve;
    this.resolve = undefined;
    r?.();
  };
  private readonly start = (resolve: () => void) => {
    this.resolve = resolve;
    if (this.timer === undefined) this.timer = setTimeout(this.wake, BUSY_WAIT_MS);
    else this.timer.refresh();
    this.target.nextActivity!(this.wake);
  };

  constructor(private readonly target: ArrivalTarget) {}

  next(): Promise<void> {
    return new Promise<void>(this.start);
  }
}

/** Feeds every batch to the target at its scheduled times; stops early when `signal` aborts. */
export async function scheduleArrivals(
  batches: AsyncIterable<TrafficRequest[]>,
  target: ArrivalTarget,
  realNow: () => number,
  signal?: AbortSignal,
  onBatch?: (last: TrafficRequest) => void,
): Promise<{ requests: number; interrupted: boolean }> {
  let requests = 0;
  // Progress also within a batch (a batch can hold minutes of real-time traffic), at most every 100 ms.
  let reported = realNow();
  const precise = sharedPreciseSleep();
  const activity = target.inFlight && target.nextActivity ? new ActivityWait(target) : undefined;
  for await (const batch of batches) {
    for (const req of batch) {
      const due = target.realAt(req.arrivalMs);
      let waited = false;
      for (;;) {
        if (signal?.aborted) return { requests, interrupted: true };
        const ahead = due - realNow();
        if (ahead <= 0) {
          if (waited) break;
          // Behind schedule: let the event loop take in what has arrived first (replies, freed
          // connections), once per request, so a backlog goes out between them, not as one burst.
          waited = true;
          await tick();
          continue;
        }
        waited = true;
        if (ahead <= SPIN_MS) await tick();
        else if (activity && ahead <= BUSY_WAIT_MS && target.inFlight!() >= BUSY_CALLS) await activity.next();
        else if (precise.ready) await precise.sleep(Math.min(ahead - SPIN_MS, MAX_NAP_MS));
        else if (ahead > COARSE_MS) await sleep(Math.min(ahead - COARSE_MARGIN_MS, MAX_NAP_MS));
        else await tick();
      }
      target.arrive(req);
      requests++;
      if (onBatch && realNow() - reported >= 100) {
        reported = realNow();
        onBatch(req);
      }
    }
    if (batch.length > 0) onBatch?.(batch[batch.length - 1]!);
  }
  return { requests, interrupted: false };
}
