/**
 * The request machine's driver inside `routebench serve`: the same state machine and strategy code
 * as simulate and replay, with client requests as arrivals, upstream calls as attempts and real
 * timers. One router for the server's life, so its state (cooldowns, breakers, EWMA) carries across
 * requests. Times given to the machine are scenario ms since the server started (real × timeScale).
 *
 * Streams: the first attempt whose first content token arrives is committed to the client; the
 * request is then marked stopped (no failover, no retry, no new hedge) and its rival attempts are
 * aborted (recorded as hedge_lost). No rows are written: serve is a gateway, not a run.
 */
import { dialects } from '../providers/dialects/index.js';
import type { EngineAttempt, RequestState } from '../engine/engine-attempt.js';
import { RequestMachine, type MachineDriver } from '../engine/request-machine.js';
import type { Router } from '../strategies/strategy.js';
import { recordCall, recordCancel } from './attempt-result.js';
import type { Captured, Exchange, OwnAnswer } from './exchange.js';
import { serveError, type ServeError } from './serve-errors.js';
import { Deadlines } from './deadlines.js';
import { UpstreamCall, type CallOwner } from './upstream-call.js';
import type { UpstreamSet } from './upstreams.js';

export interface ServeDriverParts {
  router: Router;
  slotCount: number;
  upstreams: UpstreamSet;
  maxAttempts: number;
  /** Scenario ms per real ms (mocks sped up by the same factor). */
  timeScale: number;
  /** performance.now(), injected. */
  realNow: () => number;
  /** Per endpoint dialect: does the strategy reach any target of it (for a 400 instead of a 503)? */
  reaches: Readonly<Record<'openai' | 'anthropic', boolean>>;
  /** A harness fault (a strategy bug) while routing a request: that request gets a 500, serving goes on. */
  onFault?: (e: unknown) => void;
}

export interface ServeCounters {
  requests: number;
  ok: number;
  attempts: number;
  failovers: number;
}

/** The call of `att` among its request's calls in flight. */
function callOf(ex: Exchange, att: EngineAttempt): UpstreamCall | undefined {
  for (const c of ex.calls) if (c.att === att) return c;
  return undefined;
}

export class ServeDriver implements MachineDriver, CallOwner, OwnAnswer {
  readonly machine: RequestMachine;
  readonly counters: ServeCounters = { requests: 0, ok: 0, attempts: 0, failovers: 0 };
  /** Requests not finished yet (for a shutdown): a list linked through the exchanges, no set to hash into. */
  private openHead: Exchange | undefined = undefined;
  /** Shutting down: nothing new is sent, no timer fires. */
  private closing = false;
  private readonly t0: number;
  readonly realNow: () => number;
  readonly deadlines: Deadlines;

  constructor(private readonly p: ServeDriverParts) {
    const targets = p.upstreams.byTarget.map((u) => u.target);
    this.machine = new RequestMachine(p.router, targets, p.slotCount, p.maxAttempts, this);
    this.realNow = p.realNow;
    this.deadlines = new Deadlines(p.realNow);
    this.t0 = p.realNow();
  }

  now(): number {
    return (this.p.realNow() - this.t0) * this.p.timeScale;
  }

  /** A client request to route; answers it when it is over. */
  arrive(ex: Exchange): void {
    this.counters.requests++;
    ex.state = undefined;
    try {
      const state = this.machine.arrive(ex);
      if (!state.done && state.request === ex) {
        ex.state = state;
        this.link(ex);
      }
    } catch (e) {
      this.fault(ex, e);
    }
  }

  /** The client went away before its answer was complete: every attempt in flight is cancelled. */
  clientGone(ex: Exchange): void {
    const state = ex.state;
    if (state === undefined || state.request !== ex || state.done) return;
    try {
      this.machine.abort(state);
    } catch (e) {
      this.fault(ex, e);
    }
  }

  /** Shutdown: every open request ends now (its attempts aborted, its client cut), and nothing new is sent. */
  abortAll(): void {
    this.closing = true;
    const open: Exchange[] = [];
    for (let ex = this.openHead; ex !== undefined; ex = ex.nextOpen) open.push(ex);
    for (const ex of open) {
      ex.res.destroy();
      this.clientGone(ex);
    }
  }

  private link(ex: Exchange): void {
    ex.prevOpen = undefined;
    ex.nextOpen = this.openHead;
    if (this.openHead !== undefined) this.openHead.prevOpen = ex;
    this.openHead = ex;
  }

  private unlink(ex: Exchange): void {
    if (ex.prevOpen === undefined && this.openHead !== ex) return; // not in the list
    if (ex.prevOpen !== undefined) ex.prevOpen.nextOpen = ex.nextOpen;
    else this.openHead = ex.nextOpen;
    if (ex.nextOpen !== undefined) ex.nextOpen.prevOpen = ex.prevOpen;
    ex.prevOpen = ex.nextOpen = undefined;
  }

