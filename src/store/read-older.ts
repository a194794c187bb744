/**
 * Reading a results file written by an earlier routebench without altering it. Opening a file for
 * writing adds the columns introduced since (open-store.ts), but `report` and `compare` open files
 * read-only, and the current queries name columns an older file lacks (runs.strategy_index,
 * attempts.max_gap_ms, ...). Such a file is read through an in-memory copy with today's schema:
 * every table's rows inserted by column name, columns the file lacks left NULL, exactly as a
 * writable open would migrate it. The file itself is attached read-only and never written.
 */
import { count } from '../plural.js';
import { openStore, type Store } from './open-store.js';

const COLUMNS = `SELECT table_name, column_name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main'`;

async function columnSet(store: Store, sql = COLUMNS): Promise<Set<string>> {
  return new Set((await store.all<{ table_name: string; column_name: string }>(sql)).map((c) => `${c.table_name}.${c.column_name}`));
}

/** The current schema's tables and views that `store` lacks a column of (empty: nothing to migrate). */
export async function missingColumns(store: Store): Promise<string[]> {
  const fresh = await openStore(':memory:');
  try {
    const want = await columnSet(fresh);
    const have = await columnSet(store);
    return [...want].filter((c) => !have.has(c)).sort();
  } finally {
    fresh.close();
  }
}

/** What `report` and `compare` say when they read `file` through an up-to-date copy. */
export function olderFileNote(file: string, migrated: readonly string[]): string {
  return `${file} predates ${count(migrated.length, 'column')} of this routebench (${migrated.slice(0, 3).join(', ')}${migrated.length > 3 ? ', ...' : ''}): read through an up-to-date copy in memory, the file is unchanged\n`;
}

/** `file` opened read-only, or, when it predates columns the queries need, an up-to-date copy of it in memory. */
export async function openForReading(file: string): Promise<Store & { migrated?: string[] }> {
  const disk = await openStore(file, { readOnly: true });
  const missing = await missingColumns(disk).catch((e: unknown) => {
    disk.close();
    throw e;
  });
  if (missing.length === 0) return disk;
  disk.close();
  const copy = await openStore(':memory:');
  try {
    await copy.run(`ATTACH '${file.replace(/'/g, "''")}' AS older (READ_ONLY)`);
    const tables = await copy.all<{ t: string }>(
      `SELECT o.table_name AS t FROM information_schema.tables o JOIN information_schema.tables n ON n.table_name = o.table_name
       WHERE o.table_catalog = 'older' AND o.table_schema = 'main' AND o.table_type = 'BASE TABLE'
         AND n.table_catalog = current_database() AND n.table_schema = 'main' AND n.table_type = 'BASE TABLE' AND o.table_name <> 'meta'`,
    );
    for (const { t } of tables) {
      const shared = await copy.all<{ c: string; enum: boolean }>(
        `SELECT o.column_name AS c, n.data_type LIKE 'ENUM(%' AS enum FROM information_schema.columns o
         JOIN information_schema.columns n ON n.table_name = o.table_name AND n.column_name = o.column_name
         WHERE o.table_catalog = 'older' AND o.table_schema = 'main' AND o.table_name = $t
           AND n.table_catalog = current_database() AND n.table_schema = 'main' ORDER BY o.ordinal_position`,
        { t },
      );
      const q = (c: string) => `"${c.replace(/"/g, '""')}"`;
      // Enum values are carried by name (today's enums only ever append values).
      await copy.run(`DELETE FROM main.${q(t)}`);
      await copy.run(`INSERT INTO main.${q(t)} (${shared.map((s) => q(s.c)).join(', ')}) SELECT ${shared.map((s) => (s.enum ? `${q(s.c)}::VARCHAR` : q(s.c))).join(', ')} FROM older.main.${q(t)}`);
    }
    await copy.run('DETACH older');
  } catch (e) {
    copy.close();
    throw e;
  }
  return Object.assign({ ...copy, file }, { migrated: missing });
}
