/**
 * LiteLLM proxy spend logs: rows of its `LiteLLM_SpendLogs` table (https://docs.litellm.ai/docs/proxy/cost_tracking),
 * as JSON (the `/spend/logs?summarize=false` array, the `/spend/logs/ui` page `{data: [...]}`, or
 * one row per line) or as CSV with the table's column names (a Postgres `\copy … CSV HEADER`).
 * One row per client request: a success row comes from the deployment that served it, a failure
 * row from the proxy's failure hook. Failure rows are written with `startTime` = `endTime` = the
 * time of writing, so they carry no latency (unless `request_duration_ms` is there).
 * `completionStartTime` is the first chunk of a stream and equals `endTime` otherwise, so TTFT and
 * the stream flag are read from it. Where the row holds the prompt (`messages`, stored only with
 * `store_prompts_in_spend_logs`), it is scanned by the DLP detectors and only the names of those
 * that fired are kept (`prompt_dlp`). `spend` is the call's cost; a negative one has no meaning
 * in LiteLLM's docs and comes from a bug in its cost calculation (see spendRow), so such a row is
 * imported with its cost unknown (no `cost_usd`), not reported as malformed: its outcome, timing and
 * tokens are sound.
 */
import type { TraceRow } from '../trace-formats.js';
import type { Tags } from '../traffic-request.js';
import { boolOf, clampCached, classifyError, countOf, countProblem, dialectOf, isoMs, numberOf, objectOf, outcome, str } from './fields.js';
import { at, logFormat } from './log-format.js';
import { promptDlpOf } from './prompt-dlp.js';

type Row = Record<string, unknown>;

function expand(v: unknown, emit: (row: TraceRow | string) => void, last: Last): void {
  const data = (v as { data?: unknown } | null)?.data;
  if (Array.isArray(data))
    for (let i = 0; i < data.length; i++) {
      const row = spendRow(data[i], last);
      emit(typeof row === 'string' ? at(`data[${i}]`, row) : row);
    }
  else emit(spendRow(v, last));
}

/**
 * What the rows just read gave, kept per import (`createExpand`, so never seen by another import):
 * rows wait in the reorder window (reorder.ts), and the young-generation GC copies what they hold
 * until it is old, so consecutive rows of one team, user and request tags share one tags object
 * (nothing changes a row's tags once read). Also the last `request_tags` text (a CSV cell) and its
 * list, and the last `api_base` and its host: the same values come row after row.
 */
interface Last {
  tags: Tags | undefined;
  team: string | undefined;
  user: string | undefined;
  requestTags: string;
  tagsText: string | undefined;
  tagsOfText: string;
  apiBase: string | undefined;
  host: string | undefined;
}

const newLast = (): Last => ({ tags: undefined, team: undefined, user: undefined, requestTags: '', tagsText: undefined, tagsOfText: '', apiBase: undefined, host: undefined });

function tagsOf(last: Last, team: string | undefined, user: string | undefined, requestTags: string): Tags | undefined {
  if (team === undefined && user === undefined && requestTags === '') return undefined;
  if (last.tags === undefined || team !== last.team || user !== last.user || requestTags !== last.requestTags) {
    const tags: Record<string, string> = {};
    if (team !== undefined) tags.team = team;
    if (user !== undefined) tags.user = user;
    if (requestTags !== '') tags.request_tags = requestTags;
    last.tags = tags;
    last.team = team;
    last.user = user;
    last.requestTags = requestTags;
  }
  return last.tags;
}

