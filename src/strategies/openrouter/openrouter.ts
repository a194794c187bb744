/**
 * `openrouter`: OpenRouter's provider routing, fed its `provider` object verbatim (classic
 * documented behaviour, gateways.md §2.1 version 1; see plan.ts for the attempt order).
 *
 * - Failover on any error before the first token; none after it on a streamed request (the error
 *   arrives in-band, HTTP 200): the request ends.
 * - Significant outage: ≥ `outage.min_failures` provider-side failures (5xx, 529, timeouts,
 *   resets, broken streams; not 429s or client errors) within `outage.window_ms`, making up
 *   ≥ `outage.failure_share` of that endpoint's attempts there.
 * - Latency = time to first token (whole duration if none); throughput = output tokens per second
 *   of the whole attempt; both from this run's successful attempts over `stats_window_ms`.
 * - Hosted-only filters (require_parameters, data_collection, zdr, enforce_distillable_text,
 *   quantizations) are accepted and every mock endpoint passes them.
 */
import type { ErrorKind } from '../../providers/canonical.js';
import { defineStrategy, send, stop, type AttemptView, type TargetInfo } from '../strategy.js';
import { resolveEndpoints, type Endpoint } from './endpoints.js';
import { createPlanner, Kind, KIND_COUNT, type RequestPlan } from './plan.js';
import { loadProvider, openrouterOptionsSchema, type ProviderObject } from './provider-schema.js';
import { OutageWindow, RollingWindow } from './stats.js';

const OUTAGE_KINDS = new Set<ErrorKind>(['overloaded', 'server_error', 'bad_gateway', 'unavailable', 'timeout', 'connection_reset', 'truncated', 'gateway_error', 'invalid_response']);
const MID_STREAM = 'openrouter: failed after the first token; no failover mid-stream';
const EXHAUSTED = 'openrouter: every endpoint tried';
const NO_FALLBACKS = 'openrouter: fallbacks disabled (allow_fallbacks: false)';

export const openrouter = defineStrategy({
  name: 'openrouter',
  summary: 'OpenRouter provider routing from its provider object: 1/price² balancing, order, sort, filters, model fallbacks',
  options: openrouterOptionsSchema,
  create(options, init) {
    const { provider, report, model, models } = loadProvider(options, init);
    const { endpoints, emptyReason } = resolveEndpoints({ ...options, model: options.model ?? model, models: options.models ?? models }, provider, init, report);
    const sort = typeof provider.sort === 'string' ? { by: provider.sort, partition: 'model' } : provider.sort;
    const mode = (provider.order?.length ?? 0) > 0 ? 'order' : sort ? 'sort' : 'balance';
    const latencyCuts = cutoffs(provider.preferred_max_latency, 1000, false);
    const throughputCuts = cutoffs(provider.preferred_min_throughput, 1, true);
    const windows = (on: boolean) => (on ? init.targets.map(() => new RollingWindow(options.stats_window_ms)) : undefined);
    const latency = windows(sort?.by === 'latency' || latencyCuts.length > 0);
    const throughput = windows(sort?.by === 'throughput' || throughputCuts.length > 0);
    const o = options.outage;
    const outage = init.targets.map(() => new OutageWindow(o.window_ms, o.min_failures, o.failure_share));
    const allowFallbacks = provider.allow_fallbacks !== false;
    const plan = createPlanner({ endpoints, mode, sortBy: sort?.by, partitionNone: sort?.partition === 'none', allowFallbacks, latencyCuts, throughputCuts, outage, latency, throughput, rng: init.rng });
    const reasons = reasonTable(endpoints, init.targets, sort?.by, sort?.partition === 'none', o.window_ms);
    const slot = init.slot();
    const n = endpoints.length;
    const exhausted = allowFallbacks ? EXHAUSTED : NO_FALLBACKS;

    return {
      observe(a: AttemptView, now: number) {
        if (a.outcome === 'ok') {
          outage[a.target]!.add(now, false);
          const total = a.endMs - a.sentMs;
          latency?.[a.target]!.add(now, a.ttftMs ?? total);
          if (a.tokensOut > 0 && total > 0) throughput?.[a.target]!.add(now, (a.tokensOut * 1000) / total);
        } else if ((a.outcome === 'error' || a.outcome === 'timeout') && a.errorKind !== undefined && OUTAGE_KINDS.has(a.errorKind)) {
          outage[a.target]!.add(now, true);
        }
      },
      decide(ctx) {
        let st = ctx.state[slot] as RequestPlan | undefined;
        if (st === undefined) {
          if (emptyReason !== undefined) return stop(emptyReason);
          st = plan(ctx);
          ctx.state[slot] = st;
        } else {
          const last = ctx.last;
          if (last !== undefined && ctx.request.stream && last.outcome !== 'ok' && last.ttftMs !== undefined && last.ttftMs <= last.endMs - last.sentMs) return stop(MID_STREAM);
        }
        while (st.pos < st.len) {
          const k = st.pos++;
          const e = st.eps[k]!;
          const t = endpoints[e]!.target;
          if (!ctx.blocked(t)) return send(t, reasons[st.kinds[k]! * n + e]!);
        }
        return stop(exhausted);
      },
    };
  },
});

/** Percentile cutoffs as [quantile, limit]: a number is p50. Throughput "pN" is met by N% of requests: the (1 − N)-quantile. */
function cutoffs(v: ProviderObject['preferred_max_latency'], scale: number, atLeast: boolean): [number, number][] {
  if (v === null || v === undefined) return [];
  const entries: [number, number | null | undefined][] = typeof v === 'number' ? [[50, v]] : [[50, v.p50], [75, v.p75], [90, v.p90], [99, v.p99]];
  return entries.filter((e): e is [number, number] => e[1] !== null && e[1] !== undefined).map(([p, x]) => [atLeast ? 1 - p / 100 : p / 100, x * scale]);
}

/** Reason per (kind, endpoint), built once: no per-request numbers, so they count well. */
function reasonTable(eps: readonly Endpoint[], targets: readonly TargetInfo[], by: string | undefined, partitionNone: boolean, windowMs: number): string[] {
  const out: string[] = new Array(KIND_COUNT * eps.length);
  const secs = `${Math.round(windowMs / 100) / 10} s`;
  const tails: Record<number, string> = {
    [Kind.pick]: '(price-weighted pick)',
    [Kind.cheaper]: '(fallback, by price)',
    [Kind.demoted]: `demoted (outage in the last ${secs})`,
    [Kind.order]: '(provider.order)',
    [Kind.afterOrder]: '(fallback after provider.order)',
    [Kind.sorted]: `(sorted by ${by ?? 'price'})`,
    [Kind.slowLatency]: 'moved to the end (misses preferred_max_latency)',
    [Kind.slowThroughput]: 'moved to the end (misses preferred_min_throughput)',
  };
  eps.forEach((e, i) => {
    const who = !partitionNone && e.group > 0 ? `model fallback ${e.model}, ${targets[e.target]!.id}` : targets[e.target]!.id;
    for (let k = 0; k < KIND_COUNT; k++) out[k * eps.length + i] = `openrouter: ${who} ${tails[k]}`;
  });
  return out;
}
