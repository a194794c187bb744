import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { READ_BYTES, readLines } from '../../src/traffic/read-lines.js';
import { readTrace } from '../../src/traffic/read-trace.js';
import { newTrafficStats, TRAFFIC_BATCH, type TrafficRequest } from '../../src/traffic/traffic-request.js';
import { collect, fixture, harnessError, makeTempDir, rbLine } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

describe('routebench JSONL', () => {
  it('parses the hand-made example trace field by field', async () => {
    const { requests, batches, stats } = await collect({ file: fixture('example.jsonl'), format: 'routebench' });
    expect(requests).toHaveLength(30);
    expect(batches).toHaveLength(1);
    expect(stats).toEqual({ rows: 30, skippedRows: 0, skippedSamples: [], imputedOutput: 0 });
    expect(requests[0]).toEqual({
      index: 0,
      id: 'ex-001',
      arrivalMs: 0,
      route: 'chat',
      inputTokens: 820,
      cachedTokens: 0,
      outputTokens: 210,
      stream: true,
      tags: { project: 'web', team: 'growth', user: 'u-ana' },
      recorded: undefined,
    });
    expect(requests[3]).toMatchObject({
      index: 3,
      id: 'ex-004',
      arrivalMs: 610,
      cachedTokens: 512,
      recorded: { ok: true, status: 200, latency_ms: 1840, ttft_ms: 410, target: 'openai' },
    });
    expect(requests[29]).toMatchObject({ index: 29, id: 'ex-030', arrivalMs: 7990, route: 'code', inputTokens: 2820, cachedTokens: 2560, outputTokens: 35 });
    expect(requests.filter((r) => r.recorded !== undefined).map((r) => [r.id, r.recorded!.ok])).toEqual([
      ['ex-004', true],
      ['ex-006', false],
      ['ex-010', true],
      ['ex-012', false],
      ['ex-018', true],
      ['ex-022', false],
      ['ex-026', true],
    ]);
    expect(new Set(requests.map((r) => r.tags.project))).toEqual(new Set(['web', 'batch', 'ide']));
    expect(requests.every((r) => typeof r.tags.team === 'string' && typeof r.tags.user === 'string')).toBe(true);
    expect(requests.filter((r) => !r.stream).map((r) => r.id)).toEqual(['ex-003', 'ex-007', 'ex-012', 'ex-017', 'ex-021', 'ex-022', 'ex-027']);
  });

  it('makes arrivals relative to the first row and keeps fractional ms', async () => {
    const file = tmp.write('t.jsonl', lines(rbLine({ arrival_ms: 5000 }), rbLine({ arrival_ms: 5000.25 }), rbLine({ arrival_ms: 7500.125 })));
    const { requests } = await collect({ file, format: 'routebench' });
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 0.25, 2500.125]);
  });

  it('uses the row route, else the option route, else "default"', async () => {
    const file = tmp.write('t.jsonl', lines(JSON.stringify({ arrival_ms: 0, input_tokens: 1, output_tokens: 1 }), rbLine({ arrival_ms: 1, route: 'gpt-4o' })));
    expect((await collect({ file, format: 'routebench' })).requests.map((r) => r.route)).toEqual(['default', 'gpt-4o']);
    expect((await collect({ file, format: 'routebench', route: 'fallback-route' })).requests.map((r) => r.route)).toEqual(['fallback-route', 'gpt-4o']);
  });

  it('merges option tags under row tags (the row wins)', async () => {
    const file = tmp.write('t.jsonl', lines(rbLine({ arrival_ms: 0, tags: { team: 'row-team' } }), rbLine({ arrival_ms: 1 })));
    const { requests } = await collect({ file, format: 'routebench', tags: { team: 'opt-team', project: 'p' } });
    expect(requests[0]!.tags).toEqual({ team: 'row-team', project: 'p' });
    expect(requests[1]!.tags).toEqual({ team: 'opt-team', project: 'p' });
  });

  it('keeps a row stream flag and draws the rest from the seeded stream fraction', async () => {
    const rows = [rbLine({ arrival_ms: 0, stream: false }), rbLine({ arrival_ms: 0, stream: true })];
    for (let i = 0; i < 4000; i++) rows.push(rbLine({ arrival_ms: i }));
    const file = tmp.write('t.jsonl', lines(...rows));
    const flags = async (streamFraction: number | undefined, seed?: number) =>
      (await collect({ file, format: 'routebench', streamFraction, seed })).requests.map((r) => r.stream);

    const none = await flags(undefined);
    expect(none.slice(0, 2)).toEqual([false, true]);
    expect(none.slice(2).every((s) => !s)).toBe(true);
    const all = await flags(1);
    expect(all.slice(0, 2)).toEqual([false, true]);
    expect(all.slice(2).every((s) => s)).toBe(true);
    const zero = await flags(0, 9);
    expect(zero.slice(2).every((s) => !s)).toBe(true);

    const a = await flags(0.3, 7);
    const b = await flags(0.3, 7);
    const c = await flags(0.3, 8);
    expect(a).toEqual(b);
    expect(a.slice(0, 2)).toEqual([false, true]);
    expect(c).not.toEqual(a);
    const n = 4000;
    const share = a.slice(2).filter(Boolean).length / n;
    expect(Math.abs(share - 0.3)).toBeLessThan(3 * Math.sqrt((0.3 * 0.7) / n));
  });
});

