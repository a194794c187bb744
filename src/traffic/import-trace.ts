/**
 * Converts a trace in any supported format to routebench JSONL (one request per line), streaming
 * in constant memory. Used by `routebench import`.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { inputError } from '../errors.js';
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
  if (r.id !== undefined) row.id = r.id;
  if (r.recorded !== undefined) row.recorded = r.recorded;
  return JSON.stringify(row);
}

export async function importTrace(opts: TraceOptions, outFile: string): Promise<TrafficStats> {
  const stats = newTrafficStats();
  const out = createWriteStream(outFile);
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
  try {
    for await (const batch of readTrace(opts, stats)) {
      let text = '';
      for (const r of batch) text += `${toTraceLine(r)}\n`;
      if (!out.write(text)) await once(out, 'drain');
    }
  } finally {
    if (!out.closed) {
      out.end();
      await once(out, 'close').catch(() => undefined);
    }
  }
  if (failure) throw failure;
  return stats;
}
