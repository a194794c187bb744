/** `routebench import <input> --format azure|mooncake|burstgpt -o trace.jsonl`: convert a public trace. */
import type { Argv } from 'yargs';
import { seedOption } from './common-options.js';
import { ExitCode, inputError } from '../../errors.js';
import { parseDuration } from '../../scenario/duration.js';
import { importTrace } from '../../traffic/import-trace.js';
import { traceFormats } from '../../traffic/trace-formats.js';
import type { Io } from '../io.js';

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
    .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'routebench JSONL file to write' })
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
  const tags: Record<string, string> = {};
  for (const t of args.tag ?? []) {
    const i = t.indexOf('=');
    if (i <= 0) throw inputError('BAD_OPTION', `--tag "${t}" must look like key=value`);
    tags[t.slice(0, i)] = t.slice(i + 1);
  }
  const controller = new AbortController();
  const off = io.onInterrupt(() => controller.abort());
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
        startMs: duration('start', args.start),
        endMs: duration('end', args.end),
        seed: args.seed,
        onBadRow: args['on-bad-row'],
      },
      args.output,
      { signal: controller.signal },
    );
  } catch (e) {
    if (!controller.signal.aborted) throw e;
    io.err(`\ninterrupted: ${args.output} was left as it was\n`);
    return 130;
  } finally {
    off();
  }
  io.out(`wrote ${stats.rows.toLocaleString('en-US')} requests to ${args.output}${stats.skippedRows ? ` (${stats.skippedRows} bad rows skipped)` : ''}\n`);
  if (stats.rows === 0) {
    io.err(`warning: ${args.input} produced no requests\n`);
    return ExitCode.usage;
  }
  return ExitCode.ok;
}
