/**
 * A token count past 2^53 - 1 (1e30 in a log or a trace) is not exact as a number. The trace
 * reader and the importers took it as a whole number ≥ 0: `import` wrote it, `validate` and `run`
 * accepted it, then `replay` stopped with an internal error (exit 1, the request marker refused
 * it) and `calibrate` refused the trace import had written. Now the row is malformed where it is
 * read, saying the count is too large, for every format; 2^53 - 1 itself is still a count.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harnessError, makeTempDir } from './helpers.js';
import { importRows } from './importers/import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const MAX = Number.MAX_SAFE_INTEGER; // 9,007,199,254,740,991
const otelSpan = (input: number) =>
  JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 's1', startTimeUnixNano: '1767261600000000000', endTimeUnixNano: '1767261601000000000', attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: String(input) } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: '5' } },
    ] }] }] }],
  });

// [format, the line with a count of `n`, the field the message names]
const cases: [string, (n: number) => string, string][] = [
  ['routebench', (n) => JSON.stringify({ arrival_ms: 0, route: 'm', input_tokens: n, output_tokens: 5 }), 'input_tokens'],
  ['litellm', (n) => JSON.stringify({ request_id: 'r', startTime: '2026-01-01T10:00:00Z', endTime: '2026-01-01T10:00:01Z', model: 'gpt-4o', status: 'success', prompt_tokens: n, completion_tokens: 5 }), 'prompt_tokens'],
  ['openrouter', (n) => JSON.stringify({ id: 'g', created_at: '2026-01-01T10:00:00Z', model: 'openai/gpt-4o', provider_name: 'OpenAI', latency: 100, tokens_prompt: n, tokens_completion: 5 }), 'native_tokens_prompt / tokens_prompt'],
  ['portkey', (n) => JSON.stringify({ id: 'l', created_at: '2026-01-01T10:00:00Z', ai_org: 'openai', ai_model: 'gpt-4o', req_units: n, res_units: 5, response_status_code: 200, response_time: 100 }), 'req_units'],
  ['otel-genai', (n) => otelSpan(n), 'gen_ai.usage.input_tokens'],
];

describe('a token count too large to be exact', () => {
  it.each(cases)('%s: 1e30 is a malformed row naming the field; 2^53 - 1 is read', async (format, line, field) => {
    const bad = tmp.write(`${format}-bad.jsonl`, `${line(1e30)}\n`);
    const e = await harnessError(importRows(bad, format, tmp.path(`${format}-bad.out.jsonl`)));
    expect(e.exitCode).toBe(2);
    expect(e.problems[0]?.message).toMatch(`${field} 1e+30 is too large for a token count (at most 9,007,199,254,740,991)`);

    const ok = tmp.write(`${format}-max.jsonl`, `${line(MAX)}\n`);
    const { rows } = await importRows(ok, format, tmp.path(`${format}-max.out.jsonl`));
    expect(rows[0]?.input_tokens).toBe(MAX);
  });

  it('a count that is not a whole number keeps its message', async () => {
    const bad = tmp.write('frac.jsonl', `${cases[0]![1](1.5)}\n`);
    const e = await harnessError(importRows(bad, 'routebench', tmp.path('frac.out.jsonl')));
    expect(e.problems[0]?.message).toBe('input_tokens must be a whole number ≥ 0, got 1.5');
  });
});
