/**
 * The DuckDB appender's raw rate, row by row, over whatever columns the `attempts` table has now:
 * one append closure per column, chosen from the appender's own column types (read from the real
 * table, so a column added to the DDL cannot break the bench) and fed from the writer's column
 * list (ATTEMPT_COLUMNS, which AttemptWriter checks against the table's column names).
 */
import { DuckDBEnumType, DuckDBTypeId, type DuckDBAppender } from '@duckdb/node-api';
import type { AttemptBatch } from '../src/engine/attempt-rows.js';
import { ATTEMPT_COLUMNS } from '../src/store/write-attempts.js';

type Append = (b: AttemptBatch, r: number) => void;

function columnAppender(a: DuckDBAppender, c: number): Append {
  const col = ATTEMPT_COLUMNS[c]!;
  const type = a.columnType(c);
  if (col.kind === 'const') {
    if (type.typeId !== DuckDBTypeId.INTEGER) throw new Error(`${col.name}: constant column of type ${type.toString()} not handled`);
    return (b) => a.appendInteger(col.value(b));
  }
  const get = col.get;
  const isNull = col.nullable === 'nan' ? (v: number) => v !== v : col.nullable === 'negative' ? (v: number) => v < 0 : () => false;
  switch (type.typeId) {
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.SMALLINT:
      return (b, r) => {
        const v = get(b)[r]!;
        if (isNull(v)) a.appendNull();
        else a.appendInteger(v);
      };
    case DuckDBTypeId.DOUBLE:
      return (b, r) => {
        const v = get(b)[r]!;
        if (isNull(v)) a.appendNull();
        else a.appendDouble(v);
      };
    case DuckDBTypeId.BOOLEAN:
      return (b, r) => a.appendBoolean(get(b)[r] === 1);
    case DuckDBTypeId.ENUM: {
      const labels = (type as DuckDBEnumType).values;
      return (b, r) => {
        const v = get(b)[r]!;
        if (isNull(v)) a.appendNull();
        else a.appendVarchar(labels[v]!);
      };
    }
    default:
      throw new Error(`${col.name}: column type ${type.toString()} has no row-append rule in bench/row-appender.ts`);
  }
}

/** Appends the first `length` rows of a batch one value at a time (the appender's raw path). */
export function rowAppender(a: DuckDBAppender): (batch: AttemptBatch) => void {
  if (a.columnCount !== ATTEMPT_COLUMNS.length) throw new Error(`attempts has ${a.columnCount} columns, ATTEMPT_COLUMNS ${ATTEMPT_COLUMNS.length}`);
  const cols = Array.from({ length: a.columnCount }, (_, c) => columnAppender(a, c));
  return (batch) => {
    for (let r = 0; r < batch.length; r++) {
      for (let c = 0; c < cols.length; c++) cols[c]!(batch, r);
      a.endRow();
    }
  };
}
