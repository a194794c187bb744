/**
 * OpenRouter generation records: the `data` object of `GET /api/v1/generation?id=…`
 * (https://openrouter.ai/docs/api/api-reference/generations/get-generation), one per line (the
 * whole `{"data": …}` answer or the bare object), or in a JSON array. There is no list endpoint:
 * the ids are captured while the requests are made, and each one fetched.
 * `provider_responses` are the upstream attempts, fallbacks included, each with its HTTP status
 * and latency: they become `recorded.attempts`, the last one being the request's outcome. The
 * record has no final HTTP status and no TTFT; `latency` (ms) is the whole request.
 * `total_cost` is "the total cost of the generation in USD"; OpenRouter documents no meaning for a
 * negative one (the only negative figure it describes is `cache_discount`, negative on a cache
 * write: a discount applied to the cost, not the cost; https://openrouter.ai/docs/features/prompt-caching),
 * so such a generation is imported with its cost unknown (no `cost_usd`), not reported as
 * malformed: its outcome, timing, attempts and tokens are sound.
 */
import type { TraceRow } from '../trace-formats.js';
import type { RecordedAttempt, Tags } from '../traffic-request.js';
import { boolOf, clampCached, classifyError, countOf, countProblem, dialectOf, isoMs, numberOf, outcome, round3, str } from './fields.js';
import { logFormat } from './log-format.js';

function expand(v: unknown, emit: (row: TraceRow | string) => void, last: Last): void {
  const o = v as { data?: unknown } | null;
  const data = o !== null && typeof o === 'object' && o.data !== null && typeof o.data === 'object' && !Array.isArray(o.data) ? o.data : v;
  emit(generationRow(data, last));
}

/**
 * Rows wait in the reorder window (reorder.ts), and the young-generation GC copies what they hold
 * until it is old: consecutive generations of one user share one tags object (nothing changes a
 * row's tags once read), kept per import (`createExpand`) so never seen by another import.
 */
interface Last {
  tags: Tags | undefined;
  user: string | undefined;
}

function tagsOf(last: Last, user: string | undefined): Tags | undefined {
  if (user === undefined) return undefined;
  if (last.tags === undefined || user !== last.user) {
    last.tags = { user } as Tags;
    last.user = user;
  }
  return last.tags;
}

/**
 * An upstream attempt: an object literal with exactly its keys (all inside the object), one literal
 * per set of keys, so V8 can allocate each kind directly in the old generation once it sees that
 * they outlive the young one (rows wait in the reorder window).
 */
function attemptOf(target: string, status: number, latency: number | undefined, kind: string | undefined): RecordedAttempt {
  if (latency !== undefined) return kind === undefined ? { target, status, latency_ms: latency } : { target, status, latency_ms: latency, error_kind: kind };
  return kind === undefined ? { target, status } : { target, status, error_kind: kind };
}

const is2xx = (s: number) => s >= 200 && s < 300;