describe('bad rows', () => {
  const cases: [string, string, string][] = [
    ['not JSON', '{"arrival_ms": 2,', 'not valid JSON'],
    ['a JSON array', '[1, 2, 3]', 'each line must be a JSON object'],
    ['missing arrival_ms', JSON.stringify({ route: 'r', input_tokens: 1, output_tokens: 1 }), 'arrival_ms'],
    ['negative arrival_ms', rbLine({ arrival_ms: -1 }), 'arrival_ms'],
    ['empty route', rbLine({ arrival_ms: 2, route: '' }), 'route'],
    ['negative input_tokens', rbLine({ arrival_ms: 2, input_tokens: -1 }), 'input_tokens'],
    ['fractional output_tokens', rbLine({ arrival_ms: 2, output_tokens: 1.5 }), 'output_tokens'],
    ['output_tokens as a string', rbLine({ arrival_ms: 2, output_tokens: '5' }), 'output_tokens'],
    ['cached_tokens above input_tokens', rbLine({ arrival_ms: 2, input_tokens: 10, cached_tokens: 11 }), 'cached_tokens'],
    ['stream not a boolean', rbLine({ arrival_ms: 2, stream: 'yes' }), 'stream'],
    ['tags with a number value', rbLine({ arrival_ms: 2, tags: { team: 1 } }), 'tags'],
    ['numeric id', rbLine({ arrival_ms: 2, id: 17 }), 'id must be a string'],
    ['recorded without ok', rbLine({ arrival_ms: 2, recorded: { status: 500 } }), 'recorded'],
  ];

  it.each(cases)('%s: on_bad_row fail throws a located HarnessError (exit 2) naming the field', async (_name, bad, field) => {
    const file = tmp.write('bad.jsonl', lines(rbLine({ arrival_ms: 0 }), rbLine({ arrival_ms: 1 }), bad, rbLine({ arrival_ms: 3 })));
    const e = await harnessError(collect({ file, format: 'routebench', onBadRow: 'fail' }));
    expect(e.code).toBe('TRACE_BAD_ROW');
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.exitCode).toBe(2);
    expect(e.message.startsWith(`${file}:3: `)).toBe(true);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ file, line: 3, col: 1, path: 'row 3' });
    expect(e.problems[0]!.message).toContain(field);
    expect(e.hint).toContain('on_bad_row: skip');
  });

  it('fails by default (no on_bad_row given)', async () => {
    const file = tmp.write('bad.jsonl', lines(rbLine({ arrival_ms: 0 }), rbLine({ arrival_ms: 1, input_tokens: 'many' })));
    const e = await harnessError(collect({ file, format: 'routebench' }));
    expect(e.problems[0]).toMatchObject({ file, line: 2 });
    expect(e.problems[0]!.message).toBe('input_tokens must be a whole number ≥ 0, got "many"');
  });

  it('counts physical lines, including blank lines, in the reported line number', async () => {
    const file = tmp.write('bad.jsonl', `${rbLine({ arrival_ms: 0 })}\n\n   \n${rbLine({ arrival_ms: 1 })}\n${rbLine({ arrival_ms: 2, output_tokens: -3 })}\n`);
    const e = await harnessError(collect({ file, format: 'routebench', onBadRow: 'fail' }));
    expect(e.problems[0]).toMatchObject({ line: 5 });
    expect(e.problems[0]!.message).toContain('output_tokens');
  });

  it('skip mode keeps the good rows, counts the bad ones and samples at most five', async () => {
    const rows: string[] = [];
    const badLines: number[] = [];
    for (let i = 0; i < 20; i++) {
      if (i % 3 === 1) {
        rows.push(rbLine({ arrival_ms: i, input_tokens: -1 }));
        badLines.push(i + 1);
      } else rows.push(rbLine({ arrival_ms: i, id: `good-${i}` }));
    }
    const file = tmp.write('skip.jsonl', lines(...rows));
    const { requests, stats } = await collect({ file, format: 'routebench', onBadRow: 'skip' });
    expect(badLines).toEqual([2, 5, 8, 11, 14, 17, 20]);
    expect(stats.skippedRows).toBe(7);
    expect(stats.rows).toBe(13);
    expect(stats.skippedSamples).toHaveLength(5);
    expect(stats.skippedSamples[0]).toBe(`${file}:2: input_tokens must be a whole number ≥ 0, got -1`);
    expect(stats.skippedSamples.map((s) => Number(/:(\d+): /.exec(s.slice(file.length))![1]))).toEqual([2, 5, 8, 11, 14]);
    expect(requests.map((r) => r.id)).toEqual([0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18].map((i) => `good-${i}`));
    expect(requests.map((r) => r.index)).toEqual([...Array(13).keys()]);
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]);
  });

  it('skip mode: a bad first row does not set the time origin', async () => {
    const file = tmp.write('skip.jsonl', lines(rbLine({ arrival_ms: 100, output_tokens: -1 }), rbLine({ arrival_ms: 400 }), rbLine({ arrival_ms: 650 })));
    const { requests, stats } = await collect({ file, format: 'routebench', onBadRow: 'skip' });
    expect(stats.skippedRows).toBe(1);
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 250]);
  });
});

