/**
 * Simulate mode: one run (scenario × strategy × seed) on virtual time against the seeded mock
 * model. Arrivals are open-loop: each request starts at its scheduled time whatever else is in
 * flight. Attempt outcomes are sampled when sent and their completion is scheduled on the event
 * queue; no promise or timer per request.
 */
import { KIND_RETRYABLE, ERROR_KINDS, type ErrorKind } from '../providers/canonical.js';
import { newDraw, type MockTarget } from '../providers/mock/mock-model.js';
import type { Router, TargetInfo } from '../strategies/strategy.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import type { AttemptRows } from './attempt-rows.js';
import { bill, billedOutput, priceFor, type Generation } from './billing.js';
import type { EngineAttempt, RequestState } from './engine-attempt.js';
import { EventQueue } from './event-queue.js';
import { RequestMachine, type MachineDriver } from './request-machine.js';

const ATTEMPT_END = 0;
const TIMER = 1;

export interface SimulationParts {
  router: Router;
  slotCount: number;
  targets: readonly TargetInfo[];
  mocks: readonly MockTarget[];
  maxAttempts: number;
  rows: AttemptRows;
}

export class SimulatedRun implements MachineDriver {
  private readonly queue = new EventQueue(4096);
  private readonly machine: RequestMachine;
  private readonly draw = newDraw();
  /** Live attempts and timers, addressed by the event's ref (free-listed). */
  private readonly refs: (EngineAttempt | RequestState | undefined)[] = [];
  private readonly timerGens: number[] = [];
  private readonly free: number[] = [];
  private t = 0;
  /** Requests that arrived but have not finished. */
  open = 0;
  lastArrivalMs = 0;

  constructor(private readonly parts: SimulationParts) {
    this.machine = new RequestMachine(parts.router, parts.targets, parts.slotCount, parts.maxAttempts, this);
  }

  now(): number {
    return this.t;
  }

  /** Runs every event up to each request's arrival, then the arrival itself. */
  feed(batch: readonly TrafficRequest[]): void {
    for (let i = 0; i < batch.length; i++) {
      const req = batch[i]!;
      this.runUntil(req.arrivalMs);
      this.t = req.arrivalMs;
      this.lastArrivalMs = req.arrivalMs;
      this.open++;
      this.machine.arrive(req);
    }
  }

  /** Runs the remaining events: every open request finishes. */
  drain(): void {
    this.runUntil(Infinity);
  }

  private runUntil(limit: number): void {
    const q = this.queue;
    while (q.size > 0 && q.peekTime() <= limit) {
      q.pop();
      this.t = q.popTime;
      const ref = q.popRef;
      const item = this.refs[ref]!;
      if (q.popKind === ATTEMPT_END) {
        this.release(ref);
        const att = item as EngineAttempt;
        att.queued = false;
        if (att.releaseOnPop) this.machine.pool.releaseAttempt(att);
        else if (!att.cancelled) {
          this.complete(att);
          this.machine.attemptEnded(att);
        }
      } else {
        const gen = this.timerGens[ref]!;
        this.release(ref);
        this.machine.timerFired(item as RequestState, gen);
      }
    }
  }

  startAttempt(att: EngineAttempt): void {
    const d = this.draw;
    const target = att.target;
    this.parts.mocks[target]!.draw(att.asSent, att.attemptOnTarget, this.t, this.machine.inFlight[target]! - 1, d);
    att.incident = d.incident;
    att.retryAfterMs = d.retryAfterMs >= 0 ? d.retryAfterMs : undefined;
    att.tokensPerMs = d.tokensPerMs;
    att.ttftAfter = d.kind === -1 || d.firstTokenMs === d.firstTokenMs ? d.firstTokenMs : Infinity;
    // A stream with no first token by the first-token timeout is abandoned then (errors that answer sooner are not).
    const limit = att.ttftAfter > att.firstTokenTimeoutMs ? Math.min(att.timeoutMs, att.firstTokenTimeoutMs) : att.timeoutMs;
    if (d.durationMs > limit) {
      att.outcome = 'timeout';
      att.errorKind = 'timeout';
      att.status = 0;
      att.dueAt = att.sentMs + limit;
      att.generated = d.tokensOut;
      att.firstTokenAt = limit >= att.ttftAfter ? att.sentMs + att.ttftAfter : NaN;
    } else {
      att.outcome = d.kind === -1 ? 'ok' : 'error';
      att.errorKind = d.kind === -1 ? undefined : (ERROR_KINDS[d.kind] as ErrorKind);
      att.status = d.status;
      att.dueAt = att.sentMs + d.durationMs;
      att.generated = d.tokensOut;
      att.firstTokenAt = d.firstTokenMs === d.firstTokenMs ? att.sentMs + d.firstTokenMs : NaN;
    }
    att.queued = true;
    this.queue.push(att.dueAt, ATTEMPT_END, this.hold(att));
  }

  /** What the provider generates for the attempt (billing.ts): the draw's TTFT, pace and whole output. */
  private readonly gen: Generation = { ttftMs: NaN, tokensPerMs: 0, tokensOut: 0 };
  private generation(att: EngineAttempt): Generation {
    this.gen.ttftMs = att.ttftAfter;
    this.gen.tokensPerMs = att.tokensPerMs;
    this.gen.tokensOut = att.generated;
    return this.gen;
  }

  /** Fills in the end of an attempt that ran to its sampled end (or to its timeout: the client hung up then). */
  private complete(att: EngineAttempt): void {
    att.endMs = att.dueAt;
    att.retryable = att.errorKind === undefined ? false : KIND_RETRYABLE[att.errorKind];
    const g = this.generation(att);
    bill(att, priceFor(this.parts.targets[att.target]!, att.request.route), att.outcome === 'timeout' ? billedOutput(false, g, att.endMs - att.sentMs) : billedOutput(att.outcome === 'ok', g));
  }

  cancelAttempt(att: EngineAttempt, outcome: 'hedge_lost' | 'aborted'): void {
    const elapsed = this.t - att.sentMs;
    att.outcome = outcome;
    att.endMs = this.t;
    att.errorKind = undefined;
    att.status = 0;
    att.retryable = false;
    att.retryAfterMs = undefined;
    att.incident = -1;
    if (!(att.firstTokenAt <= this.t)) att.firstTokenAt = NaN;
    bill(att, priceFor(this.parts.targets[att.target]!, att.request.route), billedOutput(false, this.generation(att), elapsed));
  }

  setTimer(state: RequestState, at: number, gen: number): void {
    const ref = this.hold(state);
    this.timerGens[ref] = gen;
    this.queue.push(at, TIMER, ref);
  }

  finished(state: RequestState): void {
    this.open--;
    this.parts.rows.addRequest(state, this.t);
  }

  private hold(item: EngineAttempt | RequestState): number {
    const ref = this.free.length > 0 ? this.free.pop()! : this.refs.length;
    this.refs[ref] = item;
    return ref;
  }

  private release(ref: number): void {
    this.refs[ref] = undefined;
    this.free.push(ref);
  }
}
