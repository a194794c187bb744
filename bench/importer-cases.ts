/**
 * Log importers (into requests, and `routebench import`: read, parse, reorder, write JSONL): rows
 * per second and per CPU second for each source, against the trace reader and a bare JSON.parse
 * per line in the same run, on generated files in the products' record shapes (those of
 * fixtures/logs/), starts 5 ms apart.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { importTrace } from '../src/traffic/import-trace.js';
import { readTrace } from '../src/traffic/read-trace.js';
import { newTrafficStats } from '../src/traffic/traffic-request.js';
import type { CaseContext } from './case-registry.js';
import { eachLine } from '../src/traffic/importers/lines.js';
import { gc, median, round, stat } from './util.js';

const T0 = Date.UTC(2026, 2, 1, 10);
const iso = (ms: number) => new Date(ms).toISOString();
const nanos = (ms: number) => `${ms}000000`;

const kv = (key: string, value: object) => ({ key, value });
function otelLine(first: number, count: number): string {
  const spans = [];
  for (let i = first; i < first + count; i++) {
    const start = T0 + i * 5;
    spans.push({
      traceId: `${i.toString(16).padStart(32, '0')}`, spanId: `${i.toString(16).padStart(16, '0')}`, name: 'chat gpt-4o-mini', kind: 3,
      startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 800 + (i % 400)),
      attributes: [kv('gen_ai.operation.name', { stringValue: 'chat' }), kv('gen_ai.provider.name', { stringValue: i % 3 ? 'openai' : 'anthropic' }),
        kv('gen_ai.request.model', { stringValue: 'gpt-4o-mini' }), kv('gen_ai.usage.input_tokens', { intValue: String(100 + (i % 900)) }),
        kv('gen_ai.usage.output_tokens', { intValue: String(20 + (i % 300)) }), kv('gen_ai.request.stream', { boolValue: true }),
        kv('gen_ai.response.time_to_first_chunk', { doubleValue: 0.3 })],
      status: { code: i % 50 ? 1 : 2 },
    });
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [kv('service.name', { stringValue: 'bench' })] }, scopeSpans: [{ scope: { name: 'x' }, spans }] }] });
}

const litellmRow = (i: number) => {
  const start = T0 + i * 5;
  return JSON.stringify({ request_id: `chatcmpl-${i}`, startTime: iso(start), endTime: iso(start + 1500), completionStartTime: iso(start + 400), model: 'gpt-4o-mini', model_id: `dep-${i % 4}`,
    model_group: 'fast', api_base: 'https://api.openai.com/v1', custom_llm_provider: 'openai', prompt_tokens: 100 + (i % 900), completion_tokens: 20 + (i % 300), total_tokens: 0,
    spend: 0.0001, status: i % 50 ? 'success' : 'failure', metadata: { attempted_retries: 0, additional_usage_values: { prompt_tokens_details: { cached_tokens: 0 } } }, request_tags: ['prod'], team_id: 'team-a', user: 'u-1', cache_hit: 'False' });
};

const openrouterRow = (i: number) => {
  const start = T0 + i * 5;
  return JSON.stringify({ data: { id: `gen-${i}`, created_at: iso(start), model: 'openai/gpt-4o-mini', provider_name: 'OpenAI', streamed: true, latency: 1250, generation_time: 1200,
    tokens_prompt: 10, tokens_completion: 25, native_tokens_prompt: 100 + (i % 900), native_tokens_completion: 20 + (i % 300), native_tokens_cached: 0, total_cost: 0.0015, cancelled: false,
    finish_reason: 'stop', provider_responses: [{ status: i % 10 ? 200 : 429, provider_name: 'Azure', latency: 300 }, { status: 200, provider_name: 'OpenAI', latency: 900 }] } });
};

const portkeyRow = (i: number) =>
  JSON.stringify({ id: `log-${i}`, trace_id: `tr-${i}`, created_at: iso(T0 + i * 5), is_success: i % 50 ? 1 : 0, ai_org: 'openai', ai_model: 'gpt-4o-mini', req_units: 100 + (i % 900),
    res_units: 20 + (i % 300), cost: 0.36, cost_currency: 'USD', response_status_code: i % 50 ? 200 : 503, response_time: 850, cache_status: 'MISS', stream_mode: 'TRUE', retry_success_count: 0, mode: 'SINGLE' });

/** Writes `rows` records (10 spans per OTLP line) in chunks. */
export function writeFile(file: string, format: string, rows: number): void {
  const fd = openSync(file, 'w');
  let text = '';
  const perLine = format === 'otel-genai' ? 10 : 1;
  const row = format === 'litellm' ? litellmRow : format === 'openrouter' ? openrouterRow : portkeyRow;
  for (let i = 0; i < rows; i += perLine) {
    text += `${perLine === 10 ? otelLine(i, 10) : row(i)}\n`;
    if (text.length > 1 << 20) {
      writeSync(fd, text);
      text = '';
    }
  }
  writeSync(fd, text);
  closeSync(fd);
}

