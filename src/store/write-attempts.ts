/**
 * Appends attempt batches to DuckDB column by column: each typed array is copied straight into
 * a data chunk's vector (no per-value JS call), NULLs go in as validity bitmasks, and the chunk is
 * handed to the appender. This path runs at several million rows per second, far above what
 * the simulator produces (see bench/).
 */
import { DuckDBDataChunk, type DuckDBAppender, type DuckDBType } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type { AttemptBatch } from '../engine/attempt-rows.js';
import type { Store } from './open-store.js';
import { capForWriting } from './duckdb-memory.js';

/** DuckDB's vector size: the most rows one data chunk holds. */
const VECTOR = 2048;

export type AttemptColumn = { name: string } & (
  | { kind: 'const'; value: (b: AttemptBatch) => number }
  | { kind: 'data'; get: (b: AttemptBatch) => Int32Array | Float64Array | Uint8Array; nullable?: 'nan' | 'negative' }
);

/** In table order; checked against the table's own column names when a writer opens. */
export const ATTEMPT_COLUMNS: AttemptColumn[] = [
  { name: 'run_no', kind: 'const', value: (b) => b.runNo },
  { name: 'request_no', kind: 'data', get: (b) => b.requestNo },
  { name: 'attempt_no', kind: 'data', get: (b) => b.attemptNo },
  { name: 'target_no', kind: 'data', get: (b) => b.targetNo, nullable: 'negative' },
  { name: 'scheduled_ms', kind: 'data', get: (b) => b.scheduledMs },
  { name: 'sent_ms', kind: 'data', get: (b) => b.sentMs },
  { name: 'first_token_ms', kind: 'data', get: (b) => b.firstTokenMs, nullable: 'nan' },
  { name: 'end_ms', kind: 'data', get: (b) => b.endMs },
  { name: 'outcome', kind: 'data', get: (b) => b.outcome },
  { name: 'http_status', kind: 'data', get: (b) => b.httpStatus, nullable: 'negative' },
  { name: 'error_kind', kind: 'data', get: (b) => b.errorKind, nullable: 'negative' },
  { name: 'retryable', kind: 'data', get: (b) => b.retryable },
  { name: 'retry_after_ms', kind: 'data', get: (b) => b.retryAfterMs, nullable: 'nan' },
  { name: 'tokens_in', kind: 'data', get: (b) => b.tokensIn },
  { name: 'tokens_cached', kind: 'data', get: (b) => b.tokensCached },
  { name: 'tokens_out', kind: 'data', get: (b) => b.tokensOut },
  { name: 'cost_usd', kind: 'data', get: (b) => b.costUsd },
  { name: 'reason_no', kind: 'data', get: (b) => b.reasonNo },
  { name: 'tagset_no', kind: 'data', get: (b) => b.tagsetNo },
  { name: 'route_no', kind: 'data', get: (b) => b.routeNo },
  { name: 'stream', kind: 'data', get: (b) => b.stream },
  { name: 'incident_no', kind: 'data', get: (b) => b.incidentNo, nullable: 'negative' },
  { name: 'max_gap_ms', kind: 'data', get: (b) => b.maxGapMs, nullable: 'nan' },
  { name: 'harness_ms', kind: 'data', get: (b) => b.harnessMs, nullable: 'nan' },
];

export class AttemptWriter {
  private readonly types: DuckDBType[];
  private readonly valid = new Uint8Array(VECTOR / 8);
  private readonly narrow = new Uint8Array(VECTOR);
  private readonly constant = new Int32Array(VECTOR);
  /**
   * The one chunk every append refills. A chunk's vectors live in native memory that is freed
   * only when its JS wrapper is garbage collected, which V8 does not hurry (it does not see that
   * memory): a chunk per 2,048 rows held ~125 MB of RSS per million rows appended until a major
   * GC. The appender copies a chunk's rows, so the same chunk can carry the next slice.
   */
  private chunk: DuckDBDataChunk | undefined;
  rows = 0;
  private constructor(private readonly appender: DuckDBAppender, private readonly uncap?: () => void) {
    this.types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
    if (this.types.length !== ATTEMPT_COLUMNS.length) throw new Error(`attempts table has ${this.types.length} columns, writer knows ${ATTEMPT_COLUMNS.length}`);
  }

