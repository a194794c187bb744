/**
 * Drives one router through seeded requests one `decide` at a time, so a benchmark can time each
 * call alone: `prepare()` sets up the next call's context (a new request's arrival, the attempt
 * that just failed, or a timer), `decide()` is the timed call, `apply()` plays the decision out
 * (the attempt's outcome drawn from a seeded mix of successes and the common faults, `observe`
 * called as the engine would). Only `decide()` belongs inside the timed window.
 */
import { KIND_RETRYABLE, KIND_STATUS, type ErrorKind, type Outcome } from '../src/providers/canonical.js';
import { Rng } from '../src/rng.js';
import type { AttemptView, DecideContext, Decision, Router, TargetInfo, Trigger } from '../src/strategies/strategy.js';
import type { TrafficRequest } from '../src/traffic/traffic-request.js';

const FAULTS: readonly ErrorKind[] = ['rate_limited', 'server_error', 'overloaded', 'unavailable', 'timeout', 'bad_gateway', 'connection_reset'];
/** Share of attempts that fail: enough that failover, retry, cooldown and breaker paths are exercised. */
const FAIL_SHARE = 0.2;
/** A request is closed after this many decisions (a router that never stops would otherwise loop). */
const MAX_DECISIONS = 24;

export interface DriverRequestShape {
  route: string;
  tags?: Readonly<Record<string, readonly string[]>>;
}

export class DecideDriver {
  private readonly rng: Rng;
  private readonly inflight: Int32Array;
  private readonly blockMask: Uint8Array;
  private readonly requests: TrafficRequest[];
  private next = 0;
  private now = 0;
  private open = false;
  private decisions = 0;
  private attempts: AttemptView[] = [];
  private state: unknown[] = [];
  private trigger: Trigger = 'arrival';
  private request!: TrafficRequest;
  private ctx!: DecideContext;
  private last: Decision | undefined;
  readonly counts = { decisions: 0, arrivals: 0, afterFailure: 0, timers: 0, sends: 0, stops: 0 };

  constructor(
    private readonly router: Router,
    private readonly slotCount: number,
    private readonly targets: readonly TargetInfo[],
    shape: DriverRequestShape,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.inflight = new Int32Array(targets.length);
    this.blockMask = new Uint8Array(targets.length);
    const tagKeys = Object.entries(shape.tags ?? {});
    this.requests = Array.from({ length: 1024 }, (_, index) => {
      const inputTokens = 200 + this.rng.int(6000);
      return {
        index,
        arrivalMs: 0,
        route: shape.route,
        inputTokens,
        cachedTokens: this.rng.next() < 0.3 ? Math.floor(inputTokens / 2) : 0,
        outputTokens: 50 + this.rng.int(800),
        stream: this.rng.next() < 0.5,
        tags: Object.fromEntries(tagKeys.map(([k, vs]) => [k, vs[this.rng.int(vs.length)]!])),
      };
    });
  }

  /** Sets up the context of the next decide call. */
  prepare(): void {
    if (!this.open) {
      this.now += 5 + this.rng.int(20);
      this.request = { ...this.requests[this.next % this.requests.length]!, index: this.next++, arrivalMs: this.now };
      this.attempts = [];
      this.state = new Array(this.slotCount).fill(undefined);
      this.trigger = 'arrival';
      this.decisions = 0;
      this.open = true;
      this.counts.arrivals++;
      for (let t = 0; t < this.inflight.length; t++) this.inflight[t] = this.rng.int(6);
    }
    const inflight = this.inflight;
    const mask = this.blockMask;
    this.ctx = {
      request: this.request,
      now: this.now,
      trigger: this.trigger,
      attempts: this.attempts,
      last: this.trigger === 'attempt' ? this.attempts[this.attempts.length - 1] : undefined,
      pending: 0,
      targets: this.targets,
      inFlight: (t) => inflight[t]!,
      blocked: (t) => mask[t]! > 0,
      blockMask: mask,
      pendingStreaming: 0,
      state: this.state,
    };
  }

  /** The timed call. */
  decide(): Decision {
    return (this.last = this.router.decide(this.ctx));
  }

  /** Plays the decision out: draws the attempt's outcome and lets the router observe it. */
  apply(): void {
    const d = this.last!;
    this.counts.decisions++;
    this.decisions++;
    if (this.trigger === 'attempt') this.counts.afterFailure++;
    if (this.trigger === 'timer') this.counts.timers++;
    if (d.type === 'stop' || this.decisions >= MAX_DECISIONS) {
      this.counts.stops++;
      this.open = false;
      return;
    }
    if (d.type === 'wait') {
      this.now += d.ms ?? 100;
      this.trigger = 'timer';
      return;
    }
    this.counts.sends++;
    const view = this.attempt(d.target);
    this.now = view.endMs;
    this.router.observe?.(view, this.now);
    if (view.outcome === 'ok') this.open = false;
    else {
      this.attempts.push(view);
      this.trigger = 'attempt';
    }
  }

  private attempt(target: number): AttemptView {
    const fails = this.rng.next() < FAIL_SHARE;
    const kind = fails ? FAULTS[this.rng.int(FAULTS.length)]! : undefined;
    const outcome: Outcome = kind === undefined ? 'ok' : kind === 'timeout' ? 'timeout' : 'error';
    const latency = kind === 'timeout' ? 30_000 : 150 + this.rng.int(3000);
    const ok = outcome === 'ok';
    return {
      request: this.request,
      target,
      attempt: this.attempts.length,
      outcome,
      errorKind: kind,
      status: kind === undefined ? 200 : KIND_STATUS[kind].openai,
      retryable: kind === undefined ? false : KIND_RETRYABLE[kind],
      retryAfterMs: kind === 'rate_limited' ? 1000 + this.rng.int(5000) : undefined,
      sentMs: this.now,
      endMs: this.now + latency,
      ttftMs: ok && this.request.stream ? Math.min(latency, 100 + this.rng.int(900)) : undefined,
      tokensIn: ok ? this.request.inputTokens : 0,
      tokensOut: ok ? this.request.outputTokens : 0,
      costUsd: ok ? (this.request.inputTokens + 4 * this.request.outputTokens) * 1e-7 : 0,
    };
  }
}
