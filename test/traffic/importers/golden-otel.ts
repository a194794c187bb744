/**
 * Deterministic, varied OTLP JSON lines (OpenTelemetry GenAI spans) for the golden-row test
 * (golden-rows.test.ts): both attribute generations, ints written as strings and as numbers,
 * failures (status code, `error.type` as an HTTP status or an SDK class), every TTFT form, tool and
 * embeddings spans passed over, a gateway span over its upstream attempts, a captured prompt with
 * an address in it, resources and users that repeat and change, spans written late (within the
 * reorder window and far past it) and a few malformed spans and lines. Not a test file itself.
 */

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const T0 = Date.UTC(2026, 2, 1, 10);
const kv = (key: string, value: Record<string, unknown>) => ({ key, value });
const s = (key: string, v: string) => kv(key, { stringValue: v });
const nanos = (ms: number) => `${ms}000000`;
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

/** One span's attributes; `pick` chooses among the spellings producers use. */
function attributes(i: number, pick: (n: number) => number): { key: string; value: Record<string, unknown> }[] {
  const old = pick(3) === 0;
  const input = 50 + pick(900);
  const a = [
    ...(pick(6) === 0 ? [] : [s('gen_ai.operation.name', ['chat', 'chat', 'text_completion', 'generate_content'][pick(4)]!)]),
    old ? s('gen_ai.system', ['openai', 'anthropic', 'az.ai.openai', 'xai'][pick(4)]!) : s('gen_ai.provider.name', ['openai', 'anthropic', 'aws.bedrock'][pick(3)]!),
    s('gen_ai.request.model', ['gpt-4o-mini', 'gpt-4o-mini', 'claude-3-5-haiku', 'gpt-4.1'][pick(4)]!),
  ];
  if (pick(12) !== 0)
    a.push(
      kv(old ? 'gen_ai.usage.prompt_tokens' : 'gen_ai.usage.input_tokens', pick(2) ? { intValue: String(input) } : { intValue: input }),
      kv(old ? 'gen_ai.usage.completion_tokens' : 'gen_ai.usage.output_tokens', { intValue: String(pick(400)) }),
    );
  if (pick(3) === 0) a.push(kv(pick(2) ? 'gen_ai.usage.cache_read.input_tokens' : 'gen_ai.usage.cache_read_input_tokens', { intValue: String(pick(2 * input)) }));
  if (pick(2)) a.push(kv(['gen_ai.request.stream', 'gen_ai.is_streaming', 'llm.is_streaming'][pick(3)]!, pick(4) ? { boolValue: pick(2) === 0 } : { stringValue: 'true' }));
  const ttft = pick(6);
  if (ttft === 0) a.push(kv('gen_ai.response.time_to_first_chunk', { doubleValue: (pick(900) + 1) / 1000 }));
  if (ttft === 1) a.push(kv('gen_ai.server.time_to_first_token', { doubleValue: 0.25 }));
  if (ttft === 2) a.push(kv('ai.response.msToFirstChunk', { doubleValue: pick(700) + 0.5 }));
  if (ttft === 3) a.push(s('langfuse.observation.completion_start_time', `"${new Date(T0 + i * 700 + 300).toISOString()}"`));
  if (pick(4) === 0) a.push(kv('gen_ai.usage.cost', { doubleValue: pick(1000) / 1e5 }));
  if (pick(3) === 0) a.push(s('gen_ai.response.id', `chatcmpl-${i}`));
  if (pick(3)) a.push(s(pick(2) ? 'user.id' : 'gen_ai.user', `u-${pick(3)}`));
  if (pick(8) === 0) a.push(s('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: pick(2) ? 'mail me at ana@example.com' : 'hello' }] }])));
  if (pick(10) === 0) a.push(s('gen_ai.prompt.0.content', 'card 4111 1111 1111 1111'));
  if (pick(5) === 0) a.push(s('server.address', 'api.example.com'), kv('http.response.status_code', { intValue: 200 }));
  return a;
}

function span(i: number, start: number, pick: (n: number) => number, parent?: string): Record<string, unknown> {
  const attrs = attributes(i, pick);
  const fail = pick(7);
  let status: Record<string, unknown> = { code: pick(2) };
  if (fail === 0) status = { code: 2, message: pick(2) ? 'Rate limit reached' : 'context length exceeded' };
  if (fail === 1) attrs.push(s('error.type', ['RateLimitError', 'openai.APITimeoutError', '503', 'BadRequestError'][pick(4)]!));
  if (fail === 2) status = { code: 'STATUS_CODE_ERROR' };
  const events = pick(6) === 0 ? [{ name: 'gen_ai.content.completion.chunk', timeUnixNano: nanos(start + 120) }] : undefined;
  return {
    traceId: hex(Math.floor(i / 3) + 1, 32), spanId: hex(i + 1, 16), ...(parent === undefined ? {} : { parentSpanId: parent }), name: 'chat', kind: 3,
    startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 200 + pick(3000)), attributes: attrs, ...(events ? { events } : {}), status,
  };
}

export function otelLines(n: number, seed = 17): string[] {
  const pick = rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    // late by up to 2 s now and then (the reorder window puts them back), seldom by an hour; the
    // second half 11 minutes on, so the first half is passed on before the file ends
    const start = T0 + i * 700 + (2 * i >= n ? 660_000 : 0) - (pick(5) === 0 ? pick(2000) : 0) - (pick(25) === 0 ? 3_600_000 : 0);
    const spans: Record<string, unknown>[] = [span(i, start, pick)];
    const extra = pick(8);
    if (extra === 0) spans.push({ ...span(i + 10_000, start + 10, pick, hex(i + 1, 16)) }, { ...span(i + 20_000, start + 50, pick, hex(i + 1, 16)) });
    if (extra === 1) spans.push({ spanId: hex(i + 30_000, 16), name: 'execute_tool', startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 5), attributes: [s('gen_ai.operation.name', 'execute_tool')] });
    if (extra === 2) spans.push({ spanId: hex(i + 40_000, 16), startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 5), attributes: [s('gen_ai.request.model', 'text-embedding-3-small'), s('llm.request.type', 'embedding')] });
    if (extra === 3) spans.push({ ...span(i + 50_000, start, pick), startTimeUnixNano: String(Math.floor(start / 1000)) });
    const service = ['support-bot', 'support-bot', 'batch-worker'][pick(3)]!;
    lines.push(JSON.stringify({ resourceSpans: [{ resource: { attributes: [s('service.name', service)] }, scopeSpans: [{ scope: { name: 'x' }, spans }] }] }));
    if (pick(30) === 0) lines.push(pick(2) ? '{"resourceSpans": [' : '{"resourceLogs": []}');
  }
  return lines;
}
