/**
 * The router-strategy interface. A strategy file exports a `StrategyDef`: a name, a zod schema
 * for its options and `create(options, init)`, which returns a `Router`.
 *
 * `decide(ctx)` is synchronous and pure apart from the router's own state: no I/O, no clock,
 * no Math.random (use `init.rng`). The engine calls it when a request arrives, when one of its
 * attempts ends without success, and when a timer the router asked for fires. `observe` sees
 * every finished attempt of every request (for EWMA latency, breakers, cooldowns).
 *
 * @example
 *   export const single = defineStrategy({
 *     name: 'single',
 *     summary: 'always the same target; no failover',
 *     options: z.strictObject({ target: z.string() }),
 *     create(options, init) {
 *       const target = init.resolveTarget(options.target, ['target']);
 *       return { decide: (ctx) => (ctx.attempts.length === 0 ? send(target, 'the only target') : stop('no failover')) };
 *     },
 *   });
 */
import type { z } from 'zod';
import type { ErrorKind, Outcome, Price } from '../providers/canonical.js';
import type { Rng } from '../rng.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import type { PathSegment } from '../scenario/yaml-source.js';

/** What a router knows about a target. */
export interface TargetInfo {
  readonly index: number;
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly price: Price;
  /** Prices of the models the target lists in `mock.models`, where known: a request asking for one is billed at it. */
  readonly modelPrices?: ReadonlyMap<string, Price>;
  readonly contextWindow: number;
  readonly timeoutMs: number;
}

/** A finished attempt, as routers see it. Valid only during the call (the engine reuses it). */
export interface AttemptView {
  readonly request: TrafficRequest;
  readonly target: number;
  /** 0-based attempt number within its request. */
  readonly attempt: number;
  readonly outcome: Outcome;
  readonly errorKind: ErrorKind | undefined;
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly sentMs: number;
  readonly endMs: number;
  /** Time to first token from sending, for streamed attempts that got one. */
  readonly ttftMs: number | undefined;
  /** Billed tokens and cost of this attempt (0 for unbilled failures). */
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
}

export type Trigger = 'arrival' | 'attempt' | 'timer';

export interface DecideContext {
  readonly request: TrafficRequest;
  /** Ms since the run started (virtual time in simulate). */
  readonly now: number;
  readonly trigger: Trigger;
  /** This request's finished attempts, oldest first. */
  readonly attempts: readonly AttemptView[];
  /** The attempt that just ended, when trigger is 'attempt'. */
  readonly last: AttemptView | undefined;
  /** Number of this request's attempts still in flight. */
  readonly pending: number;
  readonly targets: readonly TargetInfo[];
  /** Attempts in flight on a target, across all requests. */
  inFlight(target: number): number;
  /** True when a wrapper (e.g. a circuit breaker) forbids the target for this decision. */
  blocked(target: number): boolean;
  /**
   * Per target, how many wrappers currently block it. A wrapper increments its targets' counts
   * before delegating to its inner strategy and decrements them after (try/finally).
   */
  readonly blockMask: Uint8Array;
  /** This request's pending attempts that have already received their first token. */
  readonly pendingStreaming: number;
  /** Per-request state for the router holding `slot` (see StrategyInit.slot). */
  readonly state: unknown[];
}

/**
 * `maxOutputTokens` (send, hedge): the gateway caps the attempt's output, as a `max_tokens` it sets
 * on the request (Portkey `override_params.max_tokens`): the provider generates
 * min(the request's output tokens, cap), which the attempt is timed and billed on.
 */
export type Decision =
  /** Start an attempt now. */
  | { readonly type: 'send'; readonly target: number; readonly timeoutMs?: number; readonly firstTokenTimeoutMs?: number; readonly maxOutputTokens?: number; readonly reason: string }
  /** Start an attempt now, and decide again after `afterMs` if the request is still open. */
  | { readonly type: 'hedge'; readonly target: number; readonly afterMs: number; readonly timeoutMs?: number; readonly firstTokenTimeoutMs?: number; readonly maxOutputTokens?: number; readonly reason: string }
  /** Decide again after `ms`; without `ms`, when the next pending attempt ends. */
  | { readonly type: 'wait'; readonly ms?: number; readonly reason: string }
  /**
   * Start nothing more; the request ends when pending attempts end. `refused`: the gateway's policy
   * refuses the request (a DLP block), as opposed to having no target left to try; `serve` then
   * answers 422, which SDKs do not retry, instead of 503.
   */
  | { readonly type: 'stop'; readonly reason: string; readonly refused?: boolean };

