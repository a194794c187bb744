/**
 * The per-request state machine: decide → send → (attempt ends | timer fires) → decide … until
 * success or stop. It is driven by events, not by an async function per request, so the same
 * logic and the same strategy code run on the virtual event queue (simulate) and on real
 * callbacks (replay). The driver owns time and transport.
 */
import { HarnessError, ExitCode } from '../errors.js';
import type { DecideContext, Decision, Router, TargetInfo, Trigger } from '../strategies/strategy.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import { EnginePool, type EngineAttempt, type RequestState } from './engine-attempt.js';

/** What the machine needs from its driver (simulate or replay). */
export interface MachineDriver {
  now(): number;
  /** Starts the attempt; the driver calls machine.attemptEnded(att) when it ends. */
  startAttempt(att: EngineAttempt): void;
  /** Cancels an attempt in flight at `now` (hedge lost): the driver fills in its end and billing. */
  cancelAttempt(att: EngineAttempt, outcome: 'hedge_lost' | 'aborted'): void;
  /** Calls machine.timerFired(state, gen) at `at` (unless superseded). */
  setTimer(state: RequestState, at: number, gen: number): void;
  /** The request is over: every attempt is final. The state is reused after this returns. */
  finished(state: RequestState): void;
}

const MAX_DECISIONS = 10_000;

export class RequestMachine {
  readonly inFlight: Int32Array;
  readonly pool: EnginePool;
  private readonly mask: Uint8Array;
  private readonly ctx: {
    request: TrafficRequest;
    now: number;
    trigger: Trigger;
    attempts: EngineAttempt[];
    last: EngineAttempt | undefined;
    pending: number;
    pendingStreaming: number;
    state: unknown[];
  } & DecideContext;

  constructor(
    private readonly router: Router,
    readonly targets: readonly TargetInfo[],
    private readonly slotCount: number,
    private readonly maxAttempts: number,
    private readonly driver: MachineDriver,
  ) {
    this.inFlight = new Int32Array(targets.length);
    this.mask = new Uint8Array(targets.length);
    this.pool = new EnginePool(slotCount);
    const inFlight = this.inFlight;
    const mask = this.mask;
    this.ctx = {
      request: undefined as unknown as TrafficRequest,
      now: 0,
      trigger: 'arrival',
      attempts: [],
      last: undefined,
      pending: 0,
      pendingStreaming: 0,
      state: [],
      targets,
      blockMask: mask,
      inFlight: (t: number) => inFlight[t]!,
      blocked: (t: number) => mask[t]! > 0,
    };
  }

  arrive(request: TrafficRequest): RequestState {
    const state = this.pool.state(request);
    this.decide(state, 'arrival', undefined);
    return state;
  }

  attemptEnded(att: EngineAttempt): void {
    const state = att.owner;
    this.inFlight[att.target]!--;
    removeFrom(state.pending, att);
    state.attempts.push(att);
    this.router.observe?.(att, this.driver.now());
    if (state.done) return;
    if (att.outcome === 'ok') {
      state.succeeded = true;
      this.cancelPending(state);
      this.finish(state);
    } else if (state.stopped) {
      if (state.pending.length === 0) this.finish(state);
    } else this.decide(state, 'attempt', att);
  }

  timerFired(state: RequestState, gen: number): void {
    if (state.done || state.stopped || gen !== state.timerGen) return;
    this.decide(state, 'timer', undefined);
  }

  /** Ends a request that is still open (run interrupted): pending attempts become `aborted`. */
  abort(state: RequestState): void {
    if (state.done) return;
    state.stopReason = 'run interrupted';
    for (const att of [...state.pending]) this.cancel(state, att, 'aborted');
    this.finish(state);
  }

  private decide(state: RequestState, trigger: Trigger, last: EngineAttempt | undefined): void {
    const ctx = this.ctx;
    ctx.request = state.request;
    ctx.now = this.driver.now();
    ctx.trigger = trigger;
    ctx.attempts = state.attempts;
    ctx.last = last;
    ctx.pending = state.pending.length;
    let streaming = 0;
    if (state.request.stream) for (const p of state.pending) if (p.firstTokenAt <= ctx.now) streaming++;
    ctx.pendingStreaming = streaming;
    ctx.state = state.slots;
    state.timerGen++;
    if (++state.decisions > MAX_DECISIONS) throw strategyBug(`made more than ${MAX_DECISIONS} decisions for one request without finishing it`);
    let d: Decision;
    try {
      d = this.router.decide(ctx);
    } catch (e) {
      if (e instanceof HarnessError) throw e;
      throw strategyBug((e as Error).message, e);
    }
    this.apply(state, d);
  }

  private apply(state: RequestState, d: Decision): void {
    const now = this.driver.now();
    switch (d.type) {
      case 'send':
      case 'hedge': {
        if (d.target < 0 || d.target >= this.targets.length || !Number.isInteger(d.target)) throw strategyBug(`sent to target index ${d.target}, which does not exist`);
        if (state.sent.length >= this.maxAttempts) {
          state.stopReason = `engine: attempt cap of ${this.maxAttempts} reached (defaults.max_attempts)`;
          return this.stopped(state);
        }
        let onTarget = 0;
        for (const a of state.sent) if (a.target === d.target) onTarget++;
        const timeout = d.timeoutMs ?? this.targets[d.target]!.timeoutMs;
        const att = this.pool.attempt().init(state, d.target, state.sent.length, onTarget, now, timeout, d.reason, d.firstTokenTimeoutMs, d.maxOutputTokens);
        state.sent.push(att);
        state.pending.push(att);
        this.inFlight[d.target]!++;
        if (d.type === 'hedge') this.driver.setTimer(state, now + Math.max(0, d.afterMs), state.timerGen);
        this.driver.startAttempt(att);
        return;
      }
      case 'wait':
        if (d.ms === undefined || d.ms === Infinity) {
          if (state.pending.length === 0) throw strategyBug(`returned wait without ms while no attempt is pending ("${d.reason}")`);
          return;
        }
        if (!(d.ms >= 0)) throw strategyBug(`returned wait with ms=${d.ms}`);
        this.driver.setTimer(state, now + d.ms, state.timerGen);
        return;
      case 'stop':
        state.stopReason = d.reason;
        state.refused = d.refused === true;
        return this.stopped(state);
    }
  }

  private stopped(state: RequestState): void {
    state.stopped = true;
    if (state.pending.length === 0) this.finish(state);
  }

  private cancelPending(state: RequestState): void {
    while (state.pending.length > 0) this.cancel(state, state.pending[state.pending.length - 1]!, 'hedge_lost');
  }

  private cancel(state: RequestState, att: EngineAttempt, outcome: 'hedge_lost' | 'aborted'): void {
    removeFrom(state.pending, att);
    this.inFlight[att.target]!--;
    att.cancelled = true;
    this.driver.cancelAttempt(att, outcome);
    state.attempts.push(att);
    this.router.observe?.(att, this.driver.now());
  }

  private finish(state: RequestState): void {
    state.done = true;
    this.driver.finished(state);
    this.pool.release(state);
  }
}

function removeFrom(list: EngineAttempt[], att: EngineAttempt): void {
  const i = list.indexOf(att);
  if (i >= 0) {
    list[i] = list[list.length - 1]!;
    list.pop();
  }
}

function strategyBug(message: string, cause?: unknown): HarnessError {
  return new HarnessError('STRATEGY_BUG', `strategy error: ${message}`, {
    exitCode: ExitCode.internal,
    hint: 'this is a bug in the strategy (or in routebench): please report it with the scenario file',
    cause,
  });
}
