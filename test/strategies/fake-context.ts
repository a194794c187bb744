/**
 * Test helpers for driving routers by hand: build a strategy through the real buildRouter
 * (schema check, target resolution, slot allocation), then step a request with a fake
 * DecideContext whose clock, in-flight counts and block mask the test controls.
 */
import { buildRouter } from '../../src/engine/plan-strategies.js';
import type { Problem } from '../../src/errors.js';
import { KIND_RETRYABLE, type ErrorKind, type Outcome, type Price } from '../../src/providers/canonical.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { strategies } from '../../src/strategies/index.js';
import type { AttemptView, DecideContext, Decision, Router, TargetInfo, Trigger } from '../../src/strategies/strategy.js';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';

export interface Built {
  router: Router;
  slotCount: number;
  targets: readonly TargetInfo[];
  problems: Problem[];
}

/** Targets t0..tn-1 (or the given ids), with optional prices (USD per 1M tokens). */
export function makeTargets(ids: readonly string[] | number, prices: readonly Partial<Price>[] = []): TargetInfo[] {
  const list = typeof ids === 'number' ? Array.from({ length: ids }, (_, i) => `t${i}`) : ids;
  return list.map((id, index) => {
    const p = prices[index] ?? {};
    const input = p.input ?? 1;
    return { index, id, provider: 'openai', model: 'gpt-4o-mini', price: { input, output: p.output ?? 1, cached_input: p.cached_input ?? input }, contextWindow: Infinity, timeoutMs: 60_000 };
  });
}

