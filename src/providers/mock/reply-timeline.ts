/**
 * Plays a mock reply plan over time for any writer (node:http response, msw ReadableStream): one
 * timer at a time for the next due event, every due event written together. Cancelling stops it.
 */
import type { MockReplyPlan } from './mock-service.js';

export interface ReplyWriter {
  /** Status line and headers (streams: sent at once; JSON: with the body). */
  head(status: number, headers: Record<string, string>): void;
  write(chunk: string): void;
  /** Clean end of the body. */
  end(): void;
  /** Drop the connection (TCP reset / network error). */
  reset(): void;
}

/** Starts playing `plan`; returns a cancel function. `onDone` runs once when the reply is over. */
export function playReply(plan: MockReplyPlan, w: ReplyWriter, onDone: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    onDone();
  };
  const start = performance.now();
  const at = (ms: number, fn: () => void) => {
    timer = setTimeout(fn, Math.max(0, start + ms - performance.now()));
  };
  switch (plan.type) {
    case 'json':
      at(plan.afterMs, () => {
        w.head(plan.response.status, plan.response.headers);
        w.write(plan.response.body);
        w.end();
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
        while (i < stream.events.length && stream.events[i]!.atMs <= elapsed + 0.5) batch += stream.events[i++]!.data;
        if (batch) w.write(batch);
        if (i < stream.events.length) return at(stream.events[i]!.atMs, step);
        if (stream.keepOpen || !Number.isFinite(stream.endMs)) return; // an idle stall: the client times out
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
  return finish;
}
