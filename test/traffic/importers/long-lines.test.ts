/**
 * JSON Lines whose lines are over 2 MiB: the OpenTelemetry Collector's file exporter writes one
 * OTLP export request per line, a batch of spans (with content capture, their prompts too), so a
 * line of several MiB is an ordinary line of an ordinary export. Each line is one record, read
 * whole, as a single document is (up to 64 MiB).
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/traffic/import-trace.js';
import { harnessError, makeTempDir } from '../helpers.js';
import { logFixture } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

interface Export {
  resourceSpans: { resource: unknown; scopeSpans: { spans: Record<string, unknown>[] }[] }[];
}
const fixture = JSON.parse(readFileSync(logFixture('otel-genai/export.json'), 'utf8')) as Export;
const span = fixture.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
const T0 = 1772359200000000000n;

/** One export request of `n` spans, one a second from span number `first`, on one line. */
function line(first: number, n: number): string {
  const spans = Array.from({ length: n }, (_, i) => {
    const t = T0 + BigInt(first + i) * 1_000_000_000n;
    return { ...span, spanId: (first + i).toString(16).padStart(16, '0'), startTimeUnixNano: String(t), endTimeUnixNano: String(t + 500_000_000n) };
  });
  return JSON.stringify({ resourceSpans: [{ resource: fixture.resourceSpans[0]!.resource, scopeSpans: [{ scope: { name: 't' }, spans }] }] });
}

const BIG = 2000; // spans per long line: ~2.4 MB, past the 2 MiB a trace line may have

describe('import of JSON Lines with lines over 2 MiB', () => {
  it('reads every span when the first line is the long one (it was read as one document and failed at line 2)', async () => {
    const lines = [line(0, BIG), line(BIG, BIG), line(2 * BIG, 3)];
    expect(Buffer.byteLength(lines[0]!)).toBeGreaterThan(2 * 1024 * 1024);
    const file = tmp.write('spans.jsonl', `${lines.join('\n')}\n`);
    const stats = await importTrace({ file, format: 'otel-genai' }, tmp.path('out.jsonl'));
    expect(stats.rows).toBe(2 * BIG + 3);
    const rows = readFileSync(tmp.path('out.jsonl'), 'utf8').trim().split('\n');
    expect(rows.length).toBe(2 * BIG + 3);
    expect((JSON.parse(rows.at(-1)!) as { arrival_ms: number }).arrival_ms).toBe((2 * BIG + 2) * 1000);
  });

  it('reads every span when a later line is the long one (it was refused as a line over 2 MiB)', async () => {
    const file = tmp.write('spans.jsonl', [line(0, 3), line(3, BIG)].join('\n'));
    const stats = await importTrace({ file, format: 'otel-genai' }, tmp.path('out.jsonl'));
    expect(stats.rows).toBe(3 + BIG);
  });

  it('a LiteLLM CSV whose row holds a 2.2 MB prompt (store_prompts_in_spend_logs) is read, the prompts scanned (a row over 2 MiB was refused)', async () => {
    const [head, ...rows] = readFileSync(logFixture('litellm/spend-logs.csv'), 'utf8').trim().split('\n');
    // row 2 holds a 2.2 MB prompt with an email at its end, the others a short one
    const prompt = (i: number) => `"${JSON.stringify([{ role: 'user', content: i === 1 ? `${'lorem ipsum '.repeat(190_000)} mail a.b@example.com` : 'hello' }]).replaceAll('"', '""')}"`;
    const file = tmp.write('spend-logs.csv', `${[`${head!},messages`, ...rows.map((r, i) => `${r},${prompt(i)}`)].join('\n')}\n`);
    expect(Buffer.byteLength(prompt(1))).toBeGreaterThan(2 * 1024 * 1024);
    const stats = await importTrace({ file, format: 'litellm' }, tmp.path('out.jsonl'));
    expect(stats.rows).toBe(rows.length);
    const found = readFileSync(tmp.path('out.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { prompt_dlp?: { found: string[] } }).prompt_dlp?.found);
    expect(found.filter((f) => f?.includes('email')).length).toBe(1);
  });

  it('a malformed line after long ones is reported at its own line number', async () => {
    const bad = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, startTimeUnixNano: '10:00' }] }] }] });
    const file = tmp.write('spans.jsonl', [line(0, BIG), line(BIG, BIG), bad].join('\n'));
    const e = await harnessError(importTrace({ file, format: 'otel-genai' }, tmp.path('out.jsonl')));
    expect(e.problems).toMatchObject([{ file, line: 3, message: expect.stringContaining('startTimeUnixNano must be unix nanoseconds') as unknown }]);
  });
});
