/**
 * Portkey log exports (https://portkey.ai/docs/product/observability/logs-export): JSON Lines, one
 * log per line, with the fields the export was asked for. The export's field list and its own
 * examples name some fields differently (`ai_org` / `ai_provider`, `req_units` / `request_tokens`,
 * `response_status_code` / `status_code`); both are read, as are the `metrics` of a log fetched
 * with `GET /v1/logs/{id}` (`stream_mode`, `retry_success_count`, `last_used_option_index`).
 * Each log is one upstream attempt (retries on one target fold into one log, with their count);
 * the logs of one fallback chain, which share `trace_id`, are folded into one request with its
 * attempts in order (portkey-chains.ts).
 * `cost` is in cents (the export docs), written as `recorded.cost_usd` in dollars. The docs give
 * no meaning to a negative `cost` ("Cost of the request in cents"), so such a log is imported with
 * its cost unknown (no `cost_usd`), not reported as malformed: its outcome, timing and tokens are
 * sound. A fallback chain with such a log has its cost unknown too (portkey-chains.ts), not the sum
 * of its other logs.
 */
import type { SourcedRow, TraceFormat, TraceRow } from '../trace-formats.js';
import type { Tags } from '../traffic-request.js';
import { boolOf, clampCached, classifyError, countOf, countProblem, dialectOf, isoMs, numberOf, objectOf, outcome, someKey, str } from './fields.js';
import { logFormat } from './log-format.js';
import { promptDlpOf } from './prompt-dlp.js';
import { ChainMerger, costUnknown } from './portkey-chains.js';

type Row = Record<string, unknown>;
/** Stands in for an absent object (read only), so a log without one allocates nothing for it. */
const NONE: Row = Object.freeze({});

/** A field's value, unless absent, null or '' (so `given(o.a) ?? given(o.b)` takes the first one given). */
const given = (v: unknown): unknown => (v === undefined || v === null || v === '' ? undefined : v);

function expand(v: unknown, emit: (row: TraceRow | string) => void, last: Last): void {
  emit(logRow(v, last));
}

/**
 * Rows wait in the reorder window (reorder.ts), and the young-generation GC copies what they hold
 * until it is old: consecutive logs without metadata and of one mode and option share one tags
 * object (nothing changes a row's tags once read: a fallback chain's merge makes new ones), kept
 * per import (`createExpand`) so never seen by another import.
 */
interface Last {
  tags: Tags | undefined;
  mode: string | undefined;
  option: string | undefined;
}

function logRow(v: unknown, last: Last): TraceRow | string {
  const o = objectOf(v);
  if (o === undefined) return 'each line must be a Portkey log (a JSON object)';
  const metrics = objectOf(o.metrics) ?? NONE;
  const created = isoMs(o.created_at);
  if (created === undefined) return `created_at must be an ISO time such as "2026-03-01T10:00:00.123Z", got ${JSON.stringify(o.created_at)}`;
  const statusRaw = given(o.response_status_code) ?? given(o.status_code);
  const status = statusRaw === undefined ? undefined : countOf(statusRaw);
  if (status === undefined && statusRaw !== undefined) return `response_status_code must be an HTTP status, got ${JSON.stringify(statusRaw)}`;
  const inputRaw = given(o.req_units) ?? given(o.request_tokens) ?? given(o.prompt_tokens);
  const outputRaw = given(o.res_units) ?? given(o.response_tokens) ?? given(o.completion_tokens);
  const input = inputRaw === undefined ? 0 : countOf(inputRaw);
  const output = outputRaw === undefined ? 0 : countOf(outputRaw);
  if (input === undefined) return countProblem('req_units', inputRaw);
  if (output === undefined) return countProblem('res_units', outputRaw);
  const latencyRaw = given(o.response_time);
  const latency = latencyRaw === undefined ? undefined : numberOf(latencyRaw);
  if ((latency === undefined && latencyRaw !== undefined) || (latency !== undefined && latency < 0)) return `response_time must be a number of ms ≥ 0, got ${JSON.stringify(latencyRaw)}`;

  const success = boolOf(o.is_success);
  const ok = success ?? (status === undefined || (status >= 200 && status < 300));
  const request = objectOf(o.request) ?? NONE;
  const body = objectOf(request.body) ?? objectOf(o['request.body']) ?? NONE;
  const response = objectOf(o.response) ?? NONE;
  const responseBody = objectOf(response.body) ?? objectOf(o['response.body']) ?? NONE;
  const cache = str(given(o.cache_status) ?? metrics.cache_status)?.toUpperCase();
  const cacheHit = cache === 'HIT' || cache === 'SEMANTIC HIT';
  const provider = str(given(o.ai_org) ?? given(o.ai_provider) ?? given(o.provider));
  const target = cacheHit ? 'cache' : (provider ?? 'unknown');
  let recorded;
  if (ok) recorded = outcome(true, status ?? 200, latency, undefined, undefined, target);
  else {
    const err = objectOf(responseBody.error) ?? NONE;
    const e = classifyError(status, str(err.type), str(err.code) ?? (typeof err.code === 'number' ? String(err.code) : undefined), str(err.message));
    recorded = outcome(false, e.status, latency, undefined, e.kind, target);
  }
  const traceId = str(o.trace_id);
  if (traceId !== undefined) recorded.trace_id = traceId;
  // The log is one upstream attempt (none for a cache hit): a count, the attempt being the
  // outcome itself (a fallback chain's logs become a list of attempts: portkey-chains.ts).
  recorded.attempts = cacheHit ? 0 : 1;
  const cents = numberOf(o.cost);
  const currency = str(o.cost_currency);
  if (cents !== undefined && cents < 0) costUnknown.add(recorded);
  else if (cents !== undefined && (currency === undefined || currency.toUpperCase() === 'USD')) recorded.cost_usd = cents / 100;
  const retries = countOf(given(o.retry_success_count) ?? metrics.retry_success_count);
  if (retries) recorded.retries = retries;
  if (cacheHit) recorded.cache_hit = true;
  if (inputRaw === undefined && outputRaw === undefined) recorded.tokens_estimated = true;

  const mode = str(o.mode);
  const optionRaw = given(o.last_used_option_index) ?? metrics.last_used_option_index;
  const option = typeof optionRaw === 'string' || typeof optionRaw === 'number' ? String(optionRaw) : undefined;
  const tags = hasMetadata(o) ? withMode(metadataTags(o), mode, option) : plainTags(last, mode, option);
  const stream = boolOf(given(o.stream_mode) ?? metrics.stream_mode) ?? boolOf(body.stream);
  return {
    timeMs: created,
    id: str(o.id),
    route: str(o.ai_model) ?? str(body.model),
    inputTokens: input,
    outputTokens: output,
    cachedTokens: clampCached(undefined, input),
    stream,
    tags,
    dialect: dialectOf(provider),
    recorded,
    // the prompt, where the export holds the request body (`request` asked for): scanned, not kept
    promptDlp: body.messages === undefined && body.system === undefined && body.prompt === undefined ? undefined : promptDlpOf(body.system, body.messages, body.prompt),
  };
}

