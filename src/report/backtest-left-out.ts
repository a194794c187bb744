/**
 * The trace rows the backtest leaves out of both sides. The recorded side (calibrate's `obs`
 * table) drops rows that say nothing about a provider: a row without a recorded outcome, a call
 * the app hung up on (`recorded.client_closed`), and a call a gateway answered from its cache
 * (`recorded.cache_hit`, from imported LiteLLM and Portkey logs). The simulation replays every
 * row of the trace, so those requests are taken out of the simulated side too, or it would count
 * cache hits the providers never saw as provider calls (and compare 3 ms answers with a fit that
 * excluded them).
 *
 * The rows are read with the reader the simulation uses (same numbering: a request's number is
 * its row's position among the rows read), into temp table `bt_left_out(request_no, why)`.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { INTEGER, LIST, listValue } from '@duckdb/node-api';
import type { Store } from '../store/open-store.js';
import { readTrace } from '../traffic/read-trace.js';
import { newTrafficStats } from '../traffic/traffic-request.js';

export interface LeftOut {
  /** Calls a gateway answered from its cache. */
  cacheHits: number;
  /** Calls the app hung up on. */
  clientClosed: number;
  /** Rows without a recorded outcome. */
  unobserved: number;
}

/**
 * Reads the trace and fills bt_left_out; returns how many rows of each kind were left out. With
 * `readRows` (a file path), also writes there, as routebench JSONL, the rows the reader took: with
 * `on_bad_row: skip` the recorded side is read from it, so that it leaves out the same rows the
 * simulation skipped (rows out of arrival order, or that the format refuses, not only lines that
 * are not JSON) and counts time from the same first row.
 */
export async function markLeftOut(store: Store, file: string, onBadRow: 'fail' | 'skip', o: { readRows?: string } = {}): Promise<LeftOut> {
  const counts: LeftOut = { cacheHits: 0, clientClosed: 0, unobserved: 0 };
  const ids: number[] = [];
  const why: number[] = [];
  const out = o.readRows === undefined ? undefined : createWriteStream(o.readRows);
  try {
    await readRows(file, onBadRow, counts, ids, why, out);
  } catch (e) {
    out?.destroy();
    throw e;
  }
  if (out) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  await store.run('CREATE OR REPLACE TEMP TABLE bt_left_out (request_no INTEGER, why INTEGER)');
  if (ids.length > 0)
    await store.con.run('INSERT INTO bt_left_out SELECT unnest($ids), unnest($why)', { ids: listValue(ids), why: listValue(why) }, { ids: LIST(INTEGER), why: LIST(INTEGER) });
  return counts;
}

async function readRows(file: string, onBadRow: 'fail' | 'skip', counts: LeftOut, ids: number[], why: number[], out: WriteStream | undefined): Promise<void> {
  // The recorded side as recorded: a failed call's output is what it got, not a drawn size.
  for await (const batch of readTrace({ file, format: 'routebench', onBadRow, imputeOutput: false }, newTrafficStats())) {
    if (out)
      await write(out, batch.map((r) => `${JSON.stringify({ arrival_ms: r.arrivalMs, route: r.route, input_tokens: r.inputTokens, output_tokens: r.outputTokens, cached_tokens: r.cachedTokens, stream: r.stream, dialect: r.dialect, recorded: r.recorded })}\n`).join(''));
    for (const r of batch) {
      // The order of the recorded side's filters: no outcome, then hung up, then cache.
      const kind = !r.recorded ? 0 : r.recorded.client_closed === true ? 1 : r.recorded.cache_hit === true ? 2 : -1;
      if (kind < 0) continue;
      ids.push(r.index);
      why.push(kind);
      if (kind === 0) counts.unobserved++;
      else if (kind === 1) counts.clientClosed++;
      else counts.cacheHits++;
    }
  }
}

/** "10 calls answered from a gateway's cache and 2 the app hung up on", or '' when nothing was left out. */
export function leftOutText(l: LeftOut): string {
  const n = (k: number, one: string, many: string) => (k === 0 ? '' : `${k.toLocaleString('en-US')} ${k === 1 ? one : many}`);
  const parts = [
    n(l.cacheHits, 'call answered from a gateway\'s cache', 'calls answered from a gateway\'s cache'),
    n(l.clientClosed, 'call the app hung up on', 'calls the app hung up on'),
    n(l.unobserved, 'row without a recorded outcome', 'rows without a recorded outcome'),
  ].filter((p) => p !== '');
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Writes text, waiting for the stream to drain when its buffer is full. */
function write(out: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    out.once('error', onError);
    const done = () => {
      out.off('error', onError);
      resolve();
    };
    if (out.write(text)) done();
    else out.once('drain', done);
  });
}
