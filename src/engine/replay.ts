/**
 * Replay mode: one run on the real clock (optionally sped up by `timeScale`), attempts sent over a
 * real transport (msw, loopback mock server, live APIs). The same request state machine and
 * strategy code as simulate; here attempts end when the transport's promise settles and timers are
 * real timers. Times are recorded in scenario milliseconds (real × timeScale), so replay and
 * simulate results compare directly.
 */
import { KIND_RETRYABLE } from '../providers/canonical.js';
import type { Router } from '../strategies/strategy.js';
import type { CallResult, ProviderCall, Transport } from '../transport/transport.js';
import { CallCancel } from '../transport/cancel-signal.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import type { AttemptRows } from './attempt-rows.js';
import { bill, billedOutput, costUsd, observedOutput, priceFor, type Generation } from './billing.js';
import type { EngineAttempt, RequestState } from './engine-attempt.js';
import type { TargetPlan } from './plan-targets.js';
import { RequestMachine, type MachineDriver } from './request-machine.js';
import { TimeFrame } from './time-frame.js';

export interface ReplayParts {
  router: Router;
  slotCount: number;
  targets: readonly TargetPlan[];
  maxAttempts: number;
  rows: AttemptRows;
  transport: Transport;
  runKey: string;
  /** Scenario ms per real ms (10 = ten times faster than recorded). */
  timeScale: number;
  /** Real-time clock (performance.now()), injected. */
  realNow: () => number;
  /** Live runs: every attempt reserves its worst-case cost first; one that does not fit is not sent. */
  spendGate?: SpendGate;
  /** Called once, at the first harness fault (so the runner stops sending instead of replaying to the end). */
  onFailure?: (e: unknown) => void;
}

/** The part of the spend cap (runner/spend-cap.ts) the engine uses. */
export interface SpendGate {
  reserve(usd: number, what: 'attempt'): boolean;
  settle(reservedUsd: number, billedUsd: number): void;
}

export class ReplayRun implements MachineDriver {
  readonly machine: RequestMachine;
  private readonly frame: TimeFrame;
  private readonly calls = new Map<EngineAttempt, { controller: CallCancel; call: ProviderCall }>();
  /** A harness fault from the transport, rethrown by the runner. */
  failure: unknown;
  /** Requests that arrived and have not finished (for an interrupt). */
  private readonly openStates = new Set<RequestState>();
  /** Worst-case cost reserved per attempt in flight (spend gate). */
  private readonly reserved = new Map<EngineAttempt, number>();
  /** Interrupted: nothing new is sent, late transport results are dropped. */
  private stopped = false;
  /** The arrival scheduler's wake for the next activity of a call in flight (arrival-scheduler.ts). */
  private waker: (() => void) | undefined = undefined;

  constructor(private readonly parts: ReplayParts) {
    this.machine = new RequestMachine(parts.router, parts.targets, parts.slotCount, parts.maxAttempts, this);
    this.frame = new TimeFrame(parts.realNow, parts.timeScale);
  }

  /** Sets the run's time origin (real ms). */
  start(realT0: number): void {
    this.frame.start(realT0);
  }

  /** Scenario ms since the start. */
  now(): number {
    return this.frame.now();
  }

  /** Real `performance.now()` time at which scenario time `ms` falls. */
  realAt(ms: number): number {
    return this.frame.realAt(ms);
  }

  private toScenario(real: number | undefined): number {
    return this.frame.toScenario(real);
  }

  arrive(req: TrafficRequest): void {
    if (this.stopped) return;
    this.frame.opened();
    const state = this.machine.arrive(req);
    if (!state.done && state.request === req) this.openStates.add(state);
  }

  /** Calls in flight. */
  inFlight(): number {
    return this.calls.size;
  }

  /** `wake` is called once, at the next first token or end of a call in flight. */
  nextActivity(wake: () => void): void {
    this.waker = wake;
  }

  private activity(): void {
    const w = this.waker;
    if (w === undefined) return;
    this.waker = undefined;
    w();
  }

  /** Resolves when every request that arrived has finished. */
  drained(): Promise<void> {
    return this.frame.drained();
  }

  startAttempt(att: EngineAttempt): void {
    att.queued = true;
    const target = this.parts.targets[att.target]!;
    const gate = this.parts.spendGate;
    if (gate) {
      const worst = costUsd(priceFor(target, att.request.route), att.request.inputTokens, att.request.cachedTokens, att.asSent.outputTokens);
      if (!gate.reserve(worst, 'attempt')) {
        // Not sent: blocked before reaching the provider, as a gateway's spend limit would.
        const at = this.parts.realNow();
        void Promise.resolve().then(() => this.settled(att, { outcome: 'error', status: 0, errorKind: 'gateway_blocked', retryable: false, sentAt: at, endAt: at, tokensReceived: 0 }));
        return;
      }
      this.reserved.set(att, worst);
    }
    // A CallCancel, not an AbortController: the HTTP transport listens to it without an EventTarget.
    const controller = new CallCancel();
    const call: ProviderCall = {
      target,
      request: att.asSent,
      attemptOnTarget: att.attemptOnTarget,
      runKey: this.parts.runKey,
      timeoutMs: att.timeoutMs / this.parts.timeScale,
      firstTokenTimeoutMs: att.firstTokenTimeoutMs / this.parts.timeScale,
      onFirstToken: (realAt: number) => {
        if (!att.cancelled && att.request.stream) att.firstTokenAt = this.toScenario(realAt);
        this.activity();
      },
    };
    this.calls.set(att, { controller, call });
    this.parts.transport.send(call, controller).then(
      (res) => this.settled(att, res),
      (e: unknown) => {
        if (this.failure === undefined) {
          this.failure = e;
          this.parts.onFailure?.(e);
        }
        this.settled(att, { outcome: 'error', status: 0, errorKind: 'connection_reset', retryable: true, sentAt: this.parts.realNow(), endAt: this.parts.realNow(), tokensReceived: 0, detail: String(e) });
      },
    );
  }