function spendRow(v: unknown, last: Last): TraceRow | string {
  const o = objectOf(v);
  if (o === undefined) return 'each record must be a SpendLogs row (a JSON object)';
  const start = isoMs(o.startTime);
  if (start === undefined) return `startTime must be an ISO time such as "2026-03-01T10:00:00.123+00:00", got ${JSON.stringify(o.startTime)}`;
  // a failure row's endTime is its startTime, and a non-streamed row's completionStartTime its endTime: read once
  const end = o.endTime === o.startTime ? start : isoMs(o.endTime);
  if (end === undefined || end < start) return `endTime must be an ISO time not before startTime, got ${JSON.stringify(o.endTime)}`;
  const status = str(o.status) ?? 'success';
  if (status !== 'success' && status !== 'failure') return `status must be "success" or "failure", got ${JSON.stringify(o.status)}`;
  const ok = status === 'success';
  const input = o.prompt_tokens === undefined || o.prompt_tokens === '' ? 0 : countOf(o.prompt_tokens);
  const output = o.completion_tokens === undefined || o.completion_tokens === '' ? 0 : countOf(o.completion_tokens);
  if (input === undefined) return countProblem('prompt_tokens', o.prompt_tokens);
  if (output === undefined) return countProblem('completion_tokens', o.completion_tokens);
  const meta = objectOf(o.metadata) ?? {};

  const duration = numberOf(o.request_duration_ms);
  if (duration !== undefined && duration < 0) return `request_duration_ms must be a number of ms ≥ 0, got ${JSON.stringify(o.request_duration_ms)}`;
  const latency = duration ?? (ok || end > start ? end - start : undefined);
  const firstChunk = o.completionStartTime === o.endTime ? end : isoMs(o.completionStartTime);
  const streamed = firstChunk === undefined || !ok ? undefined : firstChunk < end;
  const ttft = streamed && firstChunk! >= start ? firstChunk! - start : undefined;

  const cacheHit = boolOf(o.cache_hit) === true;
  const provider = str(o.custom_llm_provider);
  const model = str(o.model);
  const target = cacheHit ? 'cache' : (str(o.model_id) ?? hostOf(last, str(o.api_base)) ?? (provider && model ? `${provider}/${model}` : model) ?? 'unknown');
  let recorded;
  if (ok) recorded = outcome(true, 200, latency, ttft, undefined, target);
  else {
    const info = objectOf(meta.error_information) ?? {};
    const code = str(info.error_code) ?? (typeof info.error_code === 'number' ? String(info.error_code) : undefined);
    const e = classifyError(countOf(code), str(info.error_class), code, str(info.error_message));
    recorded = outcome(false, e.status, latency, undefined, e.kind, target);
  }
  const requestId = str(o.request_id);
  if (requestId !== undefined) recorded.request_id = requestId;
  // A negative spend is not a cost (nor a credit): LiteLLM prices each call from its token counts,
  // and a cache-token count subtracted past zero bills a negative amount, a bug it tracks
  // (https://github.com/BerriAI/litellm/issues/25846, https://github.com/BerriAI/litellm/issues/16051).
  // The call itself was logged as it happened: kept, its cost unknown.
  const spend = numberOf(o.spend);
  if (spend !== undefined && spend >= 0) recorded.cost_usd = spend;
  const retries = countOf(meta.attempted_retries);
  if (retries) recorded.retries = retries;
  const fallbacks = countOf(meta.attempted_fallbacks);
  if (fallbacks) recorded.fallbacks = fallbacks;
  if (cacheHit) recorded.cache_hit = true;
  if (input === 0 && output === 0) recorded.tokens_estimated = true;

  const tags = tagsOf(last, str(o.team_id), str(o.user), tagList(o.request_tags, last));
  return {
    timeMs: start,
    id: requestId,
    route: str(o.model_group) ?? model,
    inputTokens: input,
    outputTokens: output,
    cachedTokens: clampCached(cachedTokens(meta), input),
    stream: streamed,
    tags,
    dialect: dialectOf(provider),
    recorded,
    // the prompt, where the proxy stored it (`store_prompts_in_spend_logs`; else `{}`): scanned, not kept
    promptDlp: o.messages === undefined || o.messages === '' ? undefined : promptDlpOf(o.messages),
  };
}

/** Cached prompt tokens: only inside `metadata` (`additional_usage_values`, else `usage_object`), in OpenAI's or Anthropic's form. */
function cachedTokens(meta: Row): number | undefined {
  return cachedIn(meta.additional_usage_values) ?? cachedIn(meta.usage_object);
}

function cachedIn(v: unknown): number | undefined {
  const u = objectOf(v);
  if (u === undefined) return undefined;
  return countOf(objectOf(u.prompt_tokens_details)?.cached_tokens) ?? countOf(u.cache_read_input_tokens);
}

/** `request_tags`: a JSON array (or its text, in CSV: parsed once for a run of equal cells) of strings, joined with commas. */
function tagList(v: unknown, last: Last): string {
  if (typeof v === 'string') {
    if (v === last.tagsText) return last.tagsOfText;
    const list = joined(parsedList(v));
    last.tagsText = v;
    last.tagsOfText = list;
    return list;
  }
  return joined(v);
}

function parsedList(text: string): unknown {
  if (!text.startsWith('[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The strings of a list joined with commas (as `filter(string).join(',')`, without the filtered copy; one tag is itself). */
function joined(v: unknown): string {
  if (!Array.isArray(v)) return '';
  let out: string | undefined;
  for (let i = 0; i < v.length; i++) {
    const t: unknown = v[i];
    if (typeof t === 'string') out = out === undefined ? t : `${out},${t}`;
  }
  return out ?? '';
}

function hostOf(last: Last, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (url === last.apiBase) return last.host;
  let host: string | undefined;
  try {
    host = new URL(url).host || undefined;
  } catch {
    host = undefined;
  }
  last.apiBase = url;
  last.host = host;
  return host;
}

export const litellm = logFormat({
  name: 'litellm',
  description: 'LiteLLM proxy SpendLogs rows: JSON (array, {data: [...]}, or one row per line) or CSV with the table\'s columns (startTime, endTime, completionStartTime, model_id, …)',
  csv: true,
  createExpand: () => {
    const last = newLast();
    return (v, emit) => expand(v, emit, last);
  },
});