describe('arrival order', () => {
  it('rejects a row earlier than the previous one, with its line number', async () => {
    const file = tmp.write('unsorted.jsonl', lines(rbLine({ arrival_ms: 1000 }), rbLine({ arrival_ms: 1100 }), rbLine({ arrival_ms: 1100 }), rbLine({ arrival_ms: 1050 })));
    const e = await harnessError(collect({ file, format: 'routebench' }));
    expect(e.code).toBe('TRACE_BAD_ROW');
    expect(e.exitCode).toBe(2);
    expect(e.problems[0]).toMatchObject({ file, line: 4 });
    expect(e.problems[0]!.message).toBe("arrival 50.000 ms is earlier than the previous row's 100.000 ms; traces must be sorted by arrival time");
  });

  it('accepts equal arrival times', async () => {
    const file = tmp.write('eq.jsonl', lines(rbLine({ arrival_ms: 7 }), rbLine({ arrival_ms: 7 }), rbLine({ arrival_ms: 7 })));
    expect((await collect({ file, format: 'routebench' })).requests.map((r) => r.arrivalMs)).toEqual([0, 0, 0]);
  });

  it('skip mode skips the out-of-order row and keeps comparing with the last good one', async () => {
    const file = tmp.write('unsorted.jsonl', lines(rbLine({ arrival_ms: 0 }), rbLine({ arrival_ms: 100 }), rbLine({ arrival_ms: 50 }), rbLine({ arrival_ms: 80 }), rbLine({ arrival_ms: 120 })));
    const { requests, stats } = await collect({ file, format: 'routebench', onBadRow: 'skip' });
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 100, 120]);
    expect(stats.skippedRows).toBe(2);
    expect(stats.skippedSamples.map((s) => s.slice(file.length, file.length + 3))).toEqual([':3:', ':4:']);
  });
});

