import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harnessError, makeTempDir } from '../helpers.js';
import { importRows, logFixture } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

// Hand-computed from fixtures/logs/litellm/spend-logs.{json,csv} (the same five rows; the file has
// the 10:00:06 failure before the 10:00:02 stream, as a proxy writes rows when calls end).
const expected = [
  {
    arrival_ms: 0, route: 'fast', input_tokens: 200, output_tokens: 50, cached_tokens: 128, stream: false, tags: { team: 'team-a', user: 'u-1', request_tags: 'prod,checkout' }, dialect: 'openai', id: 'chatcmpl-L1',
    // completionStartTime = endTime: not streamed; 10:00:01.500 − 10:00:00
    recorded: { ok: true, status: 200, latency_ms: 1500, target: 'dep-openai-1', request_id: 'chatcmpl-L1', cost_usd: 0.00006 },
  },
  {
    arrival_ms: 2000, route: 'fast', input_tokens: 300, output_tokens: 120, cached_tokens: 100, stream: true, tags: { team: 'team-a' }, dialect: 'anthropic', id: 'chatcmpl-L2',
    // no model_id: the api_base host; first chunk 10:00:02.420, end 10:00:05
    recorded: { ok: true, status: 200, latency_ms: 3000, ttft_ms: 420, target: 'api.anthropic.com', request_id: 'chatcmpl-L2', cost_usd: 0.0007, retries: 2, fallbacks: 1 },
  },
  {
    arrival_ms: 6000, route: 'smart', input_tokens: 0, output_tokens: 0, stream: false, tags: { team: 'team-b', user: 'u-2' }, dialect: 'openai', id: '0b6c1f6e-2f43-4cbb-9a8e-3f1b7c1d2e01',
    // a failure row: startTime = endTime = write time, so no latency; error_code 429
    recorded: { ok: false, status: 429, error_kind: 'rate_limited', target: 'dep-azure-2', request_id: '0b6c1f6e-2f43-4cbb-9a8e-3f1b7c1d2e01', cost_usd: 0, tokens_estimated: true },
  },
  {
    arrival_ms: 10000, route: 'fast', input_tokens: 200, output_tokens: 50, stream: false, tags: { team: 'team-a', user: 'u-1' }, dialect: 'openai', id: 'chatcmpl-L1_cache_hit1772359210',
    recorded: { ok: true, status: 200, latency_ms: 5, target: 'cache', request_id: 'chatcmpl-L1_cache_hit1772359210', cost_usd: 0, cache_hit: true },
  },
  {
    arrival_ms: 40000, route: 'smart', input_tokens: 0, output_tokens: 0, stream: false, tags: { team: 'team-b', user: 'u-3', request_tags: 'batch' }, dialect: 'openai', id: '7d0e5c9a-1b2c-4d3e-8f90-a1b2c3d4e5f6',
    // request_duration_ms 30000; error_class Timeout, error_code 408
    recorded: { ok: false, status: 408, latency_ms: 30000, error_kind: 'timeout', target: 'dep-openai-2', request_id: '7d0e5c9a-1b2c-4d3e-8f90-a1b2c3d4e5f6', cost_usd: 0, tokens_estimated: true },
  },
];

describe('litellm importer', () => {
  it('imports a SpendLogs JSON array (streamed element by element), in start order', async () => {
    const { rows, stats } = await importRows(logFixture('litellm/spend-logs.json'), 'litellm', tmp.path('out.jsonl'));
    expect(rows).toEqual(expected);
    expect(stats.rows).toBe(5);
  });

  it('imports the same rows from a Postgres CSV export (UTC times without offset, JSON columns as text)', async () => {
    const { rows } = await importRows(logFixture('litellm/spend-logs.csv'), 'litellm', tmp.path('out.jsonl'));
    expect(rows).toEqual(expected);
  });

  it('imports JSON Lines and the /spend/logs/ui page ({data: [...]})', async () => {
    const array = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(logFixture('litellm/spend-logs.json'), 'utf8'))) as object[];
    const jsonl = tmp.write('rows.jsonl', array.map((r) => JSON.stringify(r)).join('\n'));
    expect((await importRows(jsonl, 'litellm', tmp.path('a.jsonl'))).rows).toEqual(expected);
    const page = tmp.write('page.json', JSON.stringify({ data: array, total: 5, page: 1, page_size: 50, total_pages: 1 }, null, 2));
    expect((await importRows(page, 'litellm', tmp.path('b.jsonl'))).rows).toEqual(expected);
  });
});

const row = (o: object) => ({ request_id: 'r', startTime: '2026-03-01T10:00:00Z', endTime: '2026-03-01T10:00:01Z', completionStartTime: '2026-03-01T10:00:01Z', model: 'm', status: 'success', prompt_tokens: 1, completion_tokens: 1, ...o });

