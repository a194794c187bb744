/**
 * A trace format for a log export: the records of the file (log-records.ts), each turned into
 * rows by the importer's `expand`, put back in arrival order (reorder.ts). Malformed records come
 * out as messages with their line, so the reader applies the bad-row policy to them like to any
 * other trace row.
 */
import type { SourcedRow, TraceFormat, TraceRow } from '../trace-formats.js';
import { logRecords, type RecordSink } from './log-records.js';
import { Reorder } from './reorder.js';

/** What one record gives: rows, or messages for what is wrong (prefixed with the record's path). */
export type Expand = (value: unknown, emit: (row: TraceRow | string) => void) => void;

interface LogFormatBase {
  name: string;
  description: string;
  /** The format may also be CSV with a header line. */
  csv?: boolean;
}

/**
 * An importer's `expand`; or `createExpand`, called once per import for an `expand` with state
 * that must live no longer than that import nor be seen by another (imports may run interleaved).
 */
export type LogFormatSpec = LogFormatBase & ({ expand: Expand } | { createExpand: () => Expand });

export function logFormat(spec: LogFormatSpec): TraceFormat {
  return {
    name: spec.name,
    description: spec.description,
    hasHeader: false,
    createParser: () => `${spec.name} is read as a whole file`,
    readRows: (file) => readLogRows(file, spec),
  };
}

async function* readLogRows(file: string, spec: LogFormatSpec): AsyncGenerator<SourcedRow[]> {
  const reorder = new Reorder();
  const expand = 'createExpand' in spec ? spec.createExpand() : spec.expand;
  let out: SourcedRow[] = [];
  let lineNo = 0;
  let path = '';
  let lineOf: ((fieldPath: string) => number | undefined) | undefined;
  const emit = (row: TraceRow | string) => {
    if (typeof row !== 'string') reorder.push(row, lineNo, out);
    else out.push({ lineNo: (lineOf && problemLine(row, lineOf)) ?? lineNo, row: at(path, row) });
  };
  const sink: RecordSink = {
    record(value, line, where, of) {
      lineNo = line;
      path = where;
      lineOf = of;
      expand(value, emit);
    },
    bad(line, error) {
      out.push({ lineNo: line, row: error });
    },
  };
  for await (const _ of logRecords(file, { csv: spec.csv }, sink))
    if (out.length > 0) {
      yield out;
      out = [];
    }
  reorder.flush(out);
  if (out.length > 0) yield out;
}

/** Prefixes a message with a field path inside the record (`data`, `resourceSpans[0].scopeSpans[1].spans[2]`). */
export const at = (path: string, message: string) => (path === '' ? message : `${path}: ${message}`);

/** The line of the field a problem names first (`data[3]: …`, `resourceSpans[0]…spans[2]: …`), where the record can tell. */
function problemLine(message: string, lineOf: (fieldPath: string) => number | undefined): number | undefined {
  const m = /^((?:\[\d+\]|[A-Za-z_][\w]*)(?:\.[A-Za-z_]\w*|\[\d+\])*): /.exec(message);
  return m ? lineOf(m[1]!) : undefined;
}