describe('window, speed-up and limit', () => {
  // Rows every 1000 ms starting at 10 000 ms; input_tokens = row number (1-based) to identify rows.
  const write = () => {
    const rows: string[] = [];
    for (let i = 0; i < 10; i++) rows.push(rbLine({ arrival_ms: 10_000 + i * 1000, input_tokens: i + 1 }));
    return tmp.write('w.jsonl', lines(...rows));
  };

  it('without options replays every row at its relative time', async () => {
    const { requests } = await collect({ file: write(), format: 'routebench' });
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
  });

  it('start and end select rows by relative time, inclusive at both ends; arrivals restart at 0', async () => {
    const { requests, stats } = await collect({ file: write(), format: 'routebench', startMs: 2000, endMs: 5000 });
    expect(requests.map((r) => r.inputTokens)).toEqual([3, 4, 5, 6]);
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 1000, 2000, 3000]);
    expect(requests.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(stats.rows).toBe(4);
  });

  it('speed-up divides the time since the window start', async () => {
    const { requests } = await collect({ file: write(), format: 'routebench', startMs: 2500, endMs: 6000, speedup: 2 });
    expect(requests.map((r) => r.inputTokens)).toEqual([4, 5, 6, 7]);
    expect(requests.map((r) => r.arrivalMs)).toEqual([250, 750, 1250, 1750]);
    const fast = await collect({ file: write(), format: 'routebench', speedup: 4 });
    expect(fast.requests.map((r) => r.arrivalMs)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250]);
    const slow = await collect({ file: write(), format: 'routebench', speedup: 0.5, limit: 3 });
    expect(slow.requests.map((r) => r.arrivalMs)).toEqual([0, 2000, 4000]);
  });

  it('limit counts requests after the window', async () => {
    const { requests, stats } = await collect({ file: write(), format: 'routebench', startMs: 3000, limit: 2 });
    expect(requests.map((r) => r.inputTokens)).toEqual([4, 5]);
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 1000]);
    expect(stats.rows).toBe(2);
  });

  it('stops reading at the end of the window or the limit (rows after it are never parsed)', async () => {
    const rows = [rbLine({ arrival_ms: 0 }), rbLine({ arrival_ms: 10 }), rbLine({ arrival_ms: 20 }), 'this is not JSON'];
    const file = tmp.write('stop.jsonl', lines(...rows));
    expect((await collect({ file, format: 'routebench', endMs: 15 })).requests).toHaveLength(2);
    expect((await collect({ file, format: 'routebench', limit: 3 })).requests).toHaveLength(3);
    const e = await harnessError(collect({ file, format: 'routebench', limit: 4 }));
    expect(e.problems[0]).toMatchObject({ line: 4 });
  });

  it('a window past the last row yields no batches', async () => {
    const { batches, stats } = await collect({ file: write(), format: 'routebench', startMs: 60_000 });
    expect(batches).toEqual([]);
    expect(stats.rows).toBe(0);
  });
});