  static async open(store: Store): Promise<AttemptWriter> {
    const table = (await store.all<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = 'attempts' ORDER BY ordinal_position`)).map((c) => c.name);
    const known = ATTEMPT_COLUMNS.map((c) => c.name);
    if (table.join() !== known.join()) throw new Error(`attempts table columns (${table.join(', ')}) differ from the writer's (${known.join(', ')}): update ATTEMPT_COLUMNS in write-attempts.ts with ddl.ts`);
    const uncap = await capForWriting(store);
    return new AttemptWriter(await store.con.createAppender('attempts'), uncap);
  }

  append(batch: AttemptBatch): void {
    for (let off = 0; off < batch.length; off += VECTOR) this.appendSlice(batch, off, Math.min(VECTOR, batch.length - off));
    this.rows += batch.length;
  }

  private appendSlice(batch: AttemptBatch, off: number, len: number): void {
    let chunk = this.chunk;
    if (chunk) duckdb.data_chunk_reset(chunk.chunk);
    else chunk = this.chunk = DuckDBDataChunk.create(this.types);
    duckdb.data_chunk_set_size(chunk.chunk, len);
    this.fill(chunk.chunk, batch, off, len);
    this.appender.appendDataChunk(chunk);
  }

  /** A new data chunk holding rows off..off+len-1 of the batch (len ≤ 2048), ready to append. */
  fillChunk(batch: AttemptBatch, off: number, len: number): DuckDBDataChunk {
    const chunk = DuckDBDataChunk.create(this.types, len);
    this.fill(chunk.chunk, batch, off, len);
    return chunk;
  }

  private fill(raw: duckdb.DataChunk, batch: AttemptBatch, off: number, len: number): void {
    for (let c = 0; c < ATTEMPT_COLUMNS.length; c++) {
      const col = ATTEMPT_COLUMNS[c]!;
      const vec = duckdb.data_chunk_get_vector(raw, c);
      if (col.kind === 'const') {
        this.constant.fill(col.value(batch), 0, len);
        duckdb.copy_data_to_vector(vec, 0, this.constant.buffer, 0, len * 4);
        continue;
      }
      const data = col.get(batch);
      if (c === 10) {
        // error_kind: Int32 codes with -1 for NULL → one-byte enum codes.
        const src = data as Int32Array;
        for (let i = 0; i < len; i++) this.narrow[i] = src[off + i]! < 0 ? 0 : src[off + i]!;
        duckdb.copy_data_to_vector(vec, 0, this.narrow.buffer, 0, len);
      } else {
        const bytes = data.BYTES_PER_ELEMENT;
        duckdb.copy_data_to_vector(vec, 0, data.buffer as ArrayBuffer, data.byteOffset + off * bytes, len * bytes);
      }
      if (col.nullable) this.writeValidity(vec, data, off, len, col.nullable);
    }
  }

  /**
   * NULLs as a validity bitmask: NaN in a Float64 column, a negative value in an Int32 one. One
   * loop per array type: a single loop over both kinds of array was thrown away by V8 and compiled
   * again every few chunks (test/engine/no-deopt-loop.test.ts).
   */
  private writeValidity(vec: duckdb.Vector, data: Int32Array | Float64Array | Uint8Array, off: number, len: number, rule: 'nan' | 'negative'): void {
    const valid = this.valid;
    valid.fill(0);
    const nulls = rule === 'nan' ? nanValidity(valid, data as Float64Array, off, len) : negativeValidity(valid, data as Int32Array, off, len);
    if (nulls === 0) return;
    duckdb.vector_ensure_validity_writable(vec);
    duckdb.copy_data_to_vector_validity(vec, 0, valid.buffer, 0, Math.ceil(len / 64) * 8);
  }

  /** Flushes appended rows to the table. */
  flush(): void {
    this.appender.flushSync();
  }

  /** Closes the appender and lifts the write-phase memory cap. */
  close(): void {
    this.appender.closeSync();
    this.uncap?.();
  }
}

/** Marks the rows whose value is not NaN valid; returns the NULL count. */
function nanValidity(valid: Uint8Array, data: Float64Array, off: number, len: number): number {
  let nulls = 0;
  for (let i = 0; i < len; i++) {
    const v = data[off + i]!;
    if (v === v) valid[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls;
}

/** Marks the rows whose value is not negative valid; returns the NULL count. */
function negativeValidity(valid: Uint8Array, data: Int32Array, off: number, len: number): number {
  let nulls = 0;
  for (let i = 0; i < len; i++) {
    if (data[off + i]! >= 0) valid[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls;
}
