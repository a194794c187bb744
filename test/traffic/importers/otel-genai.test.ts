import { truncateSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, harnessError, makeTempDir } from '../helpers.js';
import { importRows, logFixture } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const T1 = '5b8aa5a2d2c872e8321cf37308d69df2';
const T2 = '0af7651916cd43dd8448eb211c80319c';

// Hand-computed from fixtures/logs/otel-genai/spans.jsonl. Span starts: D 09:59:59.500 (line 2),
// A 10:00:00.000 (line 1), E 10:00:01.000, F 10:00:03.000 (line 2), G 10:00:04.000 (line 1):
// arrival order D, A, E, F, G at 0, 500, 1500, 3500, 4500 ms. The tool and agent spans are not model calls.
const D = {
  arrival_ms: 0, route: 'claude-3-5-haiku-20241022', input_tokens: 0, output_tokens: 0, stream: false, tags: { service: 'batch-worker' }, dialect: 'anthropic', id: 'd1d1d1d1d1d1d1d1',
  // error.type anthropic.RateLimitError = HTTP 429; 09:59:59.700 − 09:59:59.500 = 200 ms; no usage attributes
  recorded: { ok: false, status: 429, latency_ms: 200, error_kind: 'rate_limited', target: 'anthropic', trace_id: T2, tokens_estimated: true },
};
const A = {
  arrival_ms: 500, route: 'gpt-4o-mini', input_tokens: 120, output_tokens: 48, cached_tokens: 64, stream: true, tags: { service: 'support-bot', user: 'u-42' }, dialect: 'openai', id: '051581bf3cb55c13',
  // 10:00:01.2345 − 10:00:00 = 1234.5 ms; time_to_first_chunk 0.35 s
  recorded: { ok: true, status: 200, latency_ms: 1234.5, ttft_ms: 350, target: 'openai', request_id: 'chatcmpl-A1', trace_id: T1 },
};
const E = {
  arrival_ms: 1500, route: 'gpt-4o', input_tokens: 50, output_tokens: 20, stream: true, tags: { service: 'batch-worker', user: 'alice' }, dialect: 'openai', id: 'e2e2e2e2e2e2e2e2',
  // first gen_ai.content.completion.chunk event at 10:00:01.400
  recorded: { ok: true, status: 200, latency_ms: 1000, ttft_ms: 400, target: 'openai', trace_id: T2 },
};
const F = {
  arrival_ms: 3500, route: 'gpt-4o-mini', input_tokens: 0, output_tokens: 0, stream: false, tags: { service: 'batch-worker' }, dialect: 'openai', id: 'f3f3f3f3f3f3f3f3',
  // gen_ai.system az.ai.openai is azure.ai.openai since v1.37; APITimeoutError: no HTTP answer
  recorded: { ok: false, status: 0, latency_ms: 30000, error_kind: 'timeout', target: 'azure.ai.openai', trace_id: T2, tokens_estimated: true },
};
const G = {
  arrival_ms: 4500, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 0, stream: true, tags: { service: 'support-bot' }, dialect: 'openai', id: '77aa88bb99cc00dd',
  recorded: { ok: false, status: 503, latency_ms: 250, error_kind: 'unavailable', target: 'openai', trace_id: T1 },
};

describe('otel-genai importer', () => {
  it('imports model-call spans of JSONL export requests, in start order, with both attribute generations', async () => {
    const { rows, stats } = await importRows(logFixture('otel-genai/spans.jsonl'), 'otel-genai', tmp.path('out.jsonl'));
    expect(rows).toEqual([D, A, E, F, G]);
    expect(stats).toMatchObject({ rows: 5, skippedRows: 0 });
    // the recorded object keeps the key order `routebench record` writes
    expect(Object.keys(rows[1]!.recorded as object).slice(0, 6)).toEqual(['ok', 'status', 'latency_ms', 'ttft_ms', 'target', 'request_id']);
  });

  it('reads one pretty-printed OTLP JSON document', async () => {
    const { rows } = await importRows(logFixture('otel-genai/export.json'), 'otel-genai', tmp.path('out.jsonl'));
    expect(rows).toEqual([
      { ...A, arrival_ms: 0 },
      { ...G, arrival_ms: 4000 },
    ]);
  });

  it('refuses a single document over 64 MiB with what to do instead, before reading it', async () => {
    const file = tmp.write('huge.json', '{\n');
    truncateSync(file, 64 * 1024 * 1024 + 1); // sparse: nothing is written past the first line
    const e = await harnessError(importRows(file, 'otel-genai', tmp.path('out.jsonl')));
    expect([e.code, e.exitCode, e.message]).toEqual(['LOG_DOCUMENT_TOO_LARGE', 2, `${file}: one JSON document of 64 MiB`]);
    expect(e.hint).toContain('JSON Lines');
  });

  it('is usable directly as a scenario trace format', async () => {
    const { requests } = await collect({ file: logFixture('otel-genai/spans.jsonl'), format: 'otel-genai' });
    expect(requests.map((r) => [r.arrivalMs, r.route, r.dialect, r.recorded?.target])).toEqual([
      [0, 'claude-3-5-haiku-20241022', 'anthropic', 'anthropic'],
      [500, 'gpt-4o-mini', 'openai', 'openai'],
      [1500, 'gpt-4o', 'openai', 'openai'],
      [3500, 'gpt-4o-mini', 'openai', 'azure.ai.openai'],
      [4500, 'gpt-4o-mini', 'openai', 'openai'],
    ]);
  });
});

