/**
 * When a mock stream's tokens arrive, shared by both dialects' encodeStream.
 *
 * Token i (0-based) is generated at `ttft + i / tokensPerMs`; the terminator follows at
 * `ttft + N / tokensPerMs`, so first token and end match the mock model's TTFT and duration.
 * Chunking rule: while tokens are at least `minGapMs` apart every delta carries one token (as real
 * APIs stream); when they come faster, deltas carry k = ceil(minGapMs · tokensPerMs) tokens each
 * (k to 2k − 1 for the last one, which absorbs a short tail) and are sent when their last token
 * is generated, so deltas stay ≥ minGapMs apart. The first token always travels alone, keeping
 * TTFT exact (so the second delta may follow it sooner). A stall shifts every later token by its
 * length, and no delta straddles it.
 */
import type { ErrorKind } from '../canonical.js';
import { DEFAULT_MIN_GAP_MS, type MockReply, type StreamPlan } from './dialect.js';

export interface TokenDelta {
  atMs: number;
  /** Tokens [from, to). */
  from: number;
  to: number;
}

export interface StreamSchedule {
  /** When the opening events (role chunk / message_start) go out. */
  startMs: number;
  deltas: TokenDelta[];
  /** Keep-alive times during a finite stall (only with plan.pingEveryMs). */
  pings: number[];
  /** done: terminator; truncate: clean close; error: in-band error event; stall: idle forever. */
  end: 'done' | 'truncate' | 'error' | 'stall';
  endMs: number;
  errorKind?: ErrorKind;
}

const clampCount = (n: number, max: number) => Math.min(max, Math.max(0, Math.floor(n)));

export function scheduleStream(r: MockReply, plan: StreamPlan = {}): StreamSchedule {
  if (plan.truncate && plan.error) throw new RangeError('a stream plan takes truncate or error, not both');
  const n = clampCount(r.outputTokens, Number.MAX_SAFE_INTEGER);
  const gap = r.tokensPerMs > 0 && Number.isFinite(r.tokensPerMs) ? 1 / r.tokensPerMs : 0;
  const minGap = plan.minGapMs ?? DEFAULT_MIN_GAP_MS;
  const per = gap >= minGap ? 1 : gap > 0 ? Math.ceil(minGap / gap) : Math.max(1, n);
  const stallAt = plan.stall ? clampCount(plan.stall.afterTokens, n) : Infinity;
  const stallMs = plan.stall ? Math.max(0, plan.stall.ms) : 0;
  const at = (i: number) => r.ttftMs + i * gap + (i >= stallAt ? stallMs : 0);

  const cut = plan.truncate ?? plan.error;
  let limit = cut ? clampCount(cut.afterTokens, n) : n;
  let end: StreamSchedule['end'] = plan.truncate ? 'truncate' : plan.error ? 'error' : 'done';
  if (stallMs === Infinity && stallAt <= limit) {
    limit = stallAt;
    end = 'stall';
  }

  const deltas: TokenDelta[] = [];
  for (let i = 0; i < limit; ) {
    const stop = Math.min(limit, i < stallAt ? stallAt : Infinity); // a delta never straddles a stall
    let to = i === 0 ? 1 : Math.min(i + per, stop);
    if (i > 0 && stop - to < per) to = stop; // a short tail joins this delta, keeping the spacing
    deltas.push({ atMs: at(to - 1), from: i, to });
    i = to;
  }
  const last = deltas.length > 0 ? deltas[deltas.length - 1]!.atMs : -Infinity;
  let endMs: number;
  if (end === 'stall') endMs = Infinity;
  else if (end === 'done') endMs = at(n);
  else endMs = Math.max(last, cut?.atMs ?? at(limit));
  const startMs = Math.max(0, Math.min(r.ttftMs, endMs));

  const pings: number[] = [];
  const every = plan.pingEveryMs ?? 0;
  if (every > 0 && stallMs > 0 && stallMs !== Infinity && stallAt <= limit) {
    const from = stallAt === 0 ? startMs : at(stallAt - 1);
    const until = stallAt < n ? at(stallAt) : endMs;
    for (let t = from + every; t < until; t += every) pings.push(t);
  }
  const out: StreamSchedule = { startMs, deltas, pings, end, endMs };
  if (end === 'error') out.errorKind = plan.error?.kind;
  return out;
}