  startAttempt(att: EngineAttempt): void {
    const ex = att.request as Exchange;
    const upstream = this.p.upstreams.byTarget[att.target]!;
    att.queued = true;
    this.counters.attempts++;
    const call = new UpstreamCall(this, att, ex, upstream, dialects[upstream.target.dialect]);
    ex.calls.push(call);
    const scale = this.p.timeScale;
    call.start(att.timeoutMs / scale, att.firstTokenTimeoutMs / scale);
  }

  firstToken(call: UpstreamCall): void {
    const att = call.att;
    if (att.cancelled) return;
    att.firstTokenAt = this.toScenario(call.firstTokenAt);
    const ex = call.exchange;
    const state = ex.state;
    if (ex.committed !== undefined || state === undefined || state.request !== ex) return;
    // Committed: no failover from here on; the rivals in flight are aborted.
    state.stopped = true;
    state.stopReason = att.reason;
    call.committed = true;
    ex.commit(call, state.sent.length, att.reason);
    for (const other of [...state.pending]) if (other !== att) callOf(ex, other)?.stop('lost');
  }

  ended(call: UpstreamCall): void {
    const att = call.att;
    const calls = call.exchange.calls;
    const i = calls.indexOf(call);
    if (i >= 0) {
      calls[i] = calls[calls.length - 1]!;
      calls.pop();
    }
    att.queued = false;
    if (att.releaseOnPop) return this.machine.pool.releaseAttempt(att);
    if (att.cancelled) return;
    const ex = call.exchange;
    recordCall(att, call, this.p.timeScale, this.toScenario);
    if (call.end === 'ok') ex.winner ??= call;
    else if (call.end !== 'lost') ex.last = call;
    try {
      this.machine.attemptEnded(att);
    } catch (e) {
      this.fault(ex, e);
    }
  }

  cancelAttempt(att: EngineAttempt, outcome: 'hedge_lost' | 'aborted'): void {
    recordCancel(att, outcome, this.now(), this.p.upstreams.byTarget[att.target]!.target.price);
    callOf(att.request as Exchange, att)?.stop('aborted');
  }

  setTimer(state: RequestState, at: number, gen: number): void {
    const delay = Math.max(0, (at - this.now()) / this.p.timeScale);
    const ex = state.request as Exchange;
    setTimeout(() => {
      if (this.closing) return;
      try {
        this.machine.timerFired(state, gen);
      } catch (e) {
        this.fault(ex, e);
      }
    }, delay).unref();
  }

  finished(state: RequestState): void {
    const ex = state.request as Exchange;
    ex.state = undefined;
    this.unlink(ex);
    const attempts = state.sent.length;
    if (state.succeeded) this.counters.ok++;
    if (attempts > 1 && new Set(state.sent.map((a) => a.target)).size > 1) this.counters.failovers++;
    const reason = state.stopReason !== '' ? state.stopReason : attempts > 0 ? state.sent[attempts - 1]!.reason : '';
    ex.finish(attempts, reason, this, state.refused);
  }

  ownAnswer(ex: Exchange, reason: string, timedOut: Captured | undefined, refused: boolean): ServeError {
    if (refused) return serveError(ex.dialect, 'refused', `refused by the gateway's policy: ${reason || 'no reason given'}`);
    if (timedOut !== undefined) return serveError(ex.dialect, 'timeout', `${timedOut.targetId} did not answer in time (${reason})`);
    if (!this.p.reaches[ex.dialect]) {
      const path = ex.dialect === 'openai' ? '/v1/messages' : '/v1/chat/completions';
      return serveError(ex.dialect, 'invalid_request', `this strategy has no ${ex.dialect}-dialect target, and serve does not translate between dialects; send ${path} requests instead`, 400);
    }
    return serveError(ex.dialect, 'no_target', `the strategy sent no attempt: ${reason || 'no reason given'}`);
  }

  /** A strategy bug while routing `ex`: reported, the request answered with a 500 and its attempts abandoned. */
  private fault(ex: Exchange, e: unknown): void {
    this.p.onFault?.(e);
    ex.answer(serveError(ex.dialect, 'internal', (e as Error)?.message ?? String(e)));
    const state = ex.state;
    ex.state = undefined;
    this.unlink(ex);
    if (state !== undefined && state.request === ex && !state.done) {
      try {
        this.machine.abort(state);
      } catch {
        // already reported; the request is answered
      }
    }
  }

  private readonly toScenario = (real: number): number => (real === real ? (real - this.t0) * this.p.timeScale : NaN);
}