const span = (start: string, end: string, extra: object = {}) => ({
  traceId: 'ab',
  spanId: 'cd',
  startTimeUnixNano: start,
  endTimeUnixNano: end,
  attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }, { key: 'gen_ai.request.model', value: { stringValue: 'm' } }],
  ...extra,
});
const request = (...spans: object[]) => JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ spans }] }] });
const S = 1772359200; // 2026-03-01T10:00:00Z in seconds

describe('otel-genai rows that share tags or a model', () => {
  it('gives each span its own service, user and model when consecutive spans share some of them and not others', async () => {
    const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
    const at = (s: number, attributes: object[]) => span(`${S + s}000000000`, `${S + s + 1}000000000`, { spanId: `s${s}`, attributes: [attr('gen_ai.operation.name', 'chat'), ...attributes] });
    const resource = (service: string | undefined, spans: object[]) => ({ resource: { attributes: service === undefined ? [] : [attr('service.name', service)] }, scopeSpans: [{ spans }] });
    const line = JSON.stringify({
      resourceSpans: [
        resource('svc-a', [at(0, [attr('gen_ai.request.model', 'm1'), attr('user.id', 'u1')]), at(1, [attr('gen_ai.request.model', 'm1')]), at(2, [attr('gen_ai.provider.name', 'openai'), attr('user.id', 'u1')])]),
        resource('svc-b', [at(3, [attr('gen_ai.request.model', 'm1'), attr('user.id', 'u1')]), at(4, [attr('gen_ai.response.model', 'm2'), attr('gen_ai.user', 'u2')])]),
        resource(undefined, [at(5, [attr('gen_ai.request.model', 'm2')]), at(6, [attr('gen_ai.request.model', 'm2'), attr('user.id', 'u2')])]),
      ],
    });
    const file = tmp.write('shared.jsonl', `${line}\n`);
    const { rows } = await importRows(file, 'otel-genai', tmp.path('out.jsonl'));
    expect(rows.map((r) => [r.id, r.route, r.tags ?? null])).toEqual([
      ['s0', 'm1', { service: 'svc-a', user: 'u1' }],
      ['s1', 'm1', { service: 'svc-a' }],
      ['s2', 'default', { service: 'svc-a', user: 'u1' }],
      ['s3', 'm1', { service: 'svc-b', user: 'u1' }],
      ['s4', 'm2', { service: 'svc-b', user: 'u2' }],
      ['s5', 'm2', null],
      ['s6', 'm2', { user: 'u2' }],
    ]);
  });
});

describe('otel-genai nested model calls', () => {
  it('makes model-call spans under a model-call span (same export request) its attempts, not rows', async () => {
    const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
    const parent = { traceId: 't1', spanId: 'p1', name: 'litellm_request', startTimeUnixNano: `${S}000000000`, endTimeUnixNano: `${S + 3}000000000`, attributes: [attr('gen_ai.system', 'openai'), attr('gen_ai.request.model', 'gpt-4o'), attr('gen_ai.usage.prompt_tokens', 30), attr('gen_ai.usage.completion_tokens', 7)], status: { code: 1 } };
    const first = { traceId: 't1', spanId: 'c1', parentSpanId: 'p1', name: 'raw_gen_ai_request', startTimeUnixNano: `${S}100000000`, endTimeUnixNano: `${S}400000000`, attributes: [attr('gen_ai.system', 'azure'), attr('gen_ai.request.model', 'gpt-4o'), attr('error.type', '429')], status: { code: 2 } };
    const second = { traceId: 't1', spanId: 'c2', parentSpanId: 'p1', name: 'raw_gen_ai_request', startTimeUnixNano: `${S + 1}000000000`, endTimeUnixNano: `${S + 2}900000000`, attributes: [attr('gen_ai.system', 'openai'), attr('gen_ai.request.model', 'gpt-4o')], status: { code: 1 } };
    const other = { traceId: 't2', spanId: 'x1', parentSpanId: 'not-here', name: 'chat', startTimeUnixNano: `${S + 5}000000000`, endTimeUnixNano: `${S + 6}000000000`, attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'anthropic'), attr('gen_ai.request.model', 'claude')] };
    const file = tmp.write('nested.jsonl', `${request(second, other, parent, first)}\n`);
    const { rows } = await importRows(file, 'otel-genai', tmp.path('out.jsonl'));
    expect(rows.map((r) => [r.id, r.arrival_ms, r.recorded])).toEqual([
      ['p1', 0, { ok: true, status: 200, latency_ms: 3000, target: 'openai', trace_id: 't1', attempts: [{ target: 'azure', status: 429, latency_ms: 300, error_kind: 'rate_limited' }, { target: 'openai', status: 200, latency_ms: 1900 }] }],
      ['x1', 5000, { ok: true, status: 200, latency_ms: 1000, target: 'anthropic', trace_id: 't2', tokens_estimated: true }],
    ]);
  });
});

