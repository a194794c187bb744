/**
 * A trace format for a log export: the records of the file (log-records.ts), each turned into
 * rows by the importer's `expand`, put back in arrival order (reorder.ts). Malformed records come
 * out as messages with their line, so the reader applies the bad-row policy to them like to any
 * other trace row.
 */
import type { SourcedRow, TraceFormat, TraceRow } from '../trace-formats.js';
import { logRecords } from './log-records.js';
import { Reorder } from './reorder.js';

/** What one record gives: rows, or messages for what is wrong (prefixed with the record's path). */
export type Expand = (value: unknown, emit: (row: TraceRow | string) => void) => void;

export interface LogFormatSpec {
  name: string;
  description: string;
  /** The format may also be CSV with a header line. */
  csv?: boolean;
  expand: Expand;
}

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
  for await (const records of logRecords(file, { csv: spec.csv })) {
    const out: SourcedRow[] = [];
    for (const rec of records) {
      if ('error' in rec) {
        out.push({ lineNo: rec.lineNo, row: rec.error });
        continue;
      }
      const { lineNo, path } = rec;
      spec.expand(rec.value, (row) => {
        if (typeof row !== 'string') reorder.push(row, lineNo, out);
        else out.push({ lineNo, row: at(path, row) });
      });
    }
    if (out.length > 0) yield out;
  }
  const rest: SourcedRow[] = [];
  reorder.flush(rest);
  if (rest.length > 0) yield rest;
}

/** Prefixes a message with a field path inside the record (`data`, `resourceSpans[0].scopeSpans[1].spans[2]`). */
export const at = (path: string, message: string) => (path === '' ? message : `${path}: ${message}`);
