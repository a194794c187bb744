/**
 * Plays a mock reply plan over time for any writer (node:http response, msw ReadableStream): one
 * timer at a time for the next due event, every due event written together; what is due within
 * half a millisecond is written at once, without a timer. Cancelling stops it.
 */
import type { MockReplyPlan } from './mock-service.js';

export interface ReplyWriter {
  /** Status line and headers (streams: sent at once; JSON: with the body). */
  head(status: number, headers: Record<string, string>): void;
  write(chunk: string): void;
  /** Clean end of the body. */
  end(): void;
  /** The last events and the clean end in one write (one syscall, not two). Without it: write, end. */
  endWith?(last: string): void;
  /** Drop the connection (TCP reset / network error). */
  reset(): void;
  /** A whole reply at once (JSON): status, headers and body, then the end. Without it: head, write, end. */
  whole?(status: number, headers: Record<string, string>, body: string): void;
}

/** Events due within this many ms are played at once rather than on a timer. */
const DUE_NOW_MS = 0.5;

/**
 * Starts playing `plan`; returns a cancel function (the caller hung up). `onDone` runs once when the
 * reply is over: `abandoned` false when it was played to its end, true when it was cancelled first
 * (a hang the caller gave up on, a stream it stopped reading): the mock then records the call as
 * abandoned and bills it as cut off at that moment.
 */
export function playReply(plan: MockReplyPlan, w: ReplyWriter, onDone: (abandoned: boolean) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  const finish = (abandoned = false) => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    onDone(abandoned);
  };
  const start = performance.now();
  const at = (ms: number, fn: () => void) => {
    const wait = start + ms - performance.now();
    // A timer waits at least 1 ms (and often 1-2 ms more): what is due within half a millisecond
    // is sent now, as the stream's batching below already does.
    if (wait < DUE_NOW_MS) fn();
    else timer = setTimeout(fn, wait);
  };
  switch (plan.type) {
    case 'json':
      at(plan.afterMs, () => {
        const { status, headers, body } = plan.response;
        if (w.whole) w.whole(status, headers, body);
        else {
          w.head(status, headers);
          w.write(body);
          w.end();
        }
        finish();
      });
      break;
    case 'reset':
      at(plan.afterMs, () => {
        w.reset();
        finish();
      });
      break;
    case 'hang':
      break;
    case 'stream': {
      const { stream } = plan;
      w.head(stream.status, stream.headers);
      let i = 0;
      const step = () => {
        const elapsed = performance.now() - start;
        let batch = '';
        while (i < stream.events.length && stream.events[i]!.atMs <= elapsed + DUE_NOW_MS) batch += stream.events[i++]!.data;
        const more = i < stream.events.length;
        const stall = !more && (stream.keepOpen || !Number.isFinite(stream.endMs));
        if (w.endWith && !more && !stall && !plan.resetAtEnd && batch && stream.endMs - (performance.now() - start) < DUE_NOW_MS) {
          w.endWith(batch); // the last events and a clean end due now
          return finish();
        }
        if (batch) w.write(batch);
        if (more) return at(stream.events[i]!.atMs, step);
        if (stall) return; // an idle stall: the client times out
        at(stream.endMs, () => {
          if (plan.resetAtEnd) w.reset();
          else w.end();
          finish();
        });
      };
      step();
      break;
    }
  }
  return () => finish(true);
}
