/**
 * Reads a trace file as arrival-ordered batches of TrafficRequest, in constant memory.
 * Applies the scenario's window (start/end), speed-up and limit; rows that fail to parse are a
 * located error (`on_bad_row: fail`) or skipped and counted (`skip`). Calls the trace recorded as
 * failed get an output size drawn from its recorded answers (impute-output.ts).
 */
import { inputError } from '../errors.js';
import { combineSeeds, mix32 } from '../rng.js';
import { readLines, assertReadableFile } from './read-lines.js';
import { traceFormats, type TraceRow } from './trace-formats.js';
import { TRAFFIC_BATCH, type TrafficRequest, type TrafficStats, type Tags } from './traffic-request.js';
import { splitCsvLine } from './csv.js';
import { OutputImputer } from './impute-output.js';

export interface TraceOptions {
  file: string;
  format: string;
  speedup?: number;
  startMs?: number;
  endMs?: number;
  limit?: number;
  onBadRow?: 'fail' | 'skip';
  /** Route for rows without one. */
  route?: string;
  /** Share of requests to stream, for rows without a stream flag (seeded per request). */
  streamFraction?: number;
  tags?: Tags;
  seed?: number;
  /** Draw output sizes for calls recorded as failed (default true; false reads them as recorded). */
  imputeOutput?: boolean;
}

const EMPTY_TAGS: Tags = Object.freeze({});

export async function* readTrace(opts: TraceOptions, stats: TrafficStats): AsyncGenerator<TrafficRequest[]> {
  const format = traceFormats[opts.format];
  if (!format) throw inputError('TRACE_FORMAT', `unknown trace format "${opts.format}"`, [], `use one of ${Object.keys(traceFormats).join(', ')}`);
  await assertReadableFile(opts.file, 'trace');
  const speedup = opts.speedup ?? 1;
  const startMs = opts.startMs ?? 0;
  const endMs = opts.endMs ?? Infinity;
  const limit = opts.limit ?? Infinity;
  const streamThreshold = Math.round((opts.streamFraction ?? 0) * 4294967296);
  const streamSeed = combineSeeds(opts.seed ?? 1, 0x5757);
  const extraTags = opts.tags && Object.keys(opts.tags).length > 0 ? opts.tags : undefined;
  let parse: ((text: string) => TraceRow | string) | undefined = format.hasHeader || format.readRows ? undefined : (format.createParser(undefined) as (t: string) => TraceRow | string);
  let origin: number | undefined;
  let previous = -Infinity;
  let index = 0;
  let batch: TrafficRequest[] = [];
  // A batch waits while a failed call in it has no output size yet.
  const imputer = new OutputImputer(combineSeeds(opts.seed ?? 1, 0x0a7c), stats);
  const impute = opts.imputeOutput !== false;

  const bad = (lineNo: number, message: string) => {
    if (opts.onBadRow === 'skip') {
      stats.skippedRows++;
      if (stats.skippedSamples.length < 5) stats.skippedSamples.push(`${opts.file}:${lineNo}: ${message}`);
      return;
    }
    throw inputError('TRACE_BAD_ROW', `${opts.file}:${lineNo}: ${message}`, [{ file: opts.file, line: lineNo, col: 1, path: `row ${lineNo}`, message }], 'fix the row, or set traffic.trace.on_bad_row: skip (CLI: --on-bad-row skip) to skip and count bad rows');
  };

  /** Takes one parsed row into the batch; false once the window or the limit is reached. */
  const take = (row: TraceRow | string, lineNo: number): boolean => {
    if (typeof row === 'string') {
      bad(lineNo, row);
      return true;
    }
    origin ??= row.timeMs;
    const t = row.timeMs - origin;
    if (t < previous) {
      bad(lineNo, `arrival ${t.toFixed(3)} ms is earlier than the previous row's ${previous.toFixed(3)} ms; traces must be sorted by arrival time`);
      return true;
    }
    previous = t;
    if (t < startMs) return true;
    if (t > endMs) return false;
    const streamed = row.stream ?? (streamThreshold > 0 && mix32(streamSeed ^ Math.imul(index + 1, 0x9e3779b1)) < streamThreshold);
    const request: TrafficRequest = {
      index,
      id: row.id,
      arrivalMs: (t - startMs) / speedup,
      route: row.route ?? opts.route ?? 'default',
      inputTokens: row.inputTokens,
      cachedTokens: row.cachedTokens,
      outputTokens: row.outputTokens,
      stream: streamed,
      tags: extraTags ? { ...extraTags, ...row.tags } : (row.tags ?? EMPTY_TAGS),
      dialect: row.dialect,
      recorded: row.recorded,
      promptDlp: row.promptDlp,
    };
    if (impute) imputer.take(request);
    batch.push(request);
    index++;
    stats.rows++;
    return index < limit;
  };

  if (!(limit > 0)) return;
  if (format.readRows) {
    // Log importers: rows arrive already parsed (and put in arrival order) with their lines.
    outer: for await (const rows of format.readRows(opts.file)) {
      for (const { row, lineNo } of rows) {
        const more = take(row, lineNo);
        if (batch.length >= TRAFFIC_BATCH && !imputer.waiting) {
          yield batch;
          batch = [];
        }
        if (!more) break outer;
      }
    }
    imputer.end();
    if (batch.length > 0) yield batch;
    return;
  }
  outer: for await (const lines of readLines(opts.file)) {
    for (const { text, lineNo } of lines) {
      if (parse === undefined) {
        const created = format.createParser(splitCsvLine(text));
        if (typeof created === 'string')
          throw inputError('TRACE_HEADER', `${opts.file}:${lineNo}: ${created}`, [{ file: opts.file, line: lineNo, col: 1, path: 'header', message: created }], `is this really ${/^[aeiou]/i.test(format.name) ? 'an' : 'a'} ${format.name} trace? (${format.description})`);
        parse = created;
        continue;
      }
      if (text.trim() === '') continue;
      const more = take(parse(text), lineNo);
      if (batch.length >= TRAFFIC_BATCH && !imputer.waiting) {
        yield batch;
        batch = [];
      }
      if (!more) break outer;
    }
  }
  imputer.end();
  if (batch.length > 0) yield batch;
}
