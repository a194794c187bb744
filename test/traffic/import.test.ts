import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import type { TraceOptions } from '../../src/traffic/read-trace.js';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';
import { azureTicks, collect, fixture, makeTempDir, ticksToMs } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const azureSlice = fixture('azure-code-2023-slice.csv');
const mooncakeSlice = fixture('mooncake-synthetic-slice.jsonl');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function outputLines(file: string): Record<string, unknown>[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Requests as comparable plain values, with arrivals rounded to the µs the importer writes. */
function comparable(rs: readonly TrafficRequest[]) {
  return rs.map((r) => ({ ...r, arrivalMs: Math.round(r.arrivalMs * 1000) / 1000, tags: { ...r.tags } }));
}

async function expectRoundTrip(out: string, direct: TraceOptions): Promise<TrafficRequest[]> {
  const expected = (await collect(direct)).requests;
  const back = (await collect({ file: out, format: 'routebench' })).requests;
  expect(back).toHaveLength(expected.length);
  expect(comparable(back)).toEqual(comparable(expected));
  // Rounding to µs is the only change.
  expect(back.every((r, i) => Math.abs(r.arrivalMs - expected[i]!.arrivalMs) <= 0.0005)).toBe(true);
  return back;
}

describe('routebench import: azure', () => {
  it('writes one routebench line per row that reads back to the same requests', async () => {
    const out = tmp.path('azure.jsonl');
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', out, '--route', 'gpt-4o-mini', '--stream', '0.5');
    expect(r).toEqual({ code: 0, stdout: `wrote 600 requests to ${out}\n`, stderr: '' });
    const lines = outputLines(out);
    expect(lines).toHaveLength(600);
    expect(lines.every((l) => Object.keys(l).join(',') === 'arrival_ms,route,input_tokens,output_tokens,stream')).toBe(true);
    expect(lines.slice(0, 3).map((l) => [l.arrival_ms, l.route, l.input_tokens, l.output_tokens])).toEqual([
      [0, 'gpt-4o-mini', 4808, 10],
      [52, 'gpt-4o-mini', 3180, 8],
      [98.189, 'gpt-4o-mini', 110, 27],
    ]);
    const streamed = lines.filter((l) => l.stream === true).length;
    expect(lines.every((l) => typeof l.stream === 'boolean')).toBe(true);
    expect(Math.abs(streamed / 600 - 0.5)).toBeLessThanOrEqual(3 * Math.sqrt(0.25 / 600));

    const back = await expectRoundTrip(out, { file: azureSlice, format: 'azure', route: 'gpt-4o-mini', streamFraction: 0.5, seed: 1 });
    // Independent check of the last arrival: 18:17:03.9799600 → 18:21:25.6159590.
    expect(back[599]!.arrivalMs).toBe(261_635.999);
  });

  it('--seed changes only the stream draw', async () => {
    const a = tmp.path('a.jsonl');
    const b = tmp.path('b.jsonl');
    expect((await cli('import', azureSlice, '--format', 'azure', '-o', a, '--stream', '0.5', '--seed', '1')).code).toBe(0);
    expect((await cli('import', azureSlice, '--format', 'azure', '-o', b, '--stream', '0.5', '--seed', '2')).code).toBe(0);
    const la = outputLines(a);
    const lb = outputLines(b);
    expect(la.map((l) => [l.arrival_ms, l.input_tokens, l.output_tokens, l.route])).toEqual(lb.map((l) => [l.arrival_ms, l.input_tokens, l.output_tokens, l.route]));
    expect(la.map((l) => l.stream)).not.toEqual(lb.map((l) => l.stream));
    expect(la[0]!.route).toBe('default');
  });

  it('--limit, --start/--end and --speedup', async () => {
    const text = readFileSync(azureSlice, 'utf8').split('\r\n').slice(1).filter((l) => l !== '');
    const origin = azureTicks(text[0]!.split(',')[0]!);
    const rel = text.map((l) => ticksToMs(azureTicks(l.split(',')[0]!) - origin));
    const inWindow = rel.filter((t) => t >= 30_000 && t <= 40_000).length;
    expect(inWindow).toBeGreaterThan(10);

    const limited = tmp.path('limit.jsonl');
    expect((await cli('import', azureSlice, '--format', 'azure', '-o', limited, '--limit', '10')).stdout).toBe(`wrote 10 requests to ${limited}\n`);
    expect(outputLines(limited)).toHaveLength(10);

    const windowed = tmp.path('window.jsonl');
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', windowed, '--start', '30s', '--end', '40s', '--speedup', '2');
    expect(r.code).toBe(0);
    const lines = outputLines(windowed);
    expect(lines).toHaveLength(inWindow);
    const firstIn = rel.find((t) => t >= 30_000)!;
    // The importer rounds to whole µs: at most 0.0005 ms off (plus float noise).
    expect(Math.abs((lines[0]!.arrival_ms as number) - (firstIn - 30_000) / 2)).toBeLessThanOrEqual(0.000501);
    expect(lines.every((l) => (l.arrival_ms as number) >= 0 && (l.arrival_ms as number) <= 5000)).toBe(true);
  });

  it('--tag key=value (repeatable; the value may contain "=")', async () => {
    const out = tmp.path('tags.jsonl');
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', out, '--limit', '5', '--tag', 'project=ide', '--tag', 'team=tools=x');
    expect(r.code).toBe(0);
    expect(outputLines(out).map((l) => l.tags)).toEqual(Array(5).fill({ project: 'ide', team: 'tools=x' }));
  });
});

describe('routebench import: other formats', () => {
  it('mooncake: cached_tokens written only where a prefix is reused; reads back the same', async () => {
    const out = tmp.path('mooncake.jsonl');
    const r = await cli('import', mooncakeSlice, '--format', 'mooncake', '-o', out, '--route', 'kimi');
    expect(r).toEqual({ code: 0, stdout: `wrote 400 requests to ${out}\n`, stderr: '' });
    const lines = outputLines(out);
    expect(lines).toHaveLength(400);
    expect(lines.filter((l) => 'cached_tokens' in l)).toHaveLength(16);
    expect(lines.slice(0, 3).map((l) => [l.arrival_ms, l.input_tokens, l.output_tokens, l.stream])).toEqual([
      [0, 40160, 6, false],
      [0, 36640, 4, false],
      [40, 23769, 3, false],
    ]);
    await expectRoundTrip(out, { file: mooncakeSlice, format: 'mooncake', route: 'kimi' });
  });

  it('burstgpt: route, recorded outcome and log type tag survive, merged with --tag', async () => {
    const out = tmp.path('burst.jsonl');
    const r = await cli('import', fixture('burstgpt-sample.csv'), '--format', 'burstgpt', '-o', out, '--tag', 'source=burstgpt');
    expect(r.code).toBe(0);
    const lines = outputLines(out);
    expect(lines).toHaveLength(40);
    expect(lines[3]).toEqual({ arrival_ms: 7000, route: 'ChatGPT', input_tokens: 643, output_tokens: 0, stream: false, tags: { source: 'burstgpt', log_type: 'Conversation log' }, recorded: { ok: false } });
    await expectRoundTrip(out, { file: fixture('burstgpt-sample.csv'), format: 'burstgpt', tags: { source: 'burstgpt' } });
  });

  it('routebench → routebench keeps ids, tags, cached tokens and recorded outcomes', async () => {
    const out = tmp.path('example.jsonl');
    expect((await cli('import', fixture('example.jsonl'), '--format', 'routebench', '-o', out)).code).toBe(0);
    const back = await expectRoundTrip(out, { file: fixture('example.jsonl'), format: 'routebench' });
    expect(back.filter((r) => r.recorded).length).toBe(7);
  });
});

describe('routebench import: errors', () => {
  it('a bad --start duration → exit 2 with a clear message, nothing written', async () => {
    const out = tmp.path('x.jsonl');
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', out, '--start', 'ten');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --start "ten" is not a duration; use e.g. 90s, 10m, 1h30m\n');
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--end', '10'], '--end "10" is not a duration'],
    [['--stream', '1.5'], '--stream must be between 0 and 1, got 1.5'],
    [['--tag', 'project'], '--tag "project" must look like key=value'],
    [['--tag', '=web'], '--tag "=web" must look like key=value'],
  ])('%j → exit 2', async (extra, message) => {
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', tmp.path('x.jsonl'), ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('an unknown --format is a usage error (exit 2)', async () => {
    const r = await cli('import', azureSlice, '--format', 'parquet', '-o', tmp.path('x.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('parquet');
  });

  it('a row-level error reports file, row number and field; exit 2', async () => {
    const input = tmp.write('bad.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,3180,8\n2023-11-16 18:17:04.0781490,lots,27\n2023-11-16 18:17:05.0000000,10,1\n');
    const r = await cli('import', input, '--format', 'azure', '-o', tmp.path('x.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`${input}:4:1  row 4  ContextTokens must be a whole number ≥ 0, got "lots"`);
    expect(r.stderr).toContain('1 problem found.');
    expect(r.stderr).toContain('--on-bad-row skip');
  });

  it('--on-bad-row skip writes the good rows and says how many were skipped', async () => {
    const input = tmp.write('bad.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0781490,lots,27\n2023-11-16 18:17:05.0000000,10,1\n');
    const out = tmp.path('x.jsonl');
    const r = await cli('import', input, '--format', 'azure', '-o', out, '--on-bad-row', 'skip');
    expect(r).toEqual({ code: 0, stdout: `wrote 2 requests to ${out} (1 bad row skipped)\n`, stderr: '' });
    expect(outputLines(out).map((l) => l.input_tokens)).toEqual([4808, 10]);
  });

  it('a missing input file → exit 2 naming it', async () => {
    const input = tmp.path('nope.csv');
    const r = await cli('import', input, '--format', 'azure', '-o', tmp.path('x.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(input);
    expect(r.stderr).toContain('trace not found');
  });

  it('no requests: the hint says what to check, a file of another format (every row bad) or of no model calls (there was none)', async () => {
    const litellm = fileURLToPath(new URL('../../fixtures/logs/litellm/spend-logs.json', import.meta.url));
    const wrong = await cli('import', litellm, '--format', 'openrouter', '--on-bad-row', 'skip', '-o', tmp.path('w.jsonl'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(
      `error: ${litellm} produced no requests (5 bad rows skipped); ${tmp.path('w.jsonl')} was not written\n` +
        `hint: every row was malformed (the first: ${litellm}:2: [0]: created_at must be an ISO time such as "2026-03-01T10:00:00.123456+00:00", got undefined): is the file in the openrouter format? \`routebench import --help\` lists the formats\n`,
    );
    const spans = tmp.write('http-spans.jsonl', `${JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'a', spanId: 'b', name: 'GET /', startTimeUnixNano: '1772359200000000000', endTimeUnixNano: '1772359201000000000', attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }] }] }] }] })}\n`);
    const none = await cli('import', spans, '--format', 'otel-genai', '-o', tmp.path('n.jsonl'));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('hint: the file holds no model-call span (gen_ai.operation.name chat, text_completion or generate_content');
  });

  it('no requests produced → exit 2, and an earlier output is left as it was (it was replaced by an empty file)', async () => {
    const out = tmp.path('x.jsonl');
    expect((await cli('import', azureSlice, '--format', 'azure', '-o', out, '--limit', '2')).code).toBe(0);
    const before = readFileSync(out, 'utf8');
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', out, '--start', '2h');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${azureSlice} produced no requests; ${out} was not written\nhint: no request fell in the --start/--end window, or the file holds none: check the window against the trace's length\n`);
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(readdirSync(tmp.path('.')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['the input itself', (input: string) => input, (input: string) => `import would overwrite its input ${input}`],
    ['a file of the user', () => 'notes.md', (_: string, out: string) => `${out} exists and is not a routebench trace; it was left untouched`],
    ['a folder', () => 'folder', (_: string, out: string) => `-o ${out} is a folder; -o names the trace file to write`],
  ])('-o naming %s is refused (exit 2) and nothing is changed', async (_what, name, message) => {
    const input = tmp.write('spend.csv', readFileSync(azureSlice, 'utf8'));
    const out = name(input) === input ? input : tmp.path(name(input));
    if (name(input) === 'notes.md') tmp.write('notes.md', 'my notes\n');
    if (name(input) === 'folder') mkdirSync(out);
    const before = existsSync(out) && !statSync(out).isDirectory() ? readFileSync(out, 'utf8') : undefined;
    const r = await cli('import', input, '--format', 'azure', '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message(input, out));
    if (before !== undefined) expect(readFileSync(out, 'utf8')).toBe(before);
    expect(readdirSync(tmp.path('.')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('-o may replace a routebench trace whose first row is longer than 64 KiB (a prompt kept by record --store-text); it was refused as "not a routebench trace"', async () => {
    const out = tmp.path('recorded.jsonl');
    const row = { arrival_ms: 0, route: 'gpt-4o-mini', input_tokens: 30_000, output_tokens: 5, stream: false, prompt: `user: ${'hello '.repeat(20_000)}` };
    tmp.write('recorded.jsonl', `${JSON.stringify(row)}\n`);
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', out, '--limit', '2');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2);
    // a long first line that does not start as a trace row is still the user's
    const notes = tmp.write('notes.txt', `${'x'.repeat(70_000)}\n`);
    expect((await cli('import', azureSlice, '--format', 'azure', '-o', notes, '--limit', '2')).code).toBe(2);
    expect(readFileSync(notes, 'utf8')).toBe(`${'x'.repeat(70_000)}\n`);
  });

  // BUG (src/traffic/read-trace.ts:100 with src/cli/commands/import.ts:32,61: no validation): the limit is checked
  // only after a request has been pushed, and the CLI does not validate --limit, so `--limit 0`
  // (or any negative limit) writes one request and exits 0.
  it('--limit 0 does not write a request', async () => {
    const out = tmp.path('x.jsonl');
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', out, '--limit', '0');
    expect(r.code).toBe(2);
    expect(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length : 0).toBe(0);
  });

  // BUG (src/cli/commands/import.ts:33,62: no validation): --speedup is not validated. 0 makes every arrival
  // 0/0 or t/0 (written as "arrival_ms": null) and a negative value writes negative arrivals; both
  // files exit 0 but are rejected by routebench's own reader.
  it.each(['0', '-2'])('--speedup %s is refused (exit 2)', async (speedup) => {
    const out = tmp.path('x.jsonl');
    const r = await cli('import', azureSlice, '--format', 'azure', '-o', out, '--limit', '3', '--speedup', speedup);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--speedup');
  });

  // BUG (src/traffic/import-trace.ts:28-38): the write stream has no 'error' listener while the
  // trace is read, so an unwritable -o path (missing directory) is an uncaught ENOENT that kills
  // the process with a raw stack trace; runCli never returns an exit code. Run in a child process
  // so the crash cannot take the test runner down.
  it('an unwritable output path is a reported error, not a crash', () => {
    // under a regular file: no folder can be made there (a missing folder is made, as calibrate's and record's are)
    const out = path.join(tmp.write('a-file', 'not a folder\n'), 'out.jsonl');
    const script = tmp.write(
      'run-import.mjs',
      `import { runCli } from ${JSON.stringify(pathToFileURL(fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))).href)};
import { memoryIo } from ${JSON.stringify(pathToFileURL(fileURLToPath(new URL('../../src/cli/io.ts', import.meta.url))).href)};
const io = memoryIo();
const code = await runCli(['import', ${JSON.stringify(azureSlice)}, '--format', 'azure', '-o', ${JSON.stringify(out)}], io);
process.stdout.write(JSON.stringify({ code, stderr: io.stderr }));
`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout) as { code: number; stderr: string };
    expect([2, 4]).toContain(result.code);
    expect(result.stderr).toContain(out);
  });
});