export interface Router {
  decide(ctx: DecideContext): Decision;
  observe?(attempt: AttemptView, now: number): void;
}

/** Either a target id or a nested strategy, e.g. `- primary` or `- { use: weighted, options: ... }`. */
export type MemberSpec = string | { use: string; options?: unknown };

/** A resolved member of a composite strategy. */
export type Member = { kind: 'target'; target: number; id: string } | { kind: 'router'; router: Router; label: string; slots: [number, number] };

export interface StrategyInit {
  readonly targets: readonly TargetInfo[];
  /** This strategy's own seeded stream (independent of traffic and mocks). */
  readonly rng: Rng;
  readonly defaults: { readonly attemptTimeoutMs: number; readonly maxAttempts: number };
  /**
   * Where requests come from: the scenario's synthetic traffic, a trace of this format, or live
   * calls (serve) (undefined where no scenario is planned).
   */
  readonly traffic?: { readonly kind: 'synthetic' | 'live' } | { readonly kind: 'trace'; readonly format: string };
  /** Index of a target id; an unknown id is recorded as a problem at `path` (relative to options). */
  resolveTarget(id: string, path: readonly PathSegment[]): number;
  /** A member: a target id or a nested strategy, created with its own slots. */
  member(spec: MemberSpec, path: readonly PathSegment[]): Member;
  /** Reserves a per-request state slot (ctx.state[slot]). */
  slot(): number;
  /** Records a validation problem at `path` (relative to options). */
  problem(path: readonly PathSegment[], message: string): void;
  /**
   * Reads a config file a strategy option names (a product's own config, e.g. a Portkey JSON or a
   * LiteLLM YAML), relative to the scenario file; JSON or YAML, parsed. A missing or malformed file
   * is recorded as a problem at `path` and undefined returned. Only for `create`, never `decide`.
   */
  readConfigFile(file: string, path: readonly PathSegment[]): unknown;
  /** `file:line:col` of the node at `at` inside a config file read with readConfigFile (the file name alone when unknown). */
  configWhere(file: string, at: readonly PathSegment[]): string;
  /** The absolute path of a config file named relative to the scenario file (`.`: the scenario's folder). */
  configPath(file: string): string;
}

export interface StrategyDef<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** One line for `routebench list strategies`. */
  readonly summary: string;
  readonly options: S;
  create(options: z.output<S>, init: StrategyInit): Router;
}

/** Typed identity helper: lets `create` infer its options type from the schema. */
export function defineStrategy<S extends z.ZodType>(def: StrategyDef<S>): StrategyDef<S> {
  return def;
}

/**
 * `timeoutMs`: the whole attempt (default: the target's timeout). `firstTokenTimeoutMs`: streamed
 * requests only, the attempt times out if no content token has arrived by then (an SDK's read
 * timeout, LiteLLM's `stream_timeout`).
 */
export const send = (target: number, reason: string, timeoutMs?: number, firstTokenTimeoutMs?: number): Decision =>
  firstTokenTimeoutMs === undefined ? { type: 'send', target, reason, timeoutMs } : { type: 'send', target, reason, timeoutMs, firstTokenTimeoutMs };
export const hedge = (target: number, afterMs: number, reason: string, timeoutMs?: number): Decision => ({ type: 'hedge', target, afterMs, reason, timeoutMs });
export const wait = (ms: number | undefined, reason: string): Decision => ({ type: 'wait', ms, reason });
export const stop = (reason: string): Decision => ({ type: 'stop', reason });
/** A stop because the gateway's policy refuses the request (see Decision). */
export const refuse = (reason: string): Decision => ({ type: 'stop', reason, refused: true });
