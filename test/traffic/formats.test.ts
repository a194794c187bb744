import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { defaultFormatFor, traceFormats } from '../../src/traffic/trace-formats.js';
import { azureTicks, collect, fixture, harnessError, makeTempDir, ticksToMs } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

/** Data rows of a CSV fixture, read independently of src (no quoting in these files). */
function csvRows(file: string): string[][] {
  const text = readFileSync(file, 'utf8');
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

describe('format registry', () => {
  it('has the trace formats and the log importers, and picks a default by extension', () => {
    expect(Object.keys(traceFormats).sort()).toEqual(['azure', 'burstgpt', 'litellm', 'mooncake', 'openrouter', 'otel-genai', 'portkey', 'routebench']);
    expect(defaultFormatFor('x/trace.csv')).toBe('azure');
    expect(defaultFormatFor('x/trace.jsonl')).toBe('routebench');
  });
});

describe('azure 2023 CSV', () => {
  const slice = fixture('azure-code-2023-slice.csv');

  it('the slice is the header plus 600 rows', () => {
    const text = readFileSync(slice, 'utf8');
    expect(text.split('\r\n')[0]).toBe('TIMESTAMP,ContextTokens,GeneratedTokens');
    expect(csvRows(slice)).toHaveLength(600);
  });

  it('first three rows: relative ms with sub-ms precision, first row at 0', async () => {
    const { requests } = await collect({ file: slice, format: 'azure' });
    // Computed by hand from the first three data rows:
    //   2023-11-16 18:17:03.9799600,4808,10
    //   2023-11-16 18:17:04.0319600,3180,8     → 04.0319600 − 03.9799600 = 0.0520000 s
    //   2023-11-16 18:17:04.0781490,110,27     → 04.0781490 − 03.9799600 = 0.0981890 s
    expect(requests[0]!.arrivalMs).toBe(0);
    expect(requests[1]!.arrivalMs).toBeCloseTo(52, 3);
    expect(requests[2]!.arrivalMs).toBeCloseTo(98.189, 3);
    expect(requests.slice(0, 3).map((r) => [r.index, r.inputTokens, r.outputTokens, r.cachedTokens])).toEqual([
      [0, 4808, 10, 0],
      [1, 3180, 8, 0],
      [2, 110, 27, 0],
    ]);
    expect(requests[0]).toMatchObject({ route: 'default', stream: false, tags: {}, id: undefined, recorded: undefined });
  });

  it('every row of the slice matches an independent (integer 100 ns) computation', async () => {
    const { requests, stats } = await collect({ file: slice, format: 'azure', route: 'code' });
    const rows = csvRows(slice);
    const origin = azureTicks(rows[0]![0]!);
    expect(requests).toHaveLength(600);
    expect(stats.rows).toBe(600);
    let worst = 0;
    requests.forEach((r, i) => {
      const [ts, ctx, gen] = rows[i]!;
      worst = Math.max(worst, Math.abs(r.arrivalMs - ticksToMs(azureTicks(ts!) - origin)));
      expect([r.index, r.route, r.inputTokens, r.outputTokens]).toEqual([i, 'code', Number(ctx), Number(gen)]);
    });
    expect(worst).toBeLessThan(5e-4);
    // The slice covers 18:17:03.9799600 .. 18:21:25.6159590.
    expect(requests[599]!.arrivalMs).toBeCloseTo(ticksToMs(azureTicks('2023-11-16 18:21:25.6159590') - origin), 3);
    expect(requests[599]!.arrivalMs).toBeCloseTo(261_635.999, 3);
  });

  it('reads the full one-hour trace: 8,819 requests', async () => {
    const file = fixture('azure-llm-2023-code.csv');
    const { requests, batches } = await collect({ file, format: 'azure' });
    const rows = csvRows(file);
    expect(rows).toHaveLength(8819);
    expect(requests).toHaveLength(8819);
    expect(batches.map((b) => b.length)).toEqual([4096, 4096, 627]);
    const last = ticksToMs(azureTicks(rows[8818]![0]!) - azureTicks(rows[0]![0]!));
    expect(requests[8818]!.arrivalMs).toBeCloseTo(last, 3);
    // 18:17:03.9799600 → 19:14:19.9280160 (the last row) = 57 min 15.948056 s.
    expect(rows[8818]![0]).toBe('2023-11-16 19:14:19.9280160');
    expect(last).toBeCloseTo(3_435_948.056, 6);
    expect(requests[8818]!.arrivalMs).toBeCloseTo(3_435_948.056, 3);
    expect(requests.reduce((a, r) => a + r.inputTokens, 0)).toBe(rows.reduce((a, r) => a + Number(r[1]), 0));
  });

  it('finds columns by name: other order and extra columns', async () => {
    const file = tmp.write('reordered.csv', 'GeneratedTokens,Extra,TIMESTAMP,ContextTokens\n10,x,2023-11-16 18:17:03.9799600,4808\n8,y,2023-11-16 18:17:04.0319600,3180\n');
    const { requests } = await collect({ file, format: 'azure' });
    expect(requests.map((r) => [r.inputTokens, r.outputTokens])).toEqual([
      [4808, 10],
      [3180, 8],
    ]);
    expect(requests[1]!.arrivalMs).toBeCloseTo(52, 3);
  });

  it('a missing column is a header error on line 1 (exit 2)', async () => {
    const file = tmp.write('nocol.csv', 'TIMESTAMP,ContextTokens\n2023-11-16 18:17:03.9799600,4808\n');
    const e = await harnessError(collect({ file, format: 'azure' }));
    expect(e.code).toBe('TRACE_HEADER');
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(e.problems[0]).toMatchObject({ file, line: 1, path: 'header' });
    expect(e.problems[0]!.message).toBe('header is missing column "GeneratedTokens" (found: TIMESTAMP, ContextTokens)');
  });

  it('a bad timestamp or token count is a located bad row', async () => {
    const file = tmp.write('bad.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n16/11/2023 18:17:04,3180,8\n2023-11-16 18:17:05.0000000,12.5,8\n');
    const e = await harnessError(collect({ file, format: 'azure' }));
    expect(e.problems[0]).toMatchObject({ file, line: 3 });
    expect(e.problems[0]!.message).toBe('TIMESTAMP "16/11/2023 18:17:04" is not an Azure trace time ("2023-11-16 18:15:46.6805900" or "2024-05-10 00:00:00.009930+00:00")');
    const { stats } = await collect({ file, format: 'azure', onBadRow: 'skip' });
    expect(stats.skippedRows).toBe(2);
    expect(stats.skippedSamples[1]).toBe(`${file}:4: ContextTokens must be a whole number ≥ 0, got "12.5"`);
  });

  // BUG (src/traffic/trace-formats.ts:86-87, and 145-148 for burstgpt): Number('') is 0, so an
  // empty token cell is read as 0 tokens instead of being a bad row.
  it('an empty ContextTokens cell is a bad row, not 0 tokens', async () => {
    const file = tmp.write('empty.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,,8\n');
    const e = await harnessError(collect({ file, format: 'azure' }));
    expect(e.problems[0]).toMatchObject({ file, line: 3 });
    expect(e.problems[0]!.message).toContain('ContextTokens');
  });
});

describe('mooncake JSONL', () => {
  const slice = fixture('mooncake-synthetic-slice.jsonl');
  interface MoonRow {
    timestamp: number;
    input_length: number;
    output_length: number;
    hash_ids: number[];
  }
  const raw = (): MoonRow[] =>
    readFileSync(slice, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as MoonRow);

  /**
   * Independent expectation: the cached prefix of a request is its longest common block prefix
   * with any earlier request (512 tokens per block, capped at input_length).
   */
  function expectedCached(rows: MoonRow[]): number[] {
    return rows.map((row, i) => {
      let best = 0;
      for (let j = 0; j < i; j++) {
        const prev = rows[j]!.hash_ids;
        let k = 0;
        while (k < prev.length && k < row.hash_ids.length && prev[k] === row.hash_ids[k]) k++;
        if (k > best) best = k;
      }
      return Math.min(row.input_length, best * 512);
    });
  }

  it('reads the 400-row slice: times, lengths and cached prefixes', async () => {
    const rows = raw();
    expect(rows).toHaveLength(400);
    const { requests } = await collect({ file: slice, format: 'mooncake', route: 'kimi' });
    expect(requests).toHaveLength(400);
    expect(requests.slice(0, 5).map((r) => r.arrivalMs)).toEqual([0, 0, 40, 277, 471]);
    expect(requests.map((r) => r.arrivalMs)).toEqual(rows.map((r) => r.timestamp - rows[0]!.timestamp));
    expect(requests.map((r) => r.inputTokens)).toEqual(rows.map((r) => r.input_length));
    expect(requests.map((r) => r.outputTokens)).toEqual(rows.map((r) => r.output_length));
    const cached = expectedCached(rows);
    expect(requests.map((r) => r.cachedTokens)).toEqual(cached);
    // Cross-check against a separate offline computation of the same slice.
    expect(cached.filter((c) => c > 0)).toHaveLength(16);
    expect(cached.reduce((a, c) => a + c, 0)).toBe(281_135);
    expect(requests.every((r) => r.route === 'kimi' && r.cachedTokens <= r.inputTokens)).toBe(true);
  });

  it('counts only the leading run of known blocks and caps at input_length', async () => {
    const file = tmp.write(
      'm.jsonl',
      [
        { timestamp: 1000, input_length: 1500, output_length: 5, hash_ids: [1, 2, 3] },
        { timestamp: 1000, input_length: 1400, output_length: 5, hash_ids: [1, 2, 9] },
        { timestamp: 1010, input_length: 1200, output_length: 5, hash_ids: [1, 2, 3] },
        { timestamp: 1020, input_length: 1600, output_length: 5, hash_ids: [7, 1, 2, 3] },
        { timestamp: 1030, input_length: 2000, output_length: 5, hash_ids: [7, 1, 2, 3] },
        { timestamp: 1040, input_length: 100, output_length: 5 },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const { requests } = await collect({ file, format: 'mooncake' });
    // [1,2,9]: blocks 1,2 known → 1024; [1,2,3] again: 3 blocks = 1536 capped at 1200;
    // [7,1,2,3]: 7 is new, so the known 1,2,3 after it do not count; then all 4 known → 2048 → 2000.
    expect(requests.map((r) => r.cachedTokens)).toEqual([0, 1024, 1200, 0, 2000, 0]);
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, 0, 10, 20, 30, 40]);
  });

  it('rows without hash_ids have no cached tokens', async () => {
    const file = tmp.write('m.jsonl', `${JSON.stringify({ timestamp: 5, input_length: 100, output_length: 5 })}\n${JSON.stringify({ timestamp: 6, input_length: 100, output_length: 5 })}\n`);
    const { requests } = await collect({ file, format: 'mooncake' });
    expect(requests.map((r) => [r.arrivalMs, r.cachedTokens])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it.each([
    ['{"timestamp": 0, "input_length": 5', 'not valid JSON'],
    ['{"timestamp": -5, "input_length": 5, "output_length": 1}', 'timestamp'],
    ['{"timestamp": 0, "input_length": 5.5, "output_length": 1}', 'input_length'],
    ['{"timestamp": 0, "input_length": 5, "output_length": null}', 'output_length'],
  ])('bad row %j names the field', async (bad, field) => {
    const file = tmp.write('m.jsonl', `${JSON.stringify({ timestamp: 0, input_length: 5, output_length: 1 })}\n${bad}\n`);
    const e = await harnessError(collect({ file, format: 'mooncake' }));
    expect(e.code).toBe('TRACE_BAD_ROW');
    expect(e.problems[0]).toMatchObject({ file, line: 2 });
    expect(e.problems[0]!.message).toContain(field);
  });
});

describe('burstgpt CSV', () => {
  const sample = fixture('burstgpt-sample.csv');

  it('reads the sample: route from Model, failures from 0 response tokens, log type tag', async () => {
    const rows = csvRows(sample);
    expect(rows).toHaveLength(40);
    // as the file has it (imputeOutput: false): replayed, a failure's output size is drawn (impute-output.test.ts)
    const { requests } = await collect({ file: sample, format: 'burstgpt', route: 'ignored-for-rows-with-a-model', imputeOutput: false });
    expect(requests).toHaveLength(40);
    requests.forEach((r, i) => {
      const [ts, model, req, res, , logType] = rows[i]!;
      expect(r).toEqual({
        index: i,
        id: undefined,
        arrivalMs: Number(ts) * 1000,
        route: model,
        inputTokens: Number(req),
        cachedTokens: 0,
        outputTokens: Number(res),
        stream: false,
        tags: { log_type: logType },
        recorded: { ok: Number(res) !== 0 },
      });
    });
    expect(requests.filter((r) => r.recorded?.ok === false).map((r) => r.index)).toEqual([3, 8, 15, 22, 29, 37]);
    expect(requests.filter((r) => r.route === 'GPT-4')).toHaveLength(13);
    expect(requests.filter((r) => r.route === 'ChatGPT')).toHaveLength(27);
    expect(requests.filter((r) => r.tags.log_type === 'API log')).toHaveLength(16);
    expect(requests[39]!.arrivalMs).toBe(108_000);
  });

  it('finds columns by name in any order (same requests after shuffling columns)', async () => {
    const rows = csvRows(sample);
    const header = ['Timestamp', 'Model', 'Request tokens', 'Response tokens', 'Total tokens', 'Log Type'];
    const order = [5, 3, 0, 4, 2, 1];
    const text = [order.map((i) => header[i]).join(','), ...rows.map((r) => order.map((i) => r[i]).join(','))].join('\n');
    const shuffled = tmp.write('shuffled.csv', text);
    const a = await collect({ file: sample, format: 'burstgpt' });
    const b = await collect({ file: shuffled, format: 'burstgpt' });
    expect(b.requests).toEqual(a.requests);
  });

  it('works without Log Type and Total tokens, and with fractional seconds', async () => {
    const file = tmp.write('min.csv', 'Model,Response tokens,Timestamp,Request tokens\nGPT-4,12,10.25,100\nChatGPT,0,11.5,50\n');
    const { requests } = await collect({ file, format: 'burstgpt', imputeOutput: false });
    expect(requests.map((r) => [r.arrivalMs, r.route, r.inputTokens, r.outputTokens, r.recorded?.ok, r.tags])).toEqual([
      [0, 'GPT-4', 100, 12, true, {}],
      [1250, 'ChatGPT', 50, 0, false, {}],
    ]);
  });

  it('a missing column is a clear header error naming it', async () => {
    const file = tmp.write('nocol.csv', 'Timestamp,Model,Request tokens,Total tokens,Log Type\n0,ChatGPT,10,10,API log\n');
    const e = await harnessError(collect({ file, format: 'burstgpt' }));
    expect(e.code).toBe('TRACE_HEADER');
    expect(e.exitCode).toBe(2);
    expect(e.problems[0]).toMatchObject({ file, line: 1, path: 'header' });
    expect(e.problems[0]!.message).toBe('header is missing column "Response tokens" (found: Timestamp, Model, Request tokens, Total tokens, Log Type)');
    expect(e.hint).toContain('burstgpt');
  });

  it('several missing columns are all named', async () => {
    const file = tmp.write('azure-as-burst.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n');
    const e = await harnessError(collect({ file, format: 'burstgpt' }));
    expect(e.problems[0]!.message).toBe(
      'header is missing columns "Timestamp", "Model", "Request tokens", "Response tokens" (found: TIMESTAMP, ContextTokens, GeneratedTokens)',
    );
  });

  it('an empty Model and a negative timestamp are bad rows', async () => {
    const file = tmp.write('bad.csv', 'Timestamp,Model,Request tokens,Response tokens\n0,ChatGPT,1,1\n1, ,1,1\n-2,GPT-4,1,1\n');
    const { stats, requests } = await collect({ file, format: 'burstgpt', onBadRow: 'skip' });
    expect(requests).toHaveLength(1);
    expect(stats.skippedSamples).toEqual([`${file}:3: Model is empty`, `${file}:4: Timestamp must be seconds ≥ 0, got "-2"`]);
  });

  it('draws stream flags from the stream fraction', async () => {
    const { requests } = await collect({ file: sample, format: 'burstgpt', streamFraction: 1 });
    expect(requests.every((r) => r.stream)).toBe(true);
  });

  // BUG (src/traffic/trace-formats.ts:145-150): an empty "Response tokens" cell is Number('') = 0,
  // which is read as a recorded failure ({ok: false}) instead of a bad row.
  it('an empty Response tokens cell is a bad row, not a recorded failure', async () => {
    const file = tmp.write('empty.csv', 'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n0,ChatGPT,10,5,15,API log\n1,ChatGPT,10,,10,API log\n');
    const e = await harnessError(collect({ file, format: 'burstgpt' }));
    expect(e.problems[0]).toMatchObject({ file, line: 3 });
    expect(e.problems[0]!.message).toContain('Response tokens');
  });

  // BUG (src/traffic/trace-formats.ts:142): the required columns are matched after trimming the
  // header, but "Log Type" is looked up untrimmed, so "..., Log Type" silently loses the tag.
  it('finds Log Type like the other columns when the header has spaces after commas', async () => {
    const file = tmp.write('spaced.csv', 'Timestamp, Model, Request tokens, Response tokens, Total tokens, Log Type\n0,ChatGPT,10,5,15,API log\n');
    const { requests } = await collect({ file, format: 'burstgpt' });
    expect(requests[0]!.route).toBe('ChatGPT');
    expect(requests[0]!.tags).toEqual({ log_type: 'API log' });
  });
});
