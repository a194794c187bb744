/**
 * A results file this command creates and then writes no run into (a replay refused before its
 * first run: no spend cap, no `live:` blocks, an unreachable --mock-url; every arm skipped) is
 * removed again, with the folders made for it, so a failed command leaves the disk as it found it.
 * A file that existed before is never removed.
 */
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface FreshResultsFile {
  file: string;
  /** Folders that did not exist before, deepest first (removed only when left empty). */
  folders: string[];
}

/** Undefined when `db` exists already (or is DuckDB's in-memory database). */
export function freshResultsFile(db: string): FreshResultsFile | undefined {
  if (db === ':memory:' || existsSync(db)) return undefined;
  const folders: string[] = [];
  for (let dir = path.dirname(path.resolve(db)); !existsSync(dir) && path.dirname(dir) !== dir; dir = path.dirname(dir)) folders.push(dir);
  return { file: db, folders };
}

/** Removes the file, its write-ahead log and the folders made for it. Best effort: never throws. */
export function discardResultsFile(f: FreshResultsFile): void {
  for (const p of [f.file, `${f.file}.wal`]) rmSync(p, { force: true });
  for (const dir of f.folders) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (someone else wrote there) or gone: leave it and the folders above
    }
  }
}

/** True when the store holds no run (so nothing of value would be lost by removing it). */
export async function holdsNoRun(store: { all<T>(sql: string): Promise<T[]> }): Promise<boolean> {
  try {
    const [row] = await store.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM runs');
    return row?.n === 0;
  } catch {
    return false;
  }
}
