/**
 * Deterministic, varied LiteLLM / OpenRouter / Portkey log files for the golden-row test
 * (golden-rows.test.ts): the fields each importer reads, in their several spellings, with failures,
 * cache hits, fallbacks, times with and without offsets and fractions, tags that repeat between
 * consecutive rows and tags that change, and a few malformed rows. Not a test file itself.
 */

/** A small seeded generator (LCG), so the files are the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const T0 = Date.UTC(2026, 2, 1, 23, 59, 50);

/** An ISO time in one of the forms logs write: Z, ±HH:MM, ±HHMM, no offset, space or T, 0-9 fraction digits. */
function isoForm(ms: number, pick: (n: number) => number, csv = false): string {
  const form = pick(7);
  const offsetMin = [0, 0, 60, -330, 120, -480, 0][form]!;
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const wanted = [0, 3, 6, 3, 1, 9, 2][pick(7)]!;
  // fewer than 3 digits only where they hold the ms exactly
  const digits = wanted < 3 && ms % 10 ** (3 - wanted) !== 0 ? 3 : wanted;
  const frac = digits === 0 ? '' : `.${String(ms % 1000).padStart(3, '0')}${'0'.repeat(Math.max(0, digits - 3))}`.slice(0, digits + 1);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  const zone = csv && form === 6 ? '' : form === 0 ? 'Z' : form === 1 || form === 6 ? '+00:00' : form === 4 ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
  return `${csv ? local.replace('T', ' ') : local}${frac}${zone}`;
}

export function litellmRows(n: number, seed = 7): Record<string, unknown>[] {
  const pick = rng(seed);
  const rows: Record<string, unknown>[] = [];
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += pick(4) * 250 + pick(3);
    const ok = pick(6) !== 0;
    const cache = ok && pick(12) === 0;
    const dur = ok ? 200 + pick(4000) : 0;
    const stream = ok && pick(2) === 0;
    const start = t - (pick(10) === 0 ? pick(20_000) : 0);
    const meta: Record<string, unknown> = {};
    if (pick(3) === 0) meta.attempted_retries = pick(3);
    if (pick(4) === 0) meta.attempted_fallbacks = pick(2);
    if (pick(2) === 0) meta.additional_usage_values = { prompt_tokens_details: { cached_tokens: pick(300) } };
    else if (pick(3) === 0) meta.usage_object = { cache_read_input_tokens: pick(50) };
    if (!ok) meta.error_information = [
      { error_code: '429', error_class: 'RateLimitError', error_message: 'Requests exceeded call rate limit' },
      { error_code: 500, error_class: 'InternalServerError', error_message: 'boom' },
      { error_code: '', error_class: 'litellm.Timeout', error_message: 'timed out' },
      { error_code: '400', error_class: 'BadRequestError', error_message: "This model's maximum context length is 8192 tokens" },
      {},
    ][pick(5)];
    const row: Record<string, unknown> = {
      request_id: pick(8) === 0 ? '' : `chatcmpl-${seed}-${i}`,
      startTime: isoForm(start, pick),
      endTime: isoForm(ok ? start + dur : start, pick),
      completionStartTime: isoForm(ok ? start + (stream ? Math.floor(dur / 3) : dur) : start, pick),
      model: ['gpt-4o-mini', 'claude-3-5-haiku-20241022', 'gpt-4o', ''][pick(4)],
      model_id: pick(3) === 0 ? '' : `dep-${pick(3)}`,
      model_group: pick(5) === 0 ? '' : ['fast', 'smart'][pick(2)],
      api_base: ['https://api.openai.com/v1', 'https://api.anthropic.com', 'not a url', ''][pick(4)],
      custom_llm_provider: ['openai', 'anthropic', 'azure', ''][pick(4)],
      prompt_tokens: pick(15) === 0 ? '' : pick(1000),
      completion_tokens: pick(15) === 0 ? '' : pick(400),
      spend: pick(5) === 0 ? '' : pick(1000) / 1e5,
      status: pick(10) === 0 ? undefined : ok ? 'success' : 'failure',
      metadata: pick(4) === 0 ? JSON.stringify(meta) : meta,
      request_tags: [['prod'], ['prod', 'checkout'], [], '["batch"]', [1, 'x']][pick(i % 50 < 25 ? 1 : 5)],
      team_id: i % 40 < 30 ? 'team-a' : ['team-b', ''][pick(2)],
      user: i % 30 < 20 ? 'u-1' : ['u-2', ''][pick(2)],
      cache_hit: cache ? ['True', true][pick(2)] : ['False', false, ''][pick(3)],
    };
    if (!ok && pick(3) === 0) row.request_duration_ms = pick(30_000);
    if (pick(10) === 0) row.messages = [{ role: 'user', content: pick(2) ? 'mail me at a.b@example.com' : 'hello' }];
    if (i % 97 === 50) row.prompt_tokens = -1;
    if (i % 89 === 40) row.startTime = 'yesterday';
    if (i % 83 === 30) row.status = 'pending';
    rows.push(row);
  }
  return rows;
}

