/**
 * A results file as an earlier routebench wrote it: a copy of `file` without the columns added
 * since (runs.strategy_index, attempts.max_gap_ms), for tests of reading older files.
 */
import { copyFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

export async function olderResultsFile(file: string, older: string): Promise<string> {
  copyFileSync(file, older);
  const db = await DuckDBInstance.create(older);
  const con = await db.connect();
  await con.run('ALTER TABLE runs DROP COLUMN strategy_index');
  await con.run('ALTER TABLE attempts DROP COLUMN max_gap_ms');
  await con.run('CHECKPOINT');
  con.closeSync();
  db.closeSync();
  return older;
}