function generationRow(v: unknown, last: Last): TraceRow | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'each record must be a generation (a JSON object, or {"data": {…}})';
  const g = v as Record<string, unknown>;
  const created = isoMs(g.created_at);
  if (created === undefined) return `created_at must be an ISO time such as "2026-03-01T10:00:00.123456+00:00", got ${JSON.stringify(g.created_at)}`;
  const latency = g.latency === null || g.latency === undefined ? undefined : numberOf(g.latency);
  if ((latency === undefined && g.latency !== null && g.latency !== undefined) || (latency !== undefined && latency < 0)) return `latency must be a number of ms ≥ 0, got ${JSON.stringify(g.latency)}`;
  const inputRaw = g.native_tokens_prompt ?? g.tokens_prompt;
  const outputRaw = g.native_tokens_completion ?? g.tokens_completion;
  const input = inputRaw === null || inputRaw === undefined ? 0 : countOf(inputRaw);
  const output = outputRaw === null || outputRaw === undefined ? 0 : countOf(outputRaw);
  if (input === undefined) return countProblem('native_tokens_prompt / tokens_prompt', inputRaw);
  if (output === undefined) return countProblem('native_tokens_completion / tokens_completion', outputRaw);

  const responses = g.provider_responses;
  if (responses !== null && responses !== undefined && !Array.isArray(responses)) return `provider_responses must be a list, got ${JSON.stringify(responses)}`;
  const list = (responses ?? []) as unknown[];
  const cancelled = boolOf(g.cancelled) === true;
  const errored = g.finish_reason === 'error';
  const lastStatus = list.length > 0 ? countOf((list[list.length - 1] as { status?: unknown } | null)?.status) : undefined;
  const ok = !cancelled && !errored && (lastStatus === undefined || lastStatus === 0 || is2xx(lastStatus));
  // as long as the list (an array grown by push keeps room for 17)
  const attempts: RecordedAttempt[] = new Array<RecordedAttempt>(list.length);
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as Record<string, unknown> | null;
    if (r === null || typeof r !== 'object') return `provider_responses[${i}] must be an object, got ${JSON.stringify(r)}`;
    const status = r.status === null || r.status === undefined ? 0 : countOf(r.status);
    if (status === undefined) return `provider_responses[${i}].status must be an HTTP status, got ${JSON.stringify(r.status)}`;
    const target = str(r.provider_name) ?? 'unknown';
    const ms = r.latency === null || r.latency === undefined ? undefined : numberOf(r.latency);
    // as the generation's own latency: a time that is not one is a malformed row, not a lost field
    if ((ms === undefined && r.latency !== null && r.latency !== undefined) || (ms !== undefined && ms < 0))
      return `provider_responses[${i}].latency must be a number of ms ≥ 0, got ${JSON.stringify(r.latency)}`;
    // Status 0 (none given) counts as a failure unless it is the answer of a successful generation.
    const kind = status >= 300 || (status === 0 && !(ok && i === list.length - 1)) ? classifyError(status).kind : undefined;
    attempts[i] = attemptOf(target, status, ms === undefined ? undefined : round3(ms), kind);
  }

  const target = str(g.provider_name) ?? attempts[attempts.length - 1]?.target ?? 'unknown';
  let recorded;
  if (ok) recorded = outcome(true, lastStatus || 200, latency, undefined, undefined, target);
  else if (cancelled) recorded = outcome(false, lastStatus || 200, latency, undefined, undefined, target);
  else {
    const e = lastStatus !== undefined && lastStatus >= 300 ? classifyError(lastStatus) : { status: lastStatus ?? 0, kind: 'server_error' as const };
    recorded = outcome(false, e.status, latency, undefined, e.kind, target);
  }
  const upstreamId = str(g.upstream_id);
  if (upstreamId !== undefined) recorded.request_id = upstreamId;
  const requestId = str(g.request_id);
  if (requestId !== undefined) recorded.trace_id = requestId;
  // A negative total is not a charge (nor a credit) OpenRouter documents: cost unknown, the call kept.
  const cost = numberOf(g.total_cost);
  if (cost !== undefined && cost >= 0) recorded.cost_usd = cost;
  if (cancelled) recorded.client_closed = true;
  if ((inputRaw === null || inputRaw === undefined) && (outputRaw === null || outputRaw === undefined)) recorded.tokens_estimated = true;
  if (attempts.length > 0) recorded.attempts = attempts;

  const user = str(g.external_user) ?? (typeof g.external_user === 'number' ? String(g.external_user) : undefined);
  const streamed = boolOf(g.streamed);
  return {
    timeMs: created,
    id: str(g.id),
    route: str(g.router) ?? str(g.model),
    inputTokens: input,
    outputTokens: output,
    cachedTokens: clampCached(countOf(g.native_tokens_cached), input),
    stream: streamed,
    tags: tagsOf(last, user),
    dialect: dialectOf(str(g.provider_name)),
    recorded,
  };
}

export const openrouter = logFormat({
  name: 'openrouter',
  description: 'OpenRouter generation records (GET /api/v1/generation data: created_at, model, provider_name, latency, tokens, provider_responses as attempts), one per line or a JSON array',
  createExpand: () => {
    const last: Last = { tags: undefined, user: undefined };
    return (v, emit) => expand(v, emit, last);
  },
});
