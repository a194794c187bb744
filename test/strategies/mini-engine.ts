/**
 * The real RequestMachine on a tiny virtual-time driver whose attempt outcomes come from a
 * script, so tests get the engine's exact decide/observe protocol (timer generations, hedge
 * cancellation, wait-without-ms checks) without mocks or DuckDB. Every decision is logged; an
 * outer "wrapper" can block targets through ctx.blockMask the way circuit-breaker does.
 */
import type { EngineAttempt, RequestState } from '../../src/engine/engine-attempt.js';
import { RequestMachine, type MachineDriver } from '../../src/engine/request-machine.js';
import { combineSeeds, Rng } from '../../src/rng.js';
import { ERROR_KINDS, KIND_RETRYABLE, type ErrorKind } from '../../src/providers/canonical.js';
import type { Decision, Router, Trigger } from '../../src/strategies/strategy.js';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';
import { makeRequest, type Built } from './fake-context.js';

export interface ScriptedResult {
  outcome: 'ok' | 'error' | 'timeout';
  errorKind?: ErrorKind;
  /** How long the attempt takes (a longer one than its timeout becomes a timeout). */
  latencyMs: number;
  ttftMs?: number;
  retryAfterMs?: number;
}
export type Script = (a: { request: TrafficRequest; target: number; attempt: number; attemptOnTarget: number; sentMs: number }) => ScriptedResult;

export interface LoggedDecision {
  request: number;
  now: number;
  trigger: Trigger;
  decision: Decision;
  /** Targets the outer wrapper blocked for this decision. */
  blocked: readonly number[];
}

type Ev = { at: number; seq: number; att?: EngineAttempt; state?: RequestState; gen?: number };

export class MiniEngine implements MachineDriver {
  private t = 0;
  private seq = 0;
  private events: Ev[] = [];
  readonly machine: RequestMachine;
  readonly log: LoggedDecision[] = [];
  readonly finishedStates: RequestState[] = [];
  /** Targets an outer wrapper blocks (ctx.blockMask) at every decision. */
  blockedTargets: readonly number[] = [];
  private readonly maxEvents: number;

  constructor(readonly built: Built, private readonly script: Script, opts: { maxAttempts?: number; maxEvents?: number } = {}) {
    const inner = built.router;
    const wrapper: Router = {
      decide: (ctx) => {
        const blocked = this.blockedTargets;
        for (const t of blocked) ctx.blockMask[t]!++;
        let d: Decision;
        try {
          d = inner.decide(ctx);
        } finally {
          for (const t of blocked) ctx.blockMask[t]!--;
        }
        this.log.push({ request: ctx.request.index, now: ctx.now, trigger: ctx.trigger, decision: d, blocked });
        return d;
      },
      observe: inner.observe ? (a, now) => inner.observe!(a, now) : undefined,
    };
    this.machine = new RequestMachine(wrapper, built.targets, built.slotCount, opts.maxAttempts ?? 1000, this);
    this.maxEvents = opts.maxEvents ?? 100_000;
  }

  now(): number {
    return this.t;
  }

  startAttempt(att: EngineAttempt): void {
    const r = this.script({ request: att.request, target: att.target, attempt: att.attempt, attemptOnTarget: att.attemptOnTarget, sentMs: att.sentMs });
    const timedOut = r.latencyMs > att.timeoutMs || r.outcome === 'timeout';
    att.outcome = timedOut ? 'timeout' : r.outcome;
    att.errorKind = timedOut ? 'timeout' : r.outcome === 'ok' ? undefined : (r.errorKind ?? 'server_error');
    att.status = att.errorKind === undefined ? 200 : 500;
    att.retryable = att.errorKind === undefined ? false : KIND_RETRYABLE[att.errorKind];
    att.retryAfterMs = r.retryAfterMs;
    att.firstTokenAt = r.ttftMs !== undefined ? att.sentMs + r.ttftMs : NaN;
    att.dueAt = att.sentMs + Math.min(r.latencyMs, att.timeoutMs);
    this.push({ at: att.dueAt, seq: 0, att });
  }