/** The same rows as a Postgres CSV export: JSON columns as text, times without 'T'. */
export function litellmCsv(rows: Record<string, unknown>[]): string {
  const cols = ['request_id', 'spend', 'prompt_tokens', 'completion_tokens', 'startTime', 'endTime', 'completionStartTime', 'model', 'model_id', 'model_group', 'custom_llm_provider', 'api_base', 'user', 'metadata', 'cache_hit', 'request_tags', 'team_id', 'status', 'request_duration_ms'];
  const cell = (v: unknown) => {
    const s = v === undefined ? '' : typeof v === 'string' ? v.replace('T', ' ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => (c === 'metadata' || c === 'request_tags' || c === 'request_id' || c === 'model' ? cell(r[c]) : cell(r[c]))).join(','))].join('\n');
}

export function openrouterRows(n: number, seed = 11): Record<string, unknown>[] {
  const pick = rng(seed);
  const rows: Record<string, unknown>[] = [];
  let t = T0;
  const providers = ['OpenAI', 'Anthropic', 'Azure', 'Google', 'Amazon Bedrock'];
  for (let i = 0; i < n; i++) {
    t += pick(5) * 200 + pick(7);
    const k = pick(4);
    const responses = Array.from({ length: k }, (_, j) => ({
      status: j === k - 1 ? [200, 200, 200, 429, 503, 0, null][pick(7)] : [429, 500, 503, 0, 408][pick(5)],
      provider_name: pick(10) === 0 ? null : providers[pick(5)],
      latency: pick(6) === 0 ? null : pick(3000) + (pick(2) ? 0.5 : 0),
      endpoint_id: `ep-${j}`,
    }));
    const g: Record<string, unknown> = {
      id: `gen-${seed}-${i}`,
      upstream_id: pick(4) === 0 ? null : `chatcmpl-${i}`,
      request_id: pick(3) === 0 ? undefined : `req-${i}`,
      total_cost: pick(6) === 0 ? null : pick(5000) / 1e6,
      created_at: isoForm(t, pick),
      model: ['openai/gpt-4o-mini', 'anthropic/claude-3.5-haiku'][pick(2)],
      router: pick(8) === 0 ? 'openrouter/auto' : null,
      streamed: [true, false, null][pick(3)],
      cancelled: pick(15) === 0,
      provider_name: pick(8) === 0 ? null : providers[pick(5)],
      latency: pick(12) === 0 ? null : pick(5000),
      finish_reason: ['stop', 'length', 'error', null][pick(4)],
      tokens_prompt: pick(10) === 0 ? null : pick(500),
      tokens_completion: pick(10) === 0 ? null : pick(200),
      native_tokens_prompt: pick(4) === 0 ? null : pick(600),
      native_tokens_completion: pick(4) === 0 ? null : pick(250),
      native_tokens_cached: pick(3) === 0 ? null : pick(100),
      external_user: [undefined, 'user-123', 42, ''][i % 20 < 12 ? 1 : pick(4)],
      provider_responses: pick(9) === 0 ? null : responses,
    };
    if (i % 71 === 20) g.latency = -5;
    if (i % 67 === 10) g.provider_responses = [{ status: 'bad' }];
    if (i % 61 === 5) g.created_at = 12345;
    rows.push(pick(2) ? { data: g } : g);
  }
  return rows;
}

export function portkeyRows(n: number, seed = 13): Record<string, unknown>[] {
  const pick = rng(seed);
  const rows: Record<string, unknown>[] = [];
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += pick(5) * 150;
    const status = [200, 200, 200, 429, 503, 500][pick(6)];
    const chain = pick(5) === 0;
    const o: Record<string, unknown> = {
      id: `log-${i}`,
      trace_id: chain ? `tr-${i - (i % 2)}` : `tr-${i}`,
      created_at: isoForm(t, pick),
      is_success: [status === 200 ? 1 : 0, undefined, status === 200 ? 'true' : 'false'][pick(3)],
      [pick(2) ? 'ai_org' : 'ai_provider']: ['openai', 'anthropic', 'azure-openai'][pick(3)],
      ai_model: ['gpt-4o-mini', 'claude-3-5-haiku'][pick(2)],
      [pick(2) ? 'req_units' : 'request_tokens']: pick(900),
      [pick(2) ? 'res_units' : 'response_tokens']: pick(300),
      cost: pick(4) === 0 ? undefined : pick(100) / 10,
      cost_currency: ['USD', 'EUR', undefined][pick(3)],
      [pick(2) ? 'response_status_code' : 'status_code']: status,
      response_time: pick(2000),
      cache_status: ['MISS', 'HIT', 'SEMANTIC HIT', 'DISABLED', undefined][pick(5)],
      stream_mode: ['TRUE', 'FALSE', undefined][pick(3)],
      retry_success_count: pick(3),
      mode: ['SINGLE', 'FALLBACK', undefined][pick(3)],
      metadata: [{ team: 'a' }, { key: ['team', 'env'], value: ['b', 'prod'] }, undefined][pick(3)],
    };
    if (status !== 200 && pick(2)) o.response = { body: { error: { type: 'rate_limit_error', code: status, message: 'slow down' } } };
    if (pick(10) === 0) o.request = { body: { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'card 4111 1111 1111 1111' }] } };
    if (i % 53 === 7) o.response_time = -1;
    rows.push(o);
  }
  return rows;
}