  private settled(att: EngineAttempt, res: CallResult): void {
    const call = this.calls.get(att)?.call;
    this.calls.delete(att);
    this.activity();
    att.queued = false;
    if (att.releaseOnPop) return this.machine.pool.releaseAttempt(att);
    if (att.cancelled || this.stopped) return;
    const stream = att.request.stream;
    att.outcome = res.outcome === 'aborted' ? 'error' : res.outcome;
    att.status = res.status;
    att.errorKind = res.outcome === 'ok' ? undefined : (res.errorKind ?? (res.outcome === 'timeout' ? 'timeout' : 'connection_reset'));
    att.retryable = att.errorKind === undefined ? false : (res.retryable ?? KIND_RETRYABLE[att.errorKind]);
    att.retryAfterMs = res.retryAfterMs === undefined ? undefined : res.retryAfterMs * this.parts.timeScale;
    att.endMs = this.toScenario(res.endAt);
    att.firstTokenAt = stream ? this.toScenario(res.firstTokenAt) : NaN;
    att.maxGapMs = stream && res.chunks !== undefined && res.chunks > 1 && res.maxGapMs !== undefined ? res.maxGapMs * this.parts.timeScale : NaN;
    att.harnessMs = harnessMs(res, this.parts.timeScale);
    const g = (call && this.parts.transport.generation?.(call)) ?? res.generation;
    const timedOut = res.outcome === 'timeout';
    let output: number;
    if (g) {
      // The one billing rule, on what the mock generated; a timeout hangs up at the attempt's own
      // limit (as simulate takes it: the first-token limit when no token would come by then).
      const limit = !(g.ttftMs <= att.firstTokenTimeoutMs) ? Math.min(att.timeoutMs, att.firstTokenTimeoutMs) : att.timeoutMs;
      output = timedOut ? billedOutput(false, g, limit) : billedOutput(res.outcome === 'ok', g);
    } else output = observedOutput(res.outcome === 'ok', timedOut, res.usage?.output ?? res.tokensReceived, res.firstByteAt !== undefined || res.firstTokenAt !== undefined);
    bill(att, priceFor(this.parts.targets[att.target]!, att.request.route), output);
    this.settleSpend(att);
    this.machine.attemptEnded(att);
  }

  /** What the mock generates for an attempt in flight, when its mock runs in this process. */
  private generationOf(att: EngineAttempt): Generation | undefined {
    const call = this.calls.get(att)?.call;
    return call && this.parts.transport.generation?.(call);
  }

  cancelAttempt(att: EngineAttempt, outcome: 'hedge_lost' | 'aborted'): void {
    const g = this.generationOf(att);
    this.calls.get(att)?.controller.abort();
    const now = this.now();
    att.outcome = outcome;
    att.endMs = now;
    att.errorKind = undefined;
    att.status = 0;
    att.retryable = false;
    att.retryAfterMs = undefined;
    if (!(att.firstTokenAt <= now)) att.firstTokenAt = NaN;
    // Billed for what the mock generated until now; without it (a live provider), for its prompt once answering had begun.
    bill(att, priceFor(this.parts.targets[att.target]!, att.request.route), g ? billedOutput(false, g, now - att.sentMs) : observedOutput(false, true, 0, att.firstTokenAt === att.firstTokenAt));
    this.settleSpend(att);
  }

  private settleSpend(att: EngineAttempt): void {
    const worst = this.reserved.get(att);
    if (worst === undefined) return;
    this.reserved.delete(att);
    this.parts.spendGate!.settle(worst, att.costUsd);
  }

  setTimer(state: RequestState, at: number, gen: number): void {
    const delay = Math.max(0, (at - this.now()) / this.parts.timeScale);
    setTimeout(() => {
      if (!this.stopped) this.machine.timerFired(state, gen);
    }, delay);
  }

  finished(state: RequestState): void {
    this.openStates.delete(state);
    this.parts.rows.addRequest(state, this.now());
    this.frame.closed();
  }

  /**
   * Interrupt: every open request ends now ('run interrupted'; its calls in flight are aborted and
   * recorded as such), and nothing new is sent: no failover, retry or timer fires after this.
   */
  abortAll(): void {
    this.stopped = true;
    for (const state of [...this.openStates]) this.machine.abort(state);
    this.openStates.clear();
  }
}

/**
 * The harness's own time in one call, in scenario ms: send → first byte as measured, minus when
 * the mock scheduled the first byte. What remains is the client, loopback and both event loops;
 * a latency-adaptive strategy measures it as provider latency (× the time scale). NaN when the
 * mock did not say (live providers, no reply).
 */
export function harnessMs(res: CallResult, timeScale: number): number {
  if (res.firstByteAt === undefined || res.plannedFirstByteMs === undefined) return NaN;
  return (res.firstByteAt - res.sentAt) * timeScale - res.plannedFirstByteMs;
}