describe('encoding and line handling', () => {
  it('accepts a UTF-8 BOM and CRLF line endings (JSONL)', async () => {
    const body = [rbLine({ arrival_ms: 0, tags: { user: 'zoë' } }), rbLine({ arrival_ms: 12.5 }), rbLine({ arrival_ms: 30, id: 'last' })].join('\r\n');
    const file = tmp.write('bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${body}\r\n`, 'utf8')]));
    const { requests } = await collect({ file, format: 'routebench' });
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 12.5, 30]);
    expect(requests[0]!.tags).toEqual({ user: 'zoë' });
    expect(requests[2]!.id).toBe('last');
  });

  it('accepts a BOM and CRLF in a CSV header (azure) and a last line without a newline', async () => {
    const csv = 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:17:03.9799600,4808,10\r\n2023-11-16 18:17:04.0319600,3180,8';
    const file = tmp.write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    const { requests } = await collect({ file, format: 'azure' });
    expect(requests.map((r) => [r.inputTokens, r.outputTokens])).toEqual([
      [4808, 10],
      [3180, 8],
    ]);
    expect(requests[1]!.arrivalMs).toBeCloseTo(52, 3);
  });

  it('refuses a NUL byte, with its line and column', async () => {
    const file = tmp.write('nul.jsonl', lines(rbLine({ arrival_ms: 0 }), rbLine({ arrival_ms: 1 }), `{"arrival_ms": 2\u0000}`, rbLine({ arrival_ms: 3 })));
    const e = await harnessError(collect({ file, format: 'routebench', onBadRow: 'skip' }));
    expect(e.code).toBe('TRACE_NUL');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${file}:3: the trace contains NUL bytes`);
    expect(e.problems[0]).toMatchObject({ file, line: 3, col: 17 });
  });

  it('refuses a UTF-16 file (NUL bytes or invalid UTF-8 on line 1)', async () => {
    const file = tmp.write('utf16.jsonl', Buffer.from(`\ufeff${rbLine({ arrival_ms: 0 })}\n`, 'utf16le'));
    const e = await harnessError(collect({ file, format: 'routebench' }));
    expect(['TRACE_NUL', 'TRACE_ENCODING']).toContain(e.code);
    expect(e.problems[0]).toMatchObject({ file, line: 1 });
  });

  it.each(['routebench', 'azure', 'otel-genai', 'litellm'])('a gzip-compressed trace read as %s is said to be gzip, with the command that opens it (not "not valid UTF-8 ... iconv")', async (format) => {
    const { gzipSync } = await import('node:zlib');
    const file = tmp.write('trace.jsonl.gz', gzipSync(lines(rbLine({ arrival_ms: 0 }), rbLine({ arrival_ms: 1 }))));
    const e = await harnessError(collect({ file, format }));
    expect(e.code).toBe('TRACE_COMPRESSED');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`trace ${file} is gzip-compressed`);
    expect(e.hint).toBe(`decompress it first: gunzip -k ${file}`);
    expect(e.problems[0]).toMatchObject({ file, line: 1 });
  });

  it('refuses invalid UTF-8 on the first line with line 1', async () => {
    const file = tmp.write('latin1.jsonl', Buffer.from(`${rbLine({ arrival_ms: 0, tags: { user: 'zoë' } })}\n`, 'latin1'));
    const e = await harnessError(collect({ file, format: 'routebench' }));
    expect(e.code).toBe('TRACE_ENCODING');
    expect(e.exitCode).toBe(2);
    expect(e.problems[0]).toMatchObject({ file, line: 1 });
  });

  // BUG (src/traffic/read-lines.ts, fixed): the decoder fails for a whole read chunk and the
  // reported line is the first line of that chunk (line 1 for any small file), not the line with
  // the bad byte.
  it('refuses invalid UTF-8 with the line number of the bad byte', async () => {
    const good = lines(rbLine({ arrival_ms: 0 }), rbLine({ arrival_ms: 1 }), rbLine({ arrival_ms: 2 }), rbLine({ arrival_ms: 3 }));
    const file = tmp.write('bad-utf8.jsonl', Buffer.concat([Buffer.from(good), Buffer.from(`${rbLine({ arrival_ms: 4, tags: { user: 'zoë' } })}\n`, 'latin1'), Buffer.from(lines(rbLine({ arrival_ms: 5 })))]));
    const e = await harnessError(collect({ file, format: 'routebench' }));
    expect(e.code).toBe('TRACE_ENCODING');
    expect(e.message).toBe(`${file}:5: the trace is not valid UTF-8`);
    expect(e.problems[0]).toMatchObject({ file, line: 5 });
  });

  it('refuses invalid UTF-8 beyond the first read chunk with the line number of the bad byte', async () => {
    // ~1.7 MiB of good rows, so the bad byte sits several read chunks in (READ_BYTES each).
    const rows: string[] = [];
    for (let i = 0; i < 30_000; i++) rows.push(rbLine({ arrival_ms: i }));
    const badLine = rows.length + 1;
    const file = tmp.write(
      'bad-utf8-late.jsonl',
      Buffer.concat([Buffer.from(lines(...rows)), Buffer.from(`${rbLine({ arrival_ms: 30_000, route: 'caf\u00e9' })}\n`, 'latin1'), Buffer.from(lines(rbLine({ arrival_ms: 30_001 })))]),
    );
    const e = await harnessError(collect({ file, format: 'routebench' }));
    expect(e.code).toBe('TRACE_ENCODING');
    expect(e.problems[0]).toMatchObject({ file, line: badLine });
  });

  it('decodes multi-byte characters split across read chunks', async () => {
    // Rows full of 3- and 4-byte characters (~2 MiB); the first row is padded so that the first
    // 1 MiB (a multiple of the read size) falls inside a multi-byte character.
    const CHUNK = 1 << 20;
    expect(CHUNK % READ_BYTES).toBe(0);
    const rows: string[] = [];
    for (let i = 1; i < 12_000; i++) rows.push(rbLine({ arrival_ms: i, tags: { user: `用户-${i}-🚀-${'界'.repeat(20)}` } }));
    const body = Buffer.from(lines(...rows));
    const firstRow = (pad: number) => `${rbLine({ arrival_ms: 0, id: 'x'.repeat(pad), tags: { user: `用户-0-🚀-${'界'.repeat(20)}` } })}\n`;
    let pad = 0;
    while ((body[CHUNK - Buffer.byteLength(firstRow(pad))]! & 0xc0) !== 0x80) pad++;
    const buf = Buffer.concat([Buffer.from(firstRow(pad)), body]);
    expect(buf[CHUNK]! & 0xc0).toBe(0x80); // a continuation byte sits right at the boundary
    const file = tmp.write('mb.jsonl', buf);
    const stats = newTrafficStats();
    let n = 0;
    let wrong = 0;
    for await (const batch of readTrace({ file, format: 'routebench' }, stats)) {
      for (const r of batch) {
        if (r.tags.user !== `用户-${n}-🚀-${'界'.repeat(20)}` || r.arrivalMs !== n) wrong++;
        n++;
      }
    }
    expect(wrong).toBe(0);
    expect(n).toBe(12_000);
  });

  it('refuses a line longer than the cap (readLines), with its line number', async () => {
    const file = tmp.write('long.txt', `short\n${'x'.repeat(150)}\nshort\n`);
    const seen: number[] = [];
    const e = await harnessError(
      (async () => {
        for await (const ls of readLines(file, 100)) for (const l of ls) seen.push(l.lineNo);
      })(),
    );
    expect(e.code).toBe('TRACE_LINE_TOO_LONG');
    expect(e.problems[0]).toMatchObject({ file, line: 2 });
    expect(seen).toEqual([]);
  });

  it('readLines numbers lines from 1, strips CR and keeps a last line without newline', async () => {
    const file = tmp.write('l.txt', 'a\r\nb\n\nc\r\nlast');
    const out: [number, string][] = [];
    for await (const ls of readLines(file)) for (const l of ls) out.push([l.lineNo, l.text]);
    expect(out).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, ''],
      [4, 'c'],
      [5, 'last'],
    ]);
  });

  it('refuses a 3 MB line in a trace with its line number', async () => {
    const file = tmp.write('huge.jsonl', lines(rbLine({ arrival_ms: 0 }), rbLine({ arrival_ms: 1, id: 'p'.repeat(3_000_000) }), rbLine({ arrival_ms: 2 })));
    const e = await harnessError(collect({ file, format: 'routebench', onBadRow: 'skip' }));
    expect(e.code).toBe('TRACE_LINE_TOO_LONG');
    expect(e.problems[0]).toMatchObject({ file, line: 2 });
  });
});

describe('files', () => {
  it('a missing file is a HarnessError (exit 2) naming the file', async () => {
    const file = tmp.path('does-not-exist.jsonl');
    const e = await harnessError(collect({ file, format: 'routebench' }));
    expect(e.code).toBe('TRACE_MISSING');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`trace ${file} does not exist`);
    expect(e.problems).toEqual([{ file, path: '', message: 'trace not found' }]);
  });

  it('a directory is refused', async () => {
    const d = tmp.path('adir');
    mkdirSync(d);
    const e = await harnessError(collect({ file: d, format: 'routebench' }));
    expect(e.code).toBe('TRACE_NOT_FILE');
    expect(e.exitCode).toBe(2);
    // what to do, not only what is wrong (it said "not a regular file", no hint)
    expect(e.problems).toEqual([{ file: d, path: '', message: 'a folder, not a file' }]);
    expect(e.hint).toBe(`give one file of the folder; for several, join them first, e.g. cat ${d}/*.jsonl > all.jsonl`);
  });

  it('a pipe is refused with what to do (a trace is read twice: its shape, then its rows)', async () => {
    const e = await harnessError(collect({ file: '/dev/null', format: 'routebench' }));
    expect(e.code).toBe('TRACE_NOT_FILE');
    expect(e.problems).toEqual([{ file: '/dev/null', path: '', message: 'not a regular file (a pipe or a device)' }]);
    expect(e.hint).toBe('save the stream to a file first, e.g. zcat logs.jsonl.gz > logs.jsonl');
  });

  it('an unknown format is refused before the file is opened', async () => {
    const e = await harnessError(collect({ file: tmp.path('nope'), format: 'parquet' }));
    expect(e.code).toBe('TRACE_FORMAT');
    expect(e.hint).toBe('use one of routebench, azure, mooncake, burstgpt, otel-genai, litellm, openrouter, portkey');
  });

  it.each([
    ['empty JSONL', 'e.jsonl', 'routebench', ''],
    ['blank-lines JSONL', 'b.jsonl', 'routebench', '\n\n  \r\n'],
    ['empty CSV', 'e.csv', 'azure', ''],
    ['header-only CSV', 'h.csv', 'azure', 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n'],
    ['empty mooncake', 'm.jsonl', 'mooncake', ''],
  ])('%s yields no batches', async (_name, name, format, content) => {
    const { batches, stats } = await collect({ file: tmp.write(name, content), format });
    expect(batches).toEqual([]);
    expect(stats).toEqual({ rows: 0, skippedRows: 0, skippedSamples: [], imputedOutput: 0 });
  });
});

describe('batches', () => {
  it(`hold at most TRAFFIC_BATCH (${TRAFFIC_BATCH}) requests with consecutive indexes`, async () => {
    const rows: string[] = [];
    for (let i = 0; i < 10_000; i++) rows.push(rbLine({ arrival_ms: i * 2 }));
    const { batches, stats } = await collect({ file: tmp.write('b.jsonl', lines(...rows)), format: 'routebench' });
    expect(TRAFFIC_BATCH).toBe(4096);
    expect(batches.map((b) => b.length)).toEqual([4096, 4096, 1808]);
    const all = batches.flat();
    expect(all.every((r, i) => r.index === i && r.arrivalMs === i * 2)).toBe(true);
    expect(stats.rows).toBe(10_000);
  });

  it('an exact multiple of TRAFFIC_BATCH yields no trailing empty batch', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 2 * TRAFFIC_BATCH; i++) rows.push(rbLine({ arrival_ms: i }));
    const { batches } = await collect({ file: tmp.write('b.jsonl', lines(...rows)), format: 'routebench' });
    expect(batches.map((b) => b.length)).toEqual([4096, 4096]);
  });

  it('streams a 200k-line file batch by batch (lazily, without holding the file)', async () => {
    const N = 200_000;
    const file = tmp.path('big.jsonl');
    const fd = openSync(file, 'w');
    for (let start = 0; start < N; start += 10_000) {
      let chunk = '';
      for (let i = start; i < start + 10_000; i++) chunk += `{"arrival_ms":${i * 0.5},"route":"r${i % 3}","input_tokens":${i % 997},"output_tokens":${i % 89}}\n`;
      writeSync(fd, chunk);
    }
    closeSync(fd);

    // Lazy: after the first batch only that batch has been produced.
    const stats1 = newTrafficStats();
    const gen = readTrace({ file, format: 'routebench' }, stats1);
    const first = await gen.next();
    expect((first.value as TrafficRequest[]).length).toBe(TRAFFIC_BATCH);
    expect(stats1.rows).toBe(TRAFFIC_BATCH);
    await gen.return(undefined);

    // Full pass keeping only counters.
    const stats = newTrafficStats();
    const sizes = new Map<number, number>();
    let batches = 0;
    let expectedIndex = 0;
    let mismatches = 0;
    for await (const batch of readTrace({ file, format: 'routebench' }, stats)) {
      batches++;
      sizes.set(batch.length, (sizes.get(batch.length) ?? 0) + 1);
      for (const r of batch) {
        const i = expectedIndex++;
        if (r.index !== i || r.arrivalMs !== i * 0.5 || r.inputTokens !== i % 997 || r.outputTokens !== i % 89 || r.route !== `r${i % 3}`) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(expectedIndex).toBe(N);
    expect(stats.rows).toBe(N);
    // 200 000 = 48 × 4096 + 3392
    expect(batches).toBe(49);
    expect([...sizes.entries()].sort((a, b) => b[0] - a[0])).toEqual([
      [4096, 48],
      [3392, 1],
    ]);
  });

  it('reports a bad row deep in a multi-chunk file with its exact line number', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 60_000; i++) rows.push(i === 49_999 ? rbLine({ arrival_ms: i, cached_tokens: 99 }) : rbLine({ arrival_ms: i }));
    const file = tmp.write('deep.jsonl', lines(...rows));
    const e = await harnessError(collect({ file, format: 'routebench' }));
    expect(e.problems[0]).toMatchObject({ file, line: 50_000 });
    expect(e.problems[0]!.message).toContain('cached_tokens');
  });
});
