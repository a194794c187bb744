/**
 * One request through the LiteLLM Router (gateways.md §2.3 "Retries", "Fallbacks"):
 *
 * 1. Call the group: pick a deployment (pick.ts); none available is an error of its own, raised
 *    without a provider call ("No deployments available"; the router never waits for a cooldown).
 *    A deployment at max_parallel_requests makes the call wait for a slot (parallel.ts).
 * 2. After the first failure the call may give up at once (retry-rules.ts); otherwise `num_retries`
 *    (or retry_policy / model_group_retry_policy for the error class) retries follow, each re-picking
 *    from the healthy set, after the sleep retry-rules.ts computes. As in LiteLLM's loop it also
 *    sleeps after the last failed retry, and the group call's error is its *first* one.
 * 3. The failed group falls back: a 400 other than context-window / content-policy never does; a
 *    context-window error uses context_window_fallbacks (the generic fallbacks only when no
 *    context_window_fallbacks are configured at all), a content-policy error likewise;
 *    anything else `fallbacks` (`"*"` / default_fallbacks for groups without their own entry).
 *    Fallback groups are tried in order, each a full call (own retries, own fallbacks), at most
 *    `max_fallbacks` deep, skipping the failed group itself (LiteLLM's recursive run_async_fallback).
 * Streams that already delivered a token are not retried (the caller holds the stream).
 */
import { send, stop, wait, type AttemptView, type DecideContext, type Decision } from '../strategy.js';
import type { DeploymentSpec, LiteConfig } from './config.js';
import { classify, NO_DEPLOYMENTS, policyValue, PRECHECK_CONTEXT, QUEUE_TIMEOUT, type LiteError } from './errors.js';
import { fallbackFor, R, type GroupFallbacks, type RetryRules } from './rules.js';
import { GO, ParallelLimits, POLL_MS, WAIT } from './parallel.js';
import { NO_CONTEXT, type Picker } from './pick.js';
import type { DeploymentState } from './state.js';

const [IDLE, SENT, SLEEPING, QUEUED] = [0, 1, 2, 3];

/** A fallback list being walked: LiteLLM's run_async_fallback loop at one depth. */
interface Frame { readonly src: number; readonly list: readonly number[]; pos: number; readonly depth: number; readonly label: string }
interface Req {
  group: number;
  depth: number;
  /** 0: the group's first call; k ≥ 1: retry k of n. */
  retry: number;
  n: number;
  orig: LiteError | undefined;
  phase: number;
  /** Group call failed: fall back next (else: try). */
  groupFailed: boolean;
  via: string | undefined;
  dep: number;
  queuedAt: number;
  queuedWhy: string;
  endWhy: string;
  fellBack: boolean;
  readonly stack: Frame[];
}

export interface FlowParts {
  readonly cfg: LiteConfig;
  readonly deps: readonly DeploymentSpec[];
  readonly targetOf: Int32Array;
  readonly members: readonly Int32Array[];
  readonly picker: Picker;
  readonly state: DeploymentState;
  readonly rules: RetryRules;
  readonly lists: readonly GroupFallbacks[];
}

export class Flow {
  /** Request index → the deployment of its attempt in flight (one at a time per request). */
  private readonly pending = new Map<number, number>();
  private readonly parallel: ParallelLimits;
  private readonly names: readonly string[];

  constructor(private readonly p: FlowParts, private readonly slot: number, private readonly groupOf: (route: string) => number, private readonly defaultDep: Int32Array) {
    this.parallel = new ParallelLimits(p.cfg, p.deps);
    this.names = p.cfg.groups;
  }

  observe(a: AttemptView, now: number): void {
    let d = this.pending.get(a.request.index);
    if (d !== undefined) this.pending.delete(a.request.index);
    else d = this.defaultDep[a.target]!;
    if (d < 0) return;
    const st = this.p.state;
    st.onEnded(d);
    if (a.outcome === 'ok') st.onSuccess(d, now, a.tokensIn + a.tokensOut, a.tokensOut, a.endMs - a.sentMs, a.request.stream ? a.ttftMs : undefined);
    else if (a.outcome === 'error' || a.outcome === 'timeout') st.onFailure(d, classify(a), now, this.p.deps[d]!.cooldownMs);
  }

  decide(ctx: DecideContext): Decision {
    let st = ctx.state[this.slot] as Req | undefined;
    if (st === undefined) {
      const g = this.groupOf(ctx.request.route);
      st = { group: g, depth: 0, retry: 0, n: 0, orig: undefined, phase: IDLE, groupFailed: false, via: undefined, dep: -1, queuedAt: 0, queuedWhy: '', endWhy: 'litellm: every fallback failed', fellBack: false, stack: [] };
      ctx.state[this.slot] = st;
    } else if (ctx.trigger === 'attempt' && ctx.last !== undefined && st.phase === SENT) {
      st.phase = IDLE;
      if (ctx.request.stream && ctx.last.ttftMs !== undefined) return stop('litellm: stream failed after its first token (no retry mid-stream)');
      const d = this.failed(ctx, st, classify(ctx.last));
      if (d) return d;
    } else if (ctx.trigger === 'timer' && st.phase === SLEEPING) st.phase = IDLE;
    else if (ctx.trigger === 'timer' && st.phase === QUEUED) {
      const d = this.poll(ctx, st);
      if (d) return d;
    } else if (st.phase === SENT) return wait(undefined, 'litellm: waiting for the attempt');
    for (let guard = 0; guard < 2000; guard++) {
      const d = st.groupFailed ? this.fallBack(st) : this.tryOnce(ctx, st);
      if (d) return d;
    }
    return stop('litellm: gave up (fallback loop)');
  }

