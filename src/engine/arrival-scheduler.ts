/**
 * Open-loop arrivals on the real clock: each request is started at its scheduled time whether or
 * not earlier ones finished (wrk2's rule). Sleeps with a timer until just before the due time, then
 * yields with setImmediate until it is due, which keeps the lag (actual − scheduled) around a
 * millisecond at a thousand requests per second without spinning a core.
 */
import type { TrafficRequest } from '../traffic/traffic-request.js';

export interface ArrivalTarget {
  /** Real time (performance.now()) at which scenario time `ms` falls. */
  realAt(ms: number): number;
  arrive(req: TrafficRequest): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Feeds every batch to the target at its scheduled times; stops early when `signal` aborts. */
export async function scheduleArrivals(
  batches: AsyncIterable<TrafficRequest[]>,
  target: ArrivalTarget,
  realNow: () => number,
  signal?: AbortSignal,
  onBatch?: (last: TrafficRequest) => void,
): Promise<{ requests: number; interrupted: boolean }> {
  let requests = 0;
  for await (const batch of batches) {
    for (const req of batch) {
      const due = target.realAt(req.arrivalMs);
      for (;;) {
        if (signal?.aborted) return { requests, interrupted: true };
        const ahead = due - realNow();
        if (ahead <= 0) break;
        if (ahead > 3) await sleep(ahead - 2);
        else await tick();
      }
      target.arrive(req);
      requests++;
    }
    if (batch.length > 0) onBatch?.(batch[batch.length - 1]!);
  }
  return { requests, interrupted: false };
}