async function readAll(file: string, format: string): Promise<number> {
  const stats = newTrafficStats();
  for await (const batch of readTrace({ file, format }, stats)) void batch;
  return stats.rows;
}

/** The floor under any importer: one JSON.parse per line of the same file, nothing else (streamed; records, not rows). */
async function parseLines(file: string): Promise<number> {
  let n = 0;
  for await (const _ of eachLine(file, (text) => {
    JSON.parse(text);
    n++;
  }))
    void _;
  return n;
}

type Arm = 'import' | 'read' | 'ceiling' | 'parse';

/**
 * Per source, arms interleaved run by run: `read` (the importer into requests, as a scenario
 * reads it), `ceiling` (the same requests read back from the routebench JSONL the import wrote:
 * the trace reader alone), `parse` (a bare JSON.parse per line over the importer's input: the
 * floor of any JSON importer) and `import` (end to end, JSONL written). Rows per second of wall
 * time and per CPU second (process.cpuUsage: the machine may be shared).
 */
export async function importerThroughput(ctx: CaseContext): Promise<Record<string, unknown>> {
  const rows = ctx.tiny ? 2_000 : 200_000;
  const result: Record<string, unknown> = { rows, target: 200_000 };
  for (const format of ['otel-genai', 'litellm', 'openrouter', 'portkey']) {
    const file = path.join(ctx.tmp, `import-${format}.jsonl`);
    const out = path.join(ctx.tmp, `imported-${format}.jsonl`);
    writeFile(file, format, rows);
    const wall: Record<Arm, number[]> = { read: [], ceiling: [], parse: [], import: [] };
    const cpu: Record<Arm, number[]> = { read: [], ceiling: [], parse: [], import: [] };
    for (let i = 0; i < ctx.runs; i++) {
      for (const arm of ['import', 'read', 'ceiling', 'parse'] as const) {
        gc();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const n =
          arm === 'import' ? (await importTrace({ file, format }, out)).rows
          : arm === 'parse' ? (await parseLines(file)) * (format === 'otel-genai' ? 10 : 1)
          : await readAll(arm === 'read' ? file : out, arm === 'read' ? format : 'routebench');
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        wall[arm].push(rows / (ms / 1000));
        cpu[arm].push(rows / ((c.user + c.system) / 1e6));
        if (n !== rows) throw new Error(`${format} ${arm}: ${n} rows of ${rows}`);
      }
    }
    result[format] = {
      readRowsPerS: stat(wall.read), readRowsPerCpuS: stat(cpu.read),
      ceilingRowsPerS: stat(wall.ceiling), ceilingRowsPerCpuS: stat(cpu.ceiling),
      parseRowsPerS: stat(wall.parse), parseRowsPerCpuS: stat(cpu.parse),
      readOverParse: round(median(wall.read) / median(wall.parse), 2), readOverParseCpu: round(median(cpu.read) / median(cpu.parse), 2),
      readOverCeiling: round(median(wall.read) / median(wall.ceiling), 2),
      importRowsPerS: stat(wall.import), importRowsPerCpuS: stat(cpu.import),
      met: median(wall.read) >= 200_000,
    };
  }
  return result;
}
