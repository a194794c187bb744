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

/** Reads the trace and fills bt_left_out; returns how many rows of each kind were left out. */
export async function markLeftOut(store: Store, file: string, onBadRow: 'fail' | 'skip'): Promise<LeftOut> {
  const counts: LeftOut = { cacheHits: 0, clientClosed: 0, unobserved: 0 };
  const ids: number[] = [];
  const why: number[] = [];
  for await (const batch of readTrace({ file, format: 'routebench', onBadRow }, newTrafficStats()))
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
  await store.run('CREATE OR REPLACE TEMP TABLE bt_left_out (request_no INTEGER, why INTEGER)');
  if (ids.length > 0)
    await store.con.run('INSERT INTO bt_left_out SELECT unnest($ids), unnest($why)', { ids: listValue(ids), why: listValue(why) }, { ids: LIST(INTEGER), why: LIST(INTEGER) });
  return counts;
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
