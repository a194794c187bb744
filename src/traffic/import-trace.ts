/**
 * Converts a trace in any supported format to routebench JSONL (one request per line), streaming
 * in constant memory. Used by `routebench import`.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { environmentFailure, inputError } from '../errors.js';
import { readTrace, type TraceOptions } from './read-trace.js';
import { newTrafficStats, type TrafficRequest, type TrafficStats } from './traffic-request.js';

/** The routebench JSONL form of one request (fields documented in the README, "Trace format"). */
export function toTraceLine(r: TrafficRequest): string {
  const row: Record<string, unknown> = {
    arrival_ms: Math.round(r.arrivalMs * 1000) / 1000,
    route: r.route,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
  };
  if (r.cachedTokens > 0) row.cached_tokens = r.cachedTokens;
  row.stream = r.stream;
  if (Object.keys(r.tags).length > 0) row.tags = r.tags;
  if (r.dialect !== undefined) row.dialect = r.dialect;
  if (r.id !== undefined) row.id = r.id;
  if (r.recorded !== undefined) row.recorded = r.recorded;
  if (r.promptDlp !== undefined) row.prompt_dlp = r.promptDlp;
  return JSON.stringify(row);
}

/**
 * Writes the trace to a temporary file beside `outFile` and renames it into place only when every
 * row was converted and there is at least one: a failed import (a bad row, a full disk, Ctrl-C,
 * no request at all) leaves an existing `outFile` as it was and no partial file behind (rename within one folder is atomic on POSIX:
 * https://pubs.opengroup.org/onlinepubs/9799919799/functions/rename.html).
 */
export async function importTrace(opts: TraceOptions, outFile: string | TextSink, control: { signal?: AbortSignal } = {}): Promise<TrafficStats> {
  if (typeof outFile !== 'string') return streamTrace(opts, outFile, control);
  const stats = newTrafficStats();
  const tmp = path.join(path.dirname(outFile), `.${path.basename(outFile)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp);
  let failure: Error | undefined;
  out.on('error', (e) => (failure ??= e));
  await new Promise<void>((resolve) => {
    out.once('open', () => resolve());
    out.once('error', () => resolve());
  });
  if (failure) {
    const code = (failure as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : failure.message;
    throw inputError('OUTPUT_UNWRITABLE', `cannot write ${outFile}: ${why}`, [
      { file: outFile, path: '', message: `cannot be written: ${why}` },
    ], 'choose an output path in an existing, writable folder');
  }
  let done = false;
  try {
    for await (const { text } of convertedBatches(opts, stats)) {
      if (failure) break;
      // Ctrl-C: stop, and leave outFile as it was (the finally below removes the temporary file).
      control.signal?.throwIfAborted();
      if (!out.write(text)) await drainOrClose(out);
    }
    if (!out.closed) {
      out.end();
      await once(out, 'close').catch(() => undefined);
    }
    if (failure) throw environmentFailure(failure, outFile) ?? failure;
    // No request (a window or filter that kept none): a failed import too, so outFile stays as it was.
    if (stats.rows === 0) return stats;
    renameSync(tmp, outFile);
    done = true;
  } finally {
    if (!done) {
      if (!out.closed) {
        out.destroy();
        await once(out, 'close').catch(() => undefined);
      }
      rmSync(tmp, { force: true });
    }
  }
  return stats;
}

/** Takes the converted rows as text (`import -o -`: the CLI's stdout), and how many rows it holds. */
export type TextSink = (text: string, rows: number) => void;

/**
 * The trace as a stream of text, a batch of rows at a time, for a sink that cannot be replaced
 * afterwards (stdout): rows converted before a bad row, a write failure or Ctrl-C are already out.
 * The signal is checked before each batch is handed over: a reader that went away (the CLI
 * aborts it on EPIPE) stops the import within one batch.
 */
async function streamTrace(opts: TraceOptions, sink: TextSink, control: { signal?: AbortSignal }): Promise<TrafficStats> {
  const stats = newTrafficStats();
  for await (const { text, rows } of convertedBatches(opts, stats)) {
    control.signal?.throwIfAborted();
    sink(text, rows);
  }
  return stats;
}

/**
 * The trace's batches as routebench JSONL text, both outputs' one reader: written as the log has
 * it (output sizes are drawn only when the trace is replayed).
 */
async function* convertedBatches(opts: TraceOptions, stats: TrafficStats): AsyncGenerator<{ text: string; rows: number }> {
  for await (const batch of readTrace({ ...opts, imputeOutput: false }, stats)) {
    let text = '';
    for (const r of batch) text += `${toTraceLine(r)}\n`;
    yield { text, rows: batch.length };
  }
}

/**
 * Waits for the stream to drain (or close, on a write error), then removes both listeners:
 * racing two `once` promises left the loser's listener behind on every full buffer, and a large
 * import warned "MaxListenersExceededWarning" after ten.
 */
function drainOrClose(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
