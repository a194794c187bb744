/**
 * The file `calibrate` writes: `targets:` (each with a `mock:` block fitted to what was observed,
 * on the `perfect` profile so that nothing unobserved leaks in) and `incidents:`, in the scenario's
 * own terms, so a scenario uses it with `calibration: <file>`. Comments say how well each fit holds.
 */
import { stringify } from 'yaml';
import { formatDuration } from '../scenario/duration.js';
import type { Calibration } from './calibrate.js';
import { lowerQuantiles, MIN_BAND_CALLS, upperQuantiles, type DistributionFit, type TargetFit } from './fit-target.js';
import type { ModelFit } from './fit-models.js';
import type { DetectedIncident } from './incidents.js';
import { count } from '../plural.js';
import { MOCK_ERROR_KINDS } from '../scenario/schema-target.js';

const round = (v: number, digits = 3) => +v.toPrecision(digits);
const ms = (v: number) => Math.max(1, Math.round(v));

export { targetId } from './observed-table.js';

function quantilesOf(d: DistributionFit, upper: boolean): { p50: number; p99: number } {
  const q = upper ? upperQuantiles(d.fit) : lowerQuantiles(d.fit);
  return { p50: ms(q.p50), p99: upper ? Math.max(ms(q.p50), ms(q.p99)) : Math.min(ms(q.p50), Math.max(0.1, round(q.p99))) };
}

const MOCKABLE: ReadonlySet<string> = new Set(MOCK_ERROR_KINDS);

/**
 * The error kind a mock gives for an observed one: a gateway's own refusals and failures
 * (gateway_blocked, gateway_error) are not the provider's, and are left out (a scenario simulates
 * them with its gateway); a kind the mock does not know (an imported log's own name) is a
 * server_error, as a failure without a kind is. Written as observed, either made the file one the
 * scenario refused (`targets.x.mock.errors.gateway_error  unknown key`).
 */
export function mockKind(kind: string): string | undefined {
  if (kind === 'gateway_blocked' || kind === 'gateway_error') return undefined;
  return MOCKABLE.has(kind) ? kind : 'server_error';
}

export function mockBlock(t: TargetFit): Record<string, unknown> {
  const mock: Record<string, unknown> = { profile: 'perfect' };
  if (t.ttft) mock.ttft_ms = quantilesOf(t.ttft, true);
  if (t.ttft?.model === 'empirical') mock.ttft_quantiles_ms = t.ttft.quantiles.map((v) => round(Math.max(v, 0.001), 4));
  if (t.prefillTokensPerS !== undefined) mock.prefill_tokens_per_s = round(t.prefillTokensPerS);
  if (t.tokensPerS) mock.tokens_per_s = quantilesOf(t.tokensPerS, false);
  if (t.tokensPerS?.model === 'empirical') mock.tokens_per_s_quantiles = t.tokensPerS.quantiles.map((v) => round(Math.max(v, 0.001), 4));
  else if (t.latencyOnly) mock.tokens_per_s = { p50: 1e6, p99: 1e6 }; // whole latency is in ttft_ms
  // 429s that follow load come from the limit, not from a fixed share. Timeouts are an error share
  // too (left out, a recording with 5% timeouts was simulated at 100% success): the mock's timeout
  // never answers, and the attempt ends at the strategy's or the target's timeout.
  const limit = t.rateLimit?.loadDriven && t.rateLimit.rpm ? t.rateLimit.rpm : undefined;
  const errors = errorShares(t.errors, limit !== undefined);
  if (limit) mock.rate_limit = { rpm: limit };
  if (Object.keys(errors).length > 0) mock.errors = errors;
  if (t.errorLatency) mock.error_latency_ms = quantilesOf(t.errorLatency, true);
  if (t.retryAfter) {
    mock.retry_after_ms = { min: Math.round(t.retryAfter.min), max: Math.round(t.retryAfter.max) };
    mock.retry_after_share = round(t.retryAfter.share);
  }
  if (t.models !== undefined) mock.models = Object.fromEntries(t.models.map((m) => [m.model, modelBlock(m, limit !== undefined)]));
  return mock;
}

/** The mock's error shares per kind (see mockBlock). */
function errorShares(observed: TargetFit['errors'], limited: boolean): Record<string, number> {
  const shares: Record<string, number> = {};
  for (const e of observed) {
    if (e.count === 0 || (limited && e.kind === 'rate_limited')) continue;
    const kind = mockKind(e.kind);
    if (kind !== undefined) shares[kind] = (shares[kind] ?? 0) + e.rate;
  }
  return Object.fromEntries(Object.entries(shares).map(([k, r]) => [k, round(r, 4)]));
}

/**
 * One model's `mock.models` entry: its TTFT (prefill as its own where it shows one, else the
 * target's, which its TTFT was fitted net of) and tokens/s; its error shares only where they differ
 * from the target's (`errors: {}` when it had none), else the target's hold.
 */