describe('otel-genai malformed input', () => {
  it('reports a bad line, a bad span (with its path) and a line that is not an export request by file:line', async () => {
    const good = request(span(`${S}000000000`, `${S}100000000`));
    const file = tmp.write('bad.jsonl', [good, '{"resourceSpans": [', request(span(`${S + 1}000000000`, `${S + 1}1`), span('10:00', `${S + 2}000000000`)), '{"foo": 1}', ''].join('\n'));
    const e = await harnessError(importRows(file, 'otel-genai', tmp.path('out.jsonl')));
    expect(e.message).toBe(`${file}:2: not valid JSON (${errorOf('{"resourceSpans": [')})`);

    const skipped = await importRows(file, 'otel-genai', tmp.path('out.jsonl'), { onBadRow: 'skip' });
    expect(skipped.stats.skippedRows).toBe(4);
    expect(skipped.stats.skippedSamples).toEqual([
      `${file}:2: not valid JSON (${errorOf('{"resourceSpans": [')})`,
      `${file}:3: resourceSpans[0].scopeSpans[0].spans[0]: endTimeUnixNano must be unix nanoseconds ≥ startTimeUnixNano, got "${S + 1}1"`,
      `${file}:3: resourceSpans[0].scopeSpans[0].spans[1]: startTimeUnixNano must be unix nanoseconds, got "10:00"`,
      `${file}:4: not an OTLP ExportTraceServiceRequest: no "resourceSpans" array`,
    ]);
    expect(skipped.rows.map((r) => r.arrival_ms)).toEqual([0]);
  });

  it('refuses a time in seconds or milliseconds where nanoseconds belong (it read as 1970, every span at the same instant with ~0 latency)', async () => {
    const file = tmp.write('units.jsonl', [request(span(`${S}`, `${S + 2}`)), request(span(`${S}000`, `${S + 2}000`)), request(span(`${S + 4}000000000`, `${S + 5}000000000`)), ''].join('\n'));
    const skipped = await importRows(file, 'otel-genai', tmp.path('out.jsonl'), { onBadRow: 'skip' });
    expect(skipped.stats.skippedSamples).toEqual([
      `${file}:1: resourceSpans[0].scopeSpans[0].spans[0]: startTimeUnixNano must be unix nanoseconds, got "${S}" (1970-01-01T00:00:01.772Z: seconds or milliseconds? multiply to nanoseconds)`,
      `${file}:2: resourceSpans[0].scopeSpans[0].spans[0]: startTimeUnixNano must be unix nanoseconds, got "${S}000" (1970-01-01T00:29:32.359Z: seconds or milliseconds? multiply to nanoseconds)`,
    ]);
    expect(skipped.rows.map((r) => [r.arrival_ms, (r.recorded as { latency_ms: number }).latency_ms])).toEqual([[0, 1000]]);
  });

  it('puts spans back in start order within the window, and reports one that starts too far before', async () => {
    const inWindow = tmp.write('w.jsonl', [request(span(`${S + 300}000000000`, `${S + 301}000000000`)), request(span(`${S + 10}000000000`, `${S + 400}000000000`))].join('\n'));
    expect((await importRows(inWindow, 'otel-genai', tmp.path('o.jsonl'))).rows.map((r) => (r.recorded as { latency_ms: number }).latency_ms)).toEqual([390_000, 1000]);

    // 11:00 then 10:00: an hour apart, beyond the 10-minute window; then one more span at 11:20 pushes 11:00 out first
    const late = tmp.write('late.jsonl', [request(span(`${S + 3600}000000000`, `${S + 3601}000000000`)), request(span(`${S + 4800}000000000`, `${S + 4801}000000000`)), request(span(`${S}000000000`, `${S + 1}000000000`))].join('\n'));
    const e = await harnessError(importRows(late, 'otel-genai', tmp.path('o.jsonl')));
    expect(e.message).toBe(`${late}:3: starts at 2026-03-01T10:00:00.000Z, 3600.000 s before a row already passed on: the file is out of time order by more than the 10-minute reorder window; sort it by start time first`);
  });
});

function errorOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}
