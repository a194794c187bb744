/**
 * Renders the reports of several scenarios side by side. Reports are independent: each gets its
 * own DuckDB connection to the same database (its own temp table `rq`; DuckDB runs the
 * connections' queries concurrently), and every chart image is drawn by one shared chart pool of
 * `workers − 1` (at least one) worker threads (chart-pool.ts). At most `workers` reports are in flight; results come back in
 * submission order whatever finished first, and each report's files are the bytes a sequential
 * render writes (test/report/render-pool.test.ts holds them to it).
 */
import type { Store } from '../store/open-store.js';
import { chartPool, type ChartRenderer } from './chart-pool.js';
import { writeReport, type ReportOptions, type ReportRequest, type WrittenReport } from './write-report.js';

export interface ReportPool {
  /** Queues one report; resolves when its files are written. */
  submit(req: ReportRequest, opts?: ReportOptions): Promise<WrittenReport>;
  /** Waits for every submitted report (failed ones included), then closes the connections and chart workers. */
  close(): Promise<void>;
}

export function reportPool(store: Store, outDir: string, workers: number): ReportPool {
  const size = Math.max(1, Math.trunc(workers));
  // One chart worker fewer than reports in flight: the main thread mostly waits on DuckDB, and each
  // worker holds its own vega and resvg (tens of MB, and their start-up CPU).
  const charts: ChartRenderer = chartPool(Math.max(1, size - 1));
  // Reports in flight side by side keep the cores busy between them: one DuckDB thread per query
  // then (the setting is the database's, restored on close). A second thread per query cost ~35%
  // more CPU on a report's GROUP BY over the attempts for ~15% less wall time alone, and with
  // several reports at once there is no idle core to win that back on. Same results: every figure
  // is independent of the order a parallel aggregate meets its rows (exact sums, see ddl.ts).
  const threads = size > 1 ? oneThread(store) : Promise.resolve(null);
  const connections: Promise<Store>[] = [];
  const free: number[] = [];
  const waiting: ((slot: number) => void)[] = [];
  const all: Promise<unknown>[] = [];

  const acquire = (): Promise<number> => {
    const slot = free.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    if (connections.length < size) {
      connections.push(threads.then(() => store.connect()));
      return Promise.resolve(connections.length - 1);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (slot: number) => {
    const next = waiting.shift();
    if (next) next(slot);
    else free.push(slot);
  };

  return {
    submit(req, opts = {}) {
      const done = (async () => {
        const slot = await acquire();
        try {
          return await writeReport(await connections[slot]!, req, outDir, { ...opts, charts });
        } finally {
          release(slot);
        }
      })();
      all.push(done.catch(() => undefined));
      return done;
    },
    async close() {
      await Promise.all(all);
      await charts.close();
      for (const c of await Promise.allSettled(connections)) if (c.status === 'fulfilled') c.value.close();
      const before = await threads.catch(() => null);
      if (before !== null) await store.run(`SET threads = ${before}`);
    },
  };
}

/** Sets DuckDB to one thread per query; returns the thread count it had. */
async function oneThread(store: Store): Promise<number> {
  const [row] = await store.all<{ t: number }>(`SELECT current_setting('threads')::INTEGER AS t`);
  await store.run('SET threads = 1');
  return Math.max(1, Math.trunc(Number(row?.t ?? 1)));
}