function modelBlock(m: ModelFit, limited: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m.ttft) out.ttft_ms = quantilesOf(m.ttft, true);
  if (m.ttft?.model === 'empirical') out.ttft_quantiles_ms = m.ttft.quantiles.map((v) => round(Math.max(v, 0.001), 4));
  if (m.prefillTokensPerS !== undefined) out.prefill_tokens_per_s = round(m.prefillTokensPerS);
  if (m.tokensPerS) out.tokens_per_s = quantilesOf(m.tokensPerS, false);
  if (m.tokensPerS?.model === 'empirical') out.tokens_per_s_quantiles = m.tokensPerS.quantiles.map((v) => round(Math.max(v, 0.001), 4));
  if (m.ownErrors) out.errors = errorShares(m.errors, limited);
  return out;
}

/**
 * `baseline`: the share of calls the target's mock fails outside incidents. The mock draws those
 * failures inside an error_rate incident too (on the calls the incident spares), so the incident
 * gets the rate that, with them, fails the share observed in its window: (r − b) / (1 − b).
 * Written as observed, a 40% window over a 10% baseline was simulated at 46%.
 */
function incidentBlock(i: DetectedIncident, id: string, n: number, baseline = 0): Record<string, unknown> {
  // whole ms outward: rounded, an edge at a call (an outage from the first call on, at 0.6 ms) left that call outside
  const start = Math.max(0, Math.floor(i.startMs));
  const end = Math.ceil(i.startMs + i.durationMs);
  const out: Record<string, unknown> = { name: `observed-${id}-${n}`, kind: i.kind, targets: [id], start: formatDuration(start), duration: formatDuration(Math.max(1, end - start)) };
  if (i.kind === 'error_rate') out.rate = round(baseline < 1 ? Math.max(0, ((i.rate ?? 0) - baseline) / (1 - baseline)) : 0);
  if (i.kind !== 'latency' && i.errors) {
    // a provider that hung (timeouts) is simulated hanging, not failing at once as `unavailable`
    const weights: Record<string, number> = {};
    for (const [k, n] of Object.entries(i.errors)) {
      const kind = mockKind(k);
      if (kind !== undefined) weights[kind] = (weights[kind] ?? 0) + n;
    }
    const kinds = Object.keys(weights);
    if (kinds.length === 1) out.error = kinds[0];
    else if (kinds.length > 1) out.errors = weights;
  }
  if (i.kind === 'latency') out.latency_multiplier = Math.max(1, i.latencyMultiplier ?? 1);
  return out;
}

const fitNote = (what: string, d: DistributionFit | undefined) =>
  d === undefined ? `${what}: no data` : `${what}: ${d.model === 'lognormal' ? 'lognormal fits' : 'lognormal does NOT fit'} (KS D=${d.ks.toFixed(3)}, n=${d.n})`;

export function calibrationYaml(c: Calibration, generatedFrom: string): string {
  const targets: Record<string, unknown> = {};
  const notes: string[] = [];
  const baseline = new Map<string, number>();
  for (const t of c.targets) {
    const id = c.ids[t.target]!;
    const mock = mockBlock(t);
    baseline.set(t.target, Object.values((mock.errors ?? {}) as Record<string, number>).reduce((a, r) => a + r, 0));
    targets[id] = { provider: t.dialect === 'anthropic' ? 'anthropic' : 'openai', model: t.model || id, dialect: t.dialect, mock };
    notes.push(`#   ${id} (${count(t.calls, 'call')}): ${fitNote('TTFT', t.ttft)}; ${fitNote('tokens/s', t.tokensPerS)}`);
    for (const m of t.models ?? []) notes.push(`#     model ${m.model} (${count(m.calls, 'call')}): ${fitNote('TTFT', m.ttft)}; ${fitNote('tokens/s', m.tokensPerS)}`);
    if (t.pooled?.length) notes.push(`#     pooled into ${id}'s own fit (under ${MIN_BAND_CALLS} calls to fit): ${t.pooled.map((p) => `${p.model} (${count(p.calls, 'call')})`).join(', ')}`);
  }
  const counts = new Map<string, number>();
  const incidents = c.incidents.map((i) => {
    const n = (counts.get(i.target) ?? 0) + 1;
    counts.set(i.target, n);
    return incidentBlock(i, c.ids[i.target]!, n, baseline.get(i.target));
  });
  const header = [
    `# Written by routebench calibrate from ${generatedFrom}: ${count(c.calls, 'observed call')} over ${formatDuration(Math.round(c.spanMs))}.`,
    '# Use it from a scenario with `calibration: <this file>`; re-run calibrate rather than editing by hand.',
    '# Fit quality (lognormal used where KS D <= 0.05 or within sampling noise; otherwise the empirical quantiles, *_quantiles*):',
    ...notes,
  ];
  return `${header.join('\n')}\n${stringify({ targets, incidents }, { lineWidth: 0 })}`;
}