  private tryOnce(ctx: DecideContext, st: Req): Decision | undefined {
    const dep = this.p.picker.pick(ctx, st.group);
    if (dep < 0) return this.failed(ctx, st, dep === NO_CONTEXT ? PRECHECK_CONTEXT : NO_DEPLOYMENTS);
    const why = st.retry > 0 ? R(`litellm: retry ${st.retry} of ${st.n} in group ${this.names[st.group]}`) : (st.via ?? this.p.picker.why);
    if (this.p.state.inFlight[dep]! >= this.parallel.max[dep]!) {
      this.parallel.enqueue(dep, ctx.request.index, ctx.now);
      Object.assign(st, { phase: QUEUED, dep, queuedAt: ctx.now, queuedWhy: why });
      return wait(POLL_MS, this.parallel.why[dep]!);
    }
    return this.dispatch(ctx, st, dep, why);
  }

  private dispatch(ctx: DecideContext, st: Req, dep: number, why: string): Decision {
    this.p.state.onSent(dep, ctx.now);
    this.pending.set(ctx.request.index, dep);
    st.phase = SENT;
    const d = this.p.deps[dep]!;
    const cfg = this.p.cfg;
    // LiteLLM hands its timeout to the provider SDK as an httpx timeout: a read timeout, i.e. the
    // wait for the next bytes. A non-streamed answer arrives all at once, so that bounds the whole
    // call; a stream is bounded only until its first token (stream_timeout), not in total.
    if (ctx.request.stream) return send(this.p.targetOf[dep]!, why, undefined, d.streamTimeoutMs ?? cfg.streamTimeoutMs ?? d.timeoutMs ?? cfg.timeoutMs);
    return send(this.p.targetOf[dep]!, why, d.timeoutMs ?? cfg.timeoutMs);
  }

  private poll(ctx: DecideContext, st: Req): Decision | undefined {
    const req = ctx.request.index;
    if (ctx.blocked(this.p.targetOf[st.dep]!)) {
      // an outer wrapper blocked it meanwhile: pick again
      this.parallel.leave(st.dep, req);
      st.phase = IDLE;
      return undefined;
    }
    const r = this.parallel.poll(st.dep, req, st.queuedAt, ctx.now, this.p.state.inFlight[st.dep]!);
    if (r === GO) return this.dispatch(ctx, st, st.dep, st.queuedWhy);
    if (r === WAIT) return wait(POLL_MS, this.parallel.why[st.dep]!);
    st.phase = IDLE;
    return this.failed(ctx, st, QUEUE_TIMEOUT);
  }

  /** A call of the group failed (with or without reaching a provider): retry, sleep, or fall back. */
  private failed(ctx: DecideContext, st: Req, e: LiteError): Decision | undefined {
    const { cfg, picker, rules } = this.p;
    const healthy = picker.healthy(ctx, st.group);
    const all = this.p.members[st.group]!.length;
    if (st.retry === 0) {
      st.orig = e;
      const policy = cfg.groupRetryPolicy.get(this.names[st.group]!) ?? cfg.retryPolicy;
      const n = rules.giveUp(e, healthy, all) ? 0 : (policyValue(policy, e.cls, 'Retries') ?? cfg.numRetries);
      if (n <= 0) {
        st.groupFailed = true;
        return undefined;
      }
      st.n = n;
      st.retry = 1;
      return this.sleep(st, rules.sleepMs(e, n, n, healthy, all));
    }
    const ms = rules.sleepMs(st.orig!, st.n - (st.retry - 1), st.n, healthy, all);
    st.retry++;
    return this.sleep(st, ms);
  }

  private sleep(st: Req, ms: number): Decision | undefined {
    if (st.retry > st.n) st.groupFailed = true;
    if (!(ms > 0)) return undefined;
    st.phase = SLEEPING;
    return wait(ms, this.p.rules.why);
  }

  /** The failed group's fallbacks, depth first, as LiteLLM's recursive run_async_fallback. */
  private fallBack(st: Req): Decision | undefined {
    st.groupFailed = false;
    const e = st.orig ?? NO_DEPLOYMENTS;
    const list = fallbackFor(this.p.cfg, this.p.lists, st.group, e, st.depth);
    if (typeof list === 'string') st.endWhy = list;
    else st.stack.push({ src: st.group, list, pos: 0, depth: st.depth, label: e.label });
    while (st.stack.length > 0) {
      const f = st.stack[st.stack.length - 1]!;
      while (f.pos < f.list.length) {
        const g = f.list[f.pos++]!;
        if (g === f.src) continue;
        Object.assign(st, { group: g, depth: f.depth + 1, retry: 0, n: 0, orig: undefined, fellBack: true });
        st.via = R(`litellm: fallback to group ${this.names[g]} after ${f.label}`);
        return undefined;
      }
      st.stack.pop();
    }
    return stop(st.fellBack ? 'litellm: every fallback failed' : st.endWhy);
  }
}
