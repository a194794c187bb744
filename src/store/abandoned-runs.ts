/**
 * Runs left `running` by a process that is gone (killed, out of memory, the machine went down, a
 * second Ctrl-C that could not write) are `abandoned`: they hold some attempts but never finished,
 * and nothing will finish them. A results file opened for writing records that; one opened
 * read-only shows it through a temporary `runs` view that shadows the table for this connection
 * only (DuckDB looks names up in the temp catalog first), so report, compare, export and merge all
 * see `abandoned` while the file itself is not written.
 */
import { currentOwner, ownerLiveness } from './run-owner.js';
import type { Store } from './open-store.js';

interface RunningRow {
  run_no: number;
  owner_pid: number | null;
  owner_host: string | null;
  owner_start: string | null;
}

/** Why a run is abandoned, as stored in runs.error. */
const why = (r: RunningRow) =>
  r.owner_pid === null ? 'abandoned: the process that wrote it ended before the run finished' : `abandoned: its process (pid ${r.owner_pid} on ${r.owner_host}) ended before the run finished`;

/** The `running` runs whose process is gone. */
async function abandonedRuns(store: Store): Promise<RunningRow[]> {
  const cols = new Set(
    (await store.all<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = 'runs'`)).map((r) => r.c),
  );
  const owner = cols.has('owner_pid') ? 'owner_pid, owner_host, owner_start' : 'NULL::INTEGER AS owner_pid, NULL AS owner_host, NULL AS owner_start';
  const running = await store.all<RunningRow>(`SELECT run_no, ${owner} FROM runs WHERE status = 'running' ORDER BY run_no`);
  // A run without an owner was written by a routebench that did not record one; it cannot be
  // running now, as no process can write this file while it is open here.
  return running.filter((r) => {
    const live = ownerLiveness({ pid: r.owner_pid, host: r.owner_host, start: r.owner_start });
    return live === 'gone' || (live === 'unknown' && r.owner_pid === null);
  });
}

/** Marks (writable) or shows (read-only) abandoned runs; returns their run numbers. */
export async function settleAbandonedRuns(store: Store, readOnly: boolean): Promise<number[]> {
  const gone = await abandonedRuns(store);
  if (gone.length === 0) return [];
  const nos = gone.map((r) => Math.trunc(r.run_no));
  const reason = `CASE run_no ${gone.map((r) => `WHEN ${Math.trunc(r.run_no)} THEN '${why(r).replace(/'/g, "''")}'`).join(' ')} END`;
  if (!readOnly) {
    await store.run(`UPDATE runs SET status = 'abandoned', error = coalesce(error, ${reason}) WHERE status = 'running' AND run_no IN (${nos.join(', ')})`);
    return nos;
  }
  const [{ db }] = await store.all<{ db: string }>('SELECT current_database() AS db');
  await store.run(
    `CREATE OR REPLACE TEMP VIEW runs AS SELECT * REPLACE (
       CASE WHEN run_no IN (${nos.join(', ')}) THEN 'abandoned' ELSE status END AS status,
       CASE WHEN run_no IN (${nos.join(', ')}) THEN coalesce(error, ${reason}) ELSE error END AS error)
     FROM "${db.replace(/"/g, '""')}".main.runs`,
  );
  return nos;
}

/**
 * Ends the runs this process left `running` (after a failure, or on a second Ctrl-C): `error` or
 * `interrupted`, with a note. Best effort; returns how many were ended.
 */
export async function endOwnRunningRuns(store: Store, status: 'error' | 'interrupted', note: string): Promise<number> {
  const me = currentOwner();
  const rows = await store.all<{ n: number }>(
    `UPDATE runs SET status = $status, finished_at = coalesce(finished_at, now()::TIMESTAMP), error = coalesce(error, $note)
     WHERE status = 'running' AND owner_pid = $pid AND owner_host = $host AND owner_start IS NOT DISTINCT FROM $start RETURNING run_no AS n`,
    { status, note, pid: me.pid, host: me.host, start: me.start },
  );
  return rows.length;
}