/** Builds a router via buildRouter; throws on validation problems unless `allowProblems`. */
export function buildStrategy(use: string, options: unknown, opts: { targets?: readonly TargetInfo[] | number; seed?: number; allowProblems?: boolean } = {}): Built {
  const targets = opts.targets === undefined ? makeTargets(3) : typeof opts.targets === 'number' ? makeTargets(opts.targets) : opts.targets;
  const scenario = {
    name: 'test',
    traffic: { synthetic: { arrival: { process: 'constant', rate_per_s: 1 }, count: 1 } },
    targets: Object.fromEntries(targets.map((t) => [t.id, { provider: t.provider, model: t.model }])),
    strategies: { s: { use, options } },
  };
  const loaded = parseScenario(JSON.stringify(scenario, null, 1), 'test.yaml');
  const problems: Problem[] = [];
  const env = { loaded, targets, seed: opts.seed ?? 1, label: 's', defaults: { attemptTimeoutMs: 60_000, maxAttempts: 20 }, problems, strategies };
  const { router, slotCount } = buildRouter({ use, options }, ['strategies', 's'], env);
  if (problems.length > 0 && !opts.allowProblems) throw new Error(`invalid ${use} options: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return { router, slotCount, targets, problems };
}

export function makeRequest(partial: Partial<TrafficRequest> = {}): TrafficRequest {
  return { index: 0, arrivalMs: 0, route: 'default', inputTokens: 1000, cachedTokens: 0, outputTokens: 200, stream: false, tags: {}, ...partial };
}

export interface AttemptResult {
  outcome: Outcome;
  errorKind?: ErrorKind;
  retryAfterMs?: number;
  /** Duration; the attempt ends at sentMs + latencyMs (default: now). */
  latencyMs?: number;
  ttftMs?: number;
}

/** An AttemptView with sensible defaults. */
export function makeAttempt(partial: Partial<AttemptView> = {}): AttemptView {
  const kind = partial.errorKind;
  return {
    request: makeRequest(),
    target: 0,
    attempt: 0,
    outcome: 'ok',
    errorKind: undefined,
    status: kind === undefined ? 200 : 500,
    retryable: kind === undefined ? false : KIND_RETRYABLE[kind],
    retryAfterMs: undefined,
    sentMs: 0,
    endMs: 100,
    ttftMs: undefined,
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    ...partial,
  };
}

/** The result of a failure of `kind` (timeouts have outcome 'timeout'). */
export const failure = (kind: ErrorKind, extra: Partial<AttemptResult> = {}): AttemptResult => ({ outcome: kind === 'timeout' ? 'timeout' : 'error', errorKind: kind, ...extra });

export interface PendingAttempt {
  target: number;
  attempt: number;
  sentMs: number;
  /** Has received its first token (counts in ctx.pendingStreaming). */
  streaming: boolean;
}

/** One router plus the world around it: virtual clock, in-flight counts, an outer block mask. */
export class Harness {
  now = 0;
  readonly inFlight: Int32Array;
  readonly blockMask: Uint8Array;
  private nextIndex = 0;

  constructor(readonly built: Built) {
    this.inFlight = new Int32Array(built.targets.length);
    this.blockMask = new Uint8Array(built.targets.length);
  }

  static of(use: string, options: unknown, opts: { targets?: readonly TargetInfo[] | number; seed?: number } = {}): Harness {
    return new Harness(buildStrategy(use, options, opts));
  }

  get router(): Router {
    return this.built.router;
  }

  request(partial: Partial<TrafficRequest> = {}): FakeRequest {
    return new FakeRequest(this, makeRequest({ index: this.nextIndex++, arrivalMs: this.now, ...partial }));
  }

  /** Decides the arrival of a new request and returns the first decision. */
  first(partial: Partial<TrafficRequest> = {}): Decision {
    return this.request(partial).decide('arrival');
  }
}

/** A request in progress, stepped by the test. */
export class FakeRequest {
  readonly attempts: AttemptView[] = [];
  readonly pending: PendingAttempt[] = [];
  readonly decisions: Decision[] = [];
  readonly state: unknown[];
  private sent = 0;

  constructor(private readonly h: Harness, readonly request: TrafficRequest) {
    this.state = new Array(h.built.slotCount);
  }

  decide(trigger: Trigger, last?: AttemptView): Decision {
    const h = this.h;
    const ctx: DecideContext = {
      request: this.request,
      now: h.now,
      trigger,
      attempts: this.attempts,
      last,
      pending: this.pending.length,
      pendingStreaming: this.pending.filter((p) => p.streaming).length,
      targets: h.built.targets,
      inFlight: (t) => h.inFlight[t]!,
      blocked: (t) => h.blockMask[t]! > 0,
      blockMask: h.blockMask,
      state: this.state,
    };
    const d = h.router.decide(ctx);
    this.decisions.push(d);
    if (d.type === 'send' || d.type === 'hedge') {
      this.pending.push({ target: d.target, attempt: this.sent++, sentMs: h.now, streaming: false });
      h.inFlight[d.target]!++;
    }
    return d;
  }

  /** Ends a pending attempt (the oldest, or the oldest on `target`); the router observes it. */
  end(result: AttemptResult, target?: number): AttemptView {
    const i = target === undefined ? 0 : this.pending.findIndex((p) => p.target === target);
    if (i < 0 || this.pending.length === 0) throw new Error('no such pending attempt');
    const p = this.pending.splice(i, 1)[0]!;
    this.h.inFlight[p.target]!--;
    const kind = result.errorKind;
    const view = makeAttempt({
      request: this.request,
      target: p.target,
      attempt: p.attempt,
      outcome: result.outcome,
      errorKind: kind,
      retryable: kind === undefined ? false : KIND_RETRYABLE[kind],
      retryAfterMs: result.retryAfterMs,
      sentMs: p.sentMs,
      endMs: result.latencyMs === undefined ? this.h.now : p.sentMs + result.latencyMs,
      ttftMs: result.ttftMs,
    });
    this.attempts.push(view);
    this.h.router.observe?.(view, this.h.now);
    return view;
  }

  /** Ends the oldest pending attempt with `result` and decides again ('attempt' trigger). */
  fail(result: AttemptResult | ErrorKind, target?: number): Decision {
    const att = this.end(typeof result === 'string' ? failure(result) : result, target);
    return this.decide('attempt', att);
  }
}

/** The targets of the send/hedge decisions in `ds`. */
export const sentTargets = (ds: readonly Decision[]): number[] => ds.flatMap((d) => (d.type === 'send' || d.type === 'hedge' ? [d.target] : []));
