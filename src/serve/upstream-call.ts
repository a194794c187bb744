/**
 * One attempt of `routebench serve` on one upstream target, as an undici dispatch handler (no
 * stream objects, no promise per call). A JSON answer is buffered and classified with the
 * dialect's client half. An SSE answer is decoded as it arrives: until its first content token the
 * bytes are held back (the attempt may still fail over); at the first token the owner may commit
 * it, and from then on every chunk goes straight to the client and the upstream's end, clean or
 * cut, becomes the client's. Ends exactly once, through `owner.ended`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TextDecoder } from 'node:util';
import type { Dispatcher } from 'undici';
import type { CallOutcome, Dialect, StreamDecoder, StreamEvent, Usage } from '../providers/dialects/dialect.js';
import { withUsage } from '../providers/dialects/outcome.js';
import type { EngineAttempt } from '../engine/engine-attempt.js';
import { disarm, type DeadlineEntry, type DeadlineQueue, type Deadlines } from './deadlines.js';
import type { Captured, Exchange } from './exchange.js';
import type { Upstream } from './upstreams.js';

/** How an attempt ended, for the machine: lost = aborted because another attempt's stream was committed. */
export type CallEnd = 'ok' | 'error' | 'timeout' | 'lost' | 'aborted';

export interface CallOwner {
  realNow(): number;
  /** Where attempts arm their timeouts (no Node timer per attempt). */
  readonly deadlines: Deadlines;
  /** The first content token of a streamed attempt arrived (the owner may commit it). */
  firstToken(call: UpstreamCall): void;
  ended(call: UpstreamCall): void;
}

/** A streamed attempt's first-token deadline (its attempt deadline is the call itself). */
class FirstTokenDeadline implements DeadlineEntry {
  dueAt = NaN;
  prev: DeadlineEntry | undefined = undefined;
  next: DeadlineEntry | undefined = undefined;
  queue: DeadlineQueue | undefined = undefined;
  constructor(private readonly call: UpstreamCall) {}
  expired(): void {
    this.call.stop('timeout');
  }
}

/** Sets `name` in a flat header list, replacing an earlier value (a client's `anthropic-version` over the default). */
function setHeader(list: string[], name: string, value: string): void {
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === name) {
      list[i + 1] = value;
      return;
    }
  }
  list.push(name, value);
}

/** Attempt numbers as header values, made once. */
const ATTEMPT_NUMBERS = Array.from({ length: 16 }, (_, i) => String(i));

export class UpstreamCall implements Dispatcher.DispatchHandler, Captured, DeadlineEntry {
  readonly targetId: string;
  status = 0;
  headers: IncomingHttpHeaders | undefined;
  readonly chunks: Buffer[] = [];
  ending: Captured['ending'] = undefined;
  refused = false;
  /** Its stream reached the client: chunks are written through. */
  committed = false;
  end: CallEnd = 'error';
  /** The dialect's verdict (JSON body, or the stream's end); undefined for timeouts and cancels. */
  outcome: CallOutcome | undefined;
  sentAt = NaN;
  firstByteAt = NaN;
  firstTokenAt = NaN;
  endAt = NaN;
  tokens = 0; // output tokens seen in the stream so far
  private isStream = false;
  private decoder: StreamDecoder | undefined;
  private utf8: TextDecoder | undefined;
  private usage: Usage | undefined;
  private streamOutcome: CallOutcome | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private stopping: 'timeout' | 'lost' | 'aborted' | undefined;
  /** The attempt timeout's place in its deadline queue. */
  dueAt = NaN;
  prev: DeadlineEntry | undefined = undefined;
  next: DeadlineEntry | undefined = undefined;
  queue: DeadlineQueue | undefined = undefined;
  private firstTokenDeadline: FirstTokenDeadline | undefined;
  private settled = false;

  constructor(
    private readonly owner: CallOwner,
    readonly att: EngineAttempt,
    readonly exchange: Exchange,
    readonly upstream: Upstream,
    private readonly dialect: Dialect,
  ) {
    this.targetId = upstream.target.id;
  }

  /** Sends the request; timeouts in real ms (Infinity: none). */
  start(timeoutMs: number, firstTokenTimeoutMs: number): void {
    const ex = this.exchange;
    const up = this.upstream;
    // undici takes a flat [name, value, ...] list: no object to build per attempt, one array literal.
    const n = this.att.attemptOnTarget;
    // The strategy caps this attempt's output (Portkey override_params.max_tokens): the body says so
    // to the upstream, and the marker (the smaller of its count and the cap) to a routebench mock.
    const cap = this.att.maxOutputTokens < Infinity ? this.att.maxOutputTokens : undefined;
    const sent = this.att.asSent;
    const tokens = sent === ex ? ex.markerTokens : `${ex.inputTokens},${ex.cachedTokens},${sent.outputTokens}`;
    const headers = ['x-routebench-request', ex.markerRequest, 'x-routebench-attempt', ATTEMPT_NUMBERS[n] ?? String(n), 'x-routebench-run', ex.runKey, 'x-routebench-tokens', tokens];
    // A mock with models of its own (mock.models) draws from the model the client asked for (the body carries the target's).
    if (!up.live && up.target.models !== undefined) headers.push('x-routebench-model', encodeURIComponent(ex.route));
    const fixed = up.headerList;
    for (let i = 0; i < fixed.length; i++) headers.push(fixed[i]!);
    if (ex.passed !== undefined) for (let i = 0; i < ex.passed.length; i += 2) setHeader(headers, ex.passed[i]!, ex.passed[i + 1]!);
    this.sentAt = this.owner.realNow();
    // Whole ms, at least 1, as setTimeout counts them; a pending deadline alone never keeps the process alive.
    const deadlines = this.owner.deadlines;
    if (timeoutMs < 2_147_483_647) deadlines.arm(this, this.sentAt, Math.max(1, Math.ceil(timeoutMs)));
    if (ex.stream && firstTokenTimeoutMs < 2_147_483_647) deadlines.arm((this.firstTokenDeadline = new FirstTokenDeadline(this)), this.sentAt, Math.max(1, Math.ceil(firstTokenTimeoutMs)));
    up.pool.dispatch({ path: up.path, method: 'POST', headers, body: ex.bodyFor(up.model, cap) }, this);
  }