function withMode(tags: Record<string, string>, mode: string | undefined, option: string | undefined): Tags | undefined {
  if (mode !== undefined) tags.portkey_mode = mode;
  if (option !== undefined) tags.portkey_option = option;
  return someKey(tags) ? (tags as Tags) : undefined;
}

/** The tags of a log without metadata: its mode and option only, shared with the log before when the same. */
function plainTags(last: Last, mode: string | undefined, option: string | undefined): Tags | undefined {
  if (mode === undefined && option === undefined) return undefined;
  if (last.tags === undefined || mode !== last.mode || option !== last.option) {
    last.tags = withMode({}, mode, option);
    last.mode = mode;
    last.option = option;
  }
  return last.tags;
}

/** Whether the log has custom metadata (as metadataTags reads it). */
const hasMetadata = (o: Row) => o.metadata !== undefined || o['metadata.key'] !== undefined || o['metadata.value'] !== undefined;

/** The log's custom metadata as tags: an object, or the export's parallel `metadata.key` / `metadata.value` lists. */
function metadataTags(o: Row): Record<string, string> {
  const tags: Record<string, string> = {};
  const meta = objectOf(o.metadata);
  const keys = (meta?.key ?? o['metadata.key']) as unknown;
  const values = (meta?.value ?? o['metadata.value']) as unknown;
  if (Array.isArray(keys) && Array.isArray(values)) {
    keys.forEach((k, i) => {
      if (typeof k === 'string' && typeof values[i] === 'string') tags[k] = values[i] as string;
    });
  } else if (meta !== undefined) for (const [k, val] of Object.entries(meta)) if (typeof val === 'string') tags[k] = val;
  return tags;
}

const logs = logFormat({
  name: 'portkey',
  description: 'Portkey log export JSONL (created_at, ai_org/ai_provider, ai_model, response_status_code, response_time, req_units/res_units, cost in cents, trace_id, retry_success_count); a fallback chain\'s logs (one trace_id) as one request with its attempts',
  createExpand: () => {
    const last: Last = { tags: undefined, mode: undefined, option: undefined };
    return (v, emit) => expand(v, emit, last);
  },
});

/** The logs in arrival order, with each fallback chain folded into one request. */
async function* chainRows(file: string): AsyncGenerator<SourcedRow[]> {
  const chains = new ChainMerger();
  for await (const rows of logs.readRows!(file)) {
    const out = chains.pass(rows);
    if (out.length > 0) yield out;
  }
  const out: SourcedRow[] = [];
  chains.flush(out);
  if (out.length > 0) yield out;
}

export const portkey: TraceFormat = { ...logs, readRows: chainRows };