  cancelAttempt(att: EngineAttempt, outcome: 'hedge_lost' | 'aborted'): void {
    att.outcome = outcome;
    att.endMs = this.t;
    att.errorKind = undefined;
    att.retryable = false;
    att.retryAfterMs = undefined;
    if (!(att.firstTokenAt <= this.t)) att.firstTokenAt = NaN;
  }

  setTimer(state: RequestState, at: number, gen: number): void {
    this.push({ at, seq: 0, state, gen });
  }

  finished(state: RequestState): void {
    // The engine pools request and attempt objects: keep a copy, as the store keeps rows.
    const copy = <T extends object>(o: T): T => Object.assign(Object.create(Object.getPrototypeOf(o) as object) as T, o);
    const attempts = new Map(state.sent.map((a) => [a, copy(a)]));
    const snapshot = copy(state);
    Object.assign(snapshot, { sent: state.sent.map((a) => attempts.get(a)!), attempts: state.attempts.map((a) => attempts.get(a)!), pending: [], slots: [...state.slots] });
    this.finishedStates.push(snapshot);
  }

  /** Runs events up to the request's arrival, then the arrival. */
  arrive(partial: Partial<TrafficRequest>): RequestState {
    const req = makeRequest(partial);
    this.runUntil(req.arrivalMs);
    this.t = Math.max(this.t, req.arrivalMs);
    return this.machine.arrive(req);
  }

  /** Runs every remaining event. */
  drain(): void {
    this.runUntil(Infinity);
  }

  /** `n` requests one after another (each drained before the next arrives), `gapMs` apart. */
  runSequential(n: number, gapMs = 1000, partial: Partial<TrafficRequest> = {}): RequestState[] {
    const from = this.finishedStates.length;
    for (let i = 0; i < n; i++) {
      this.arrive({ ...partial, index: i, arrivalMs: Math.max(this.t, i * gapMs) });
      this.drain();
    }
    // snapshots: the live objects are pooled and reused by the engine
    return this.finishedStates.slice(from);
  }

  private push(ev: Ev): void {
    ev.seq = this.seq++;
    this.events.push(ev);
  }

  private runUntil(limit: number): void {
    let n = 0;
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.events.length; i++) {
        const e = this.events[i]!;
        const b = best < 0 ? undefined : this.events[best]!;
        if (e.at <= limit && (b === undefined || e.at < b.at || (e.at === b.at && e.seq < b.seq))) best = i;
      }
      if (best < 0) return;
      if (++n > this.maxEvents) throw new Error(`mini engine: more than ${this.maxEvents} events; a router never finishes`);
      const ev = this.events.splice(best, 1)[0]!;
      this.t = ev.at;
      if (ev.att) {
        if (ev.att.cancelled) continue;
        ev.att.endMs = this.t;
        this.machine.attemptEnded(ev.att);
      } else this.machine.timerFired(ev.state!, ev.gen!);
    }
  }
}

/** A seeded mixed script: share `okShare` succeed, the rest fail with a random retryable kind. */
export function mixedScript(seed: number, okShare = 0.6): Script {
  const kinds = ERROR_KINDS.filter((k) => k !== 'timeout');
  return ({ request, attempt }) => {
    const r = new Rng(combineSeeds(seed, request.index), attempt);
    const latencyMs = 20 + Math.floor(r.next() * 3000);
    const ok = r.next() < okShare;
    const kind = kinds[r.int(kinds.length)]!;
    return ok ? { outcome: 'ok', latencyMs, ttftMs: Math.floor(latencyMs / 3) } : { outcome: 'error', errorKind: kind, latencyMs: latencyMs / 10, retryAfterMs: r.next() < 0.5 ? 700 : undefined };
  };
}

export const sends = (log: readonly LoggedDecision[]) => log.filter((l) => l.decision.type === 'send' || l.decision.type === 'hedge');
export const targetOfDecision = (d: Decision): number => (d.type === 'send' || d.type === 'hedge' ? d.target : -1);
