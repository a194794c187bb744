/**
 * `routebench import <input> --format <format> -o trace.jsonl`: convert a public trace or a gateway's
 * logs. `-o -` writes the trace to stdout (and nothing else there: the notes go to stderr).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { seedOption } from './common-options.js';
import { environmentError, ExitCode, inputError } from '../../errors.js';
import { parseDuration } from '../../scenario/duration.js';
import { importTrace } from '../../traffic/import-trace.js';
import { traceFormats } from '../../traffic/trace-formats.js';
import { ensureWritableFileFolder, type Io } from '../io.js';
import { count } from '../../plural.js';
import { makeFolders } from '../../make-folders.js';

export interface ImportArgs {
  input: string;
  format: string;
  output: string;
  route?: string;
  stream?: number;
  tag?: string[];
  limit?: number;
  speedup?: number;
  start?: string;
  end?: string;
  seed: number;
  'on-bad-row': 'fail' | 'skip';
}

export function importBuilder(y: Argv): Argv<ImportArgs> {
  return y
    .positional('input', { type: 'string', demandOption: true, describe: 'trace file to convert' })
    .option('format', { choices: Object.keys(traceFormats), demandOption: true, describe: 'format of the input' })
    .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'routebench JSONL file to write (- for stdout: only the trace; notes go to stderr; a reader that closes early, as head does, stops the import with exit 0)' })
    .option('route', { type: 'string', describe: 'route (model) key for rows without one' })
    .option('stream', { type: 'number', describe: 'share of requests to mark stream: true (0..1), for formats without the flag' })
    .option('tag', { type: 'string', array: true, describe: 'tag added to every request, key=value (repeatable)' })
    .option('limit', { type: 'number', describe: 'keep at most this many requests' })
    .option('speedup', { type: 'number', describe: 'divide inter-arrival times by this factor' })
    .option('start', { type: 'string', describe: 'skip requests before this offset, e.g. 10m' })
    .option('end', { type: 'string', describe: 'stop at requests after this offset, e.g. 1h' })
    .option('seed', { type: 'number', coerce: seedOption, default: 1, describe: 'seed for the stream flag draw' })
    .option('on-bad-row', { choices: ['fail', 'skip'] as const, default: 'fail' as const, describe: 'what a malformed row does' }) as unknown as Argv<ImportArgs>;
}

/** The first line of a file (up to 64 KiB; `cut` when it is longer), or undefined when it cannot be read. */
function firstLine(file: string): { line: string; cut: boolean } | undefined {
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(65_536);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const text = buf.subarray(0, n).toString('utf8').replace(/^\ufeff/, '');
      const nl = text.indexOf('\n');
      return { line: nl < 0 ? text : text.slice(0, nl), cut: nl < 0 && n === buf.length };
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Refuses (exit 2, before reading anything) an output that is the input, a folder, or an existing
 * file that is not a routebench trace: the import replaces its output, and those are the user's.
 */
function checkOutput(input: string, output: string): void {
  if (path.resolve(input) === path.resolve(output)) throw inputError('BAD_OPTION', `import would overwrite its input ${input}`, [], 'write the trace elsewhere, e.g. -o traces/imported.jsonl');
  let st;
  try {
    st = statSync(output);
  } catch {
    return;
  }
  if (st.isDirectory()) throw inputError('BAD_OPTION', `-o ${output} is a folder; -o names the trace file to write`, [], `e.g. -o ${path.join(output, 'imported.jsonl')}`);
  if (st.size === 0) return;
  const first = firstLine(output);
  let row: unknown;
  try {
    row = first === undefined ? undefined : JSON.parse(first.line);
  } catch {
    row = undefined;
  }
  // A first row past 64 KiB (a prompt kept by record --store-text) is read cut: ours when it starts as record and import write a row.
  const cutRow = first?.cut === true && /^\{"arrival_ms":/.test(first.line);
  if (!cutRow && !(typeof row === 'object' && row !== null && 'arrival_ms' in row))
    throw inputError('BAD_OPTION', `${output} exists and is not a routebench trace; it was left untouched`, [], 'write the trace elsewhere with -o, or remove that file first');
}

/** The abort reason when stdout's reader went away (not Ctrl-C). */
const CLOSED = Symbol('stdout closed');

/**
 * A stdout write error other than EPIPE (a full disk under `-o - > file`) lost rows: a failure
 * (exit 4), not a reader that took what it wanted.
 */
function refuseLostRows(reason: unknown, handed: number): void {
  const why = reason as NodeJS.ErrnoException | undefined;
  if (why?.code === 'EPIPE') return;
  throw environmentError('STDOUT_UNWRITABLE', `stdout could not be written (${why?.code ?? why?.message ?? 'closed'}) after ${count(handed, 'request')}; the import stopped`, 'check where stdout goes: a full disk, a quota, a closed file', why);
}

export async function importHandler(args: ImportArgs, io: Io): Promise<number> {
  const duration = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const ms = parseDuration(v);
    if (ms === undefined) throw inputError('BAD_OPTION', `--${name} "${v}" is not a duration; use e.g. 90s, 10m, 1h30m`);
    return ms;
  };
  if (args.stream !== undefined && !(args.stream >= 0 && args.stream <= 1)) throw inputError('BAD_OPTION', `--stream must be between 0 and 1, got ${args.stream}`);
  if (args.speedup !== undefined && !(args.speedup > 0)) throw inputError('BAD_OPTION', `--speedup must be greater than 0, got ${args.speedup}`);
  if (args.limit !== undefined && !(Number.isInteger(args.limit) && args.limit >= 1)) throw inputError('BAD_OPTION', `--limit must be a whole number ≥ 1, got ${args.limit}`);
  // An empty route was written into every row without one, and the trace reader refuses such a row.
  if (args.route !== undefined && args.route.trim() === '') throw inputError('BAD_OPTION', `--route must name a route (model), got ${JSON.stringify(args.route)}`, [], 'e.g. --route gpt-4o-mini, or leave --route out (rows without a route read as "default")');
  // An empty window was "produced no requests" after reading the whole input.
  const [startMs, endMs] = [duration('start', args.start), duration('end', args.end)];
  if (startMs !== undefined && endMs !== undefined && endMs <= startMs)
    throw inputError('BAD_OPTION', `--end ${args.end} is not after --start ${args.start}: the window holds no requests`, [], 'both are offsets from the start of the trace, e.g. --start 10m --end 40m');
  const tags: Record<string, string> = {};
  for (const t of args.tag ?? []) {
    const i = t.indexOf('=');
    if (i <= 0) throw inputError('BAD_OPTION', `--tag "${t}" must look like key=value`);
    tags[t.slice(0, i)] = t.slice(i + 1);
  }
  // Said here, for the command line: the trace reader's own hint is about paths inside a scenario.
  if (!existsSync(args.input))
    throw inputError('TRACE_MISSING', `${args.input} does not exist`, [{ file: args.input, path: '', message: 'trace not found' }], path.isAbsolute(args.input) ? 'check the path' : `the path is relative to the current folder, ${process.cwd()}`);
  // -o -: the trace on stdout, row batches as they are converted; the notes on stderr.
  const toStdout = args.output === '-';
  const note = toStdout ? io.err : io.out;
  if (!toStdout) {
    checkOutput(args.input, args.output);
    ensureWritableFileFolder(args.output, '-o');
    // -o traces/otel.jsonl in a project without traces/ yet (the docs' examples): made, as calibrate and record make theirs
    makeFolders(path.dirname(path.resolve(args.output)), '-o');
  }
  const existed = !toStdout && existsSync(args.output);
  const controller = new AbortController();
  const off = io.onInterrupt(() => controller.abort());
  // -o - and a reader that went away (`… -o - | head -1`): stop converting what no one reads. The
  // rows it took are its own; a closed pipe is the reader's choice, so this ends with exit 0, as
  // for every other command whose stdout is closed early (io.ts), and a note on stderr.
  const closed = toStdout ? io.outClosed : undefined;
  const stopOnClose = () => controller.abort(CLOSED);
  if (closed?.aborted) stopOnClose();
  closed?.addEventListener('abort', stopOnClose, { once: true });
  let handed = 0;
  let stats;
  try {
    stats = await importTrace(
      {
        file: args.input,
        format: args.format,
        route: args.route,
        streamFraction: args.stream,
        tags,
        limit: args.limit,
        speedup: args.speedup,
        startMs,
        endMs,
        seed: args.seed,
        onBadRow: args['on-bad-row'],
      },
      toStdout
        ? (text, rows) => {
            io.out(text);
            handed += rows;
          }
        : args.output,
      { signal: controller.signal },
    );
  } catch (e) {
    if (!controller.signal.aborted) throw e;
    if (controller.signal.reason === CLOSED) {
      refuseLostRows(closed?.reason, handed);
      io.err(`stopped: stdout was closed by its reader after ${count(handed, 'request')}; the rest of ${args.input} was not converted\n`);
      return ExitCode.ok;
    }
    io.err(`\ninterrupted: ${toStdout ? 'stdout has the rows converted before it' : `${args.output} ${existed ? 'was left as it was' : 'was not written'}`}\n`);
    return 130;
  } finally {
    off();
    closed?.removeEventListener('abort', stopOnClose);
  }
  // The last batch's write failed after it was handed over: its error is emitted on a later tick.
  if (closed) await new Promise((resolve) => setImmediate(resolve));
  if (closed?.aborted) refuseLostRows(closed.reason, handed);
  if (stats.rows === 0) {
    io.err(`error: ${args.input} produced no requests${stats.skippedRows ? ` (${count(stats.skippedRows, 'bad row')} skipped)` : ''}; ${toStdout ? 'nothing was written to stdout' : `${args.output} was not written`}\n`);
    // What to do: the usual cause is a file of another format (every row bad) or of no calls.
    const why = stats.skippedRows > 0
      ? `every row was malformed (the first: ${stats.skippedSamples[0] ?? '?'}): is the file in the ${args.format} format? \`routebench import --help\` lists the formats`
      : startMs !== undefined || endMs !== undefined
        ? `no request fell in the --start/--end window, or the file holds none: check the window against the trace's length`
        : `the file holds no ${args.format === 'otel-genai' ? 'model-call span (gen_ai.operation.name chat, text_completion or generate_content, or a gen_ai.* model or provider; tool, agent and embeddings spans are passed over)' : 'record'}: is it the ${args.format} export you meant?`;
    io.err(`hint: ${why}\n`);
    return ExitCode.usage;
  }
  note(`wrote ${count(stats.rows, 'request')} to ${toStdout ? 'stdout' : args.output}${stats.skippedRows ? ` (${count(stats.skippedRows, 'bad row')} skipped)` : ''}\n`);
  return ExitCode.ok;
}