  /** The attempt timeout passed. */
  expired(): void {
    this.stop('timeout');
  }

  /** Ends the attempt early: its timeout, a committed rival (lost), or the machine cancelled it (aborted). */
  stop(why: 'timeout' | 'lost' | 'aborted'): void {
    if (this.settled || this.stopping) return;
    this.stopping = why;
    this.controller?.abort(new Error(`routebench serve: attempt ${why === 'timeout' ? 'timed out' : 'cancelled'}`));
    if (this.settled) return; // the abort already reported the end
    this.ending = why === 'timeout' ? 'timeout' : 'cancelled';
    this.end = why;
    if (this.committed) this.exchange.res.destroy();
    this.settle();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.stopping) controller.abort(new Error('routebench serve: attempt cancelled before it was sent'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (this.settled) return;
    this.firstByteAt = this.owner.realNow();
    this.status = statusCode;
    this.headers = headers;
    const type = headers['content-type'];
    if (statusCode === 200 && this.exchange.stream && typeof type === 'string' && type.includes('text/event-stream')) {
      this.isStream = true;
      this.decoder = this.dialect.createStreamDecoder();
      this.utf8 = new TextDecoder();
    }
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (!this.isStream) {
      this.chunks.push(chunk);
      return;
    }
    if (this.committed) this.write(c, chunk);
    else this.chunks.push(chunk);
    this.take(this.decoder!.push(this.utf8!.decode(chunk, { stream: true })));
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.ending = 'end';
    if (this.isStream) {
      this.take(this.decoder!.end());
      const o = this.streamOutcome ?? { ok: false, status: 200, kind: 'truncated', retryable: true };
      this.outcome = o.ok && this.usage ? withUsage(o, this.usage) : o;
      if (this.committed) this.exchange.res.end();
    } else {
      const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.outcome = this.dialect.decodeResponse(this.status, this.headers ?? {}, body.toString('utf8'));
    }
    this.end = this.outcome.ok ? 'ok' : 'error';
    this.settle();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.settled) return;
    const why = this.stopping;
    this.ending = why === undefined ? 'reset' : why === 'timeout' ? 'timeout' : 'cancelled';
    this.end = why ?? 'error';
    if (why === undefined) this.outcome = { ok: false, status: this.status, kind: 'connection_reset', retryable: true, message: err.message };
    this.refused = this.status === 0 && (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    if (this.committed) this.exchange.res.destroy();
    this.settle();
  }

  /** Output tokens the attempt produced: the usage it reported, else what the stream carried. */
  generated(): number {
    return this.outcome?.usage?.output ?? this.tokens;
  }

  /** routebench mocks state the exact wait (scenario ms); a live API's header is not trusted for it. */
  exactRetryAfterMs(): number | undefined {
    const v = this.upstream.live ? undefined : this.headers?.['x-routebench-retry-after-ms'];
    return typeof v === 'string' ? Number(v) : undefined;
  }

  private write(c: Dispatcher.DispatchController, chunk: Buffer): void {
    const res = this.exchange.res;
    if (res.destroyed) return;
    if (!res.write(chunk) && !c.paused) {
      c.pause();
      res.once('drain', () => c.resume());
    }
  }

  private take(events: StreamEvent[]): void {
    for (const e of events) {
      if (e.type === 'first-token') {
        if (this.firstTokenAt === this.firstTokenAt) continue;
        this.firstTokenAt = this.owner.realNow();
        if (this.firstTokenDeadline !== undefined) disarm(this.firstTokenDeadline);
        this.owner.firstToken(this);
        if (this.settled) return;
      } else if (e.type === 'tokens') this.tokens += e.count;
      else if (e.type === 'usage') this.usage = e.usage;
      else if (e.type === 'error') this.streamOutcome ??= e.outcome;
      else this.streamOutcome ??= { ok: true, status: 200, retryable: false, finishReason: e.finishReason };
    }
  }

  private settle(): void {
    this.settled = true;
    this.endAt = this.owner.realNow();
    disarm(this);
    if (this.firstTokenDeadline !== undefined) disarm(this.firstTokenDeadline);
    this.owner.ended(this);
  }
}