describe('litellm compact JSON', () => {
  it('streams a whole array on one line, longer than any trace line may be (GET /spend/logs saved with curl)', async () => {
    const rows: Record<string, unknown>[] = Array.from({ length: 8000 }, (_, i) => row({ request_id: `r${i}`, startTime: new Date(Date.UTC(2026, 2, 1, 10) + i * 10).toISOString(), endTime: new Date(Date.UTC(2026, 2, 1, 10) + i * 10 + 5).toISOString(), metadata: { note: 'x'.repeat(200) } }));
    rows[4321] = { ...rows[4321]!, prompt_tokens: 'many' };
    const text = JSON.stringify(rows);
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    const file = tmp.write('compact.json', text);
    const { stats, rows: out } = await importRows(file, 'litellm', tmp.path('out.jsonl'), { onBadRow: 'skip' });
    expect(stats.rows).toBe(7999);
    expect(stats.skippedSamples).toEqual([`${file}:1: [4321]: prompt_tokens must be a whole number ≥ 0, got "many"`]);
    expect(out.at(-1)).toMatchObject({ arrival_ms: 79_990, id: 'r7999', recorded: { latency_ms: 5 } });
  });
});

describe('litellm malformed rows', () => {
  it('reports array elements by the line they start on, with their index', async () => {
    const text = JSON.stringify([row({}), row({ startTime: 'yesterday' }), row({ status: 'pending' }), row({ prompt_tokens: -3 })], null, 2);
    const file = tmp.write('bad.json', text);
    const lineOf = (n: number) => text.split('\n').findIndex((l, i) => l === '  {' && text.split('\n').slice(0, i + 1).filter((x) => x === '  {').length === n + 1) + 1;
    const { stats, rows } = await importRows(file, 'litellm', tmp.path('out.jsonl'), { onBadRow: 'skip' });
    expect(rows).toHaveLength(1);
    expect(stats.skippedSamples).toEqual([
      `${file}:${lineOf(1)}: [1]: startTime must be an ISO time such as "2026-03-01T10:00:00.123+00:00", got "yesterday"`,
      `${file}:${lineOf(2)}: [2]: status must be "success" or "failure", got "pending"`,
      `${file}:${lineOf(3)}: [3]: prompt_tokens must be a whole number ≥ 0, got -3`,
    ]);
    // '[' on line 1, then 10 lines per element (8 keys): elements 1..3 start on lines 12, 22, 32
    expect([lineOf(1), lineOf(2), lineOf(3)]).toEqual([12, 22, 32]);
  });

  it('reports a CSV row with the wrong number of fields, and an unclosed array', async () => {
    const csv = tmp.write('bad.csv', 'request_id,startTime,endTime,status\nr1,2026-03-01 10:00:00,2026-03-01 10:00:01,success\nr2,2026-03-01 10:00:02,success\n');
    const e = await harnessError(importRows(csv, 'litellm', tmp.path('out.jsonl')));
    expect(e.message).toBe(`${csv}:3: 3 CSV fields where the header has 4 (a quoted field with a line break, or a missing comma?)`);
    const cut = tmp.write('cut.json', `[\n${JSON.stringify(row({}))},\n${JSON.stringify(row({ request_id: 'r2' }))}`);
    const e2 = await harnessError(importRows(cut, 'litellm', tmp.path('out.jsonl')));
    expect(e2.message).toBe(`${cut}:3: the JSON array is not closed with "]" (a truncated file?)`);
  });
});

describe('litellm spend', () => {
  // A negative spend comes from LiteLLM's cost calculation (a cache-token count subtracted past
  // zero), not from the call: the row is kept with its cost unknown. It was written as cost_usd: -1.
  it('a negative spend is no cost: the row is kept, cost_usd left out; 0 and positive spends are kept', async () => {
    const rows = [row({ request_id: 'neg', spend: -1 }), row({ request_id: 'tiny', spend: '-0.000001' }), row({ request_id: 'zero', spend: 0 }), row({ request_id: 'pos', spend: 0.25 }), row({ request_id: 'none' })];
    const file = tmp.write('spend.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'));
    const { stats, rows: out } = await importRows(file, 'litellm', tmp.path('out.jsonl'));
    expect(stats.skippedRows).toBe(0);
    const base = { ok: true, status: 200, latency_ms: 1000, target: 'm' };
    expect(out.map((r) => r.recorded)).toEqual([
      { ...base, request_id: 'neg' },
      { ...base, request_id: 'tiny' },
      { ...base, request_id: 'zero', cost_usd: 0 },
      { ...base, request_id: 'pos', cost_usd: 0.25 },
      { ...base, request_id: 'none' },
    ]);
  });
});
