/**
 * The engine and writer hot path, each beside its ceiling measured in the same process and run:
 *   simulate-fallback-1m  end to end (engine → DuckDB file) as `routebench run` does it by default
 *                         (the engine in a worker thread, rows appended on the main thread) and on
 *                         the main thread alone (--workers 1), vs the engine alone with a null sink
 *                         (same scenario, rows built and dropped); ratio e2e ÷ engine-alone. Its
 *                         arms run in one process on the built package (fallback-arms.ts).
 *   duckdb-write-path     AttemptWriter (typed arrays → data chunks) vs the raw appender: prebuilt
 *                         chunks appended (the native ceiling) and values appended row by row; plus
 *                         a Parquet round trip of the same rows (the per-worker Parquet alternative).
 * Arms alternate within each run, so machine load hits both alike.
 */
import path from 'node:path';
import { openStore } from '../src/store/open-store.js';
import { AttemptWriter } from '../src/store/write-attempts.js';
import { newBatch, type AttemptBatch } from '../src/engine/attempt-rows.js';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { fallbackScenario } from './cases.js';
import { rowAppender } from './row-appender.js';
import { fallbackArms } from './fallback-arms.js';
import type { CaseContext } from './case-registry.js';
import { freshDb, gc, median, round, stat } from './util.js';

export const E2E_OVER_ENGINE_TARGET = 0.6;

export async function simulateFallback(ctx: CaseContext): Promise<Record<string, unknown>> {
  const n = ctx.tiny ? 2000 : 1_000_000;
  const { rate, rows, workers } = fallbackArms(ctx, fallbackScenario(n), n);
  const ratios = rate.workers.map((x, i) => x / rate.alone[i]!);
  return {
    code: ctx.tiny ? 'sources (tsx), one node process' : 'built package (dist/), one node process',
    requests: n,
    attemptRows: rows,
    workers,
    requestsPerS: stat(rate.workers),
    mainThreadRequestsPerS: stat(rate.main),
    engineAloneRequestsPerS: stat(rate.alone),
    e2eOverEngineAlone: stat(ratios, 3),
    mainThreadOverEngineAlone: stat(rate.main.map((x, i) => x / rate.alone[i]!), 3),
    // the default arm without DuckDB: a fresh simulate worker, batches dropped on arrival
    engineInWorkerRequestsPerS: stat(rate.thread),
    e2eOverEngineInWorker: stat(rate.workers.map((x, i) => x / rate.thread[i]!), 3),
    target: E2E_OVER_ENGINE_TARGET,
    met: median(ratios) >= E2E_OVER_ENGINE_TARGET,
  };
}

function syntheticBatch(size: number): AttemptBatch {
  const b = newBatch(1, size);
  b.length = size;
  for (let i = 0; i < size; i++) {
    b.requestNo[i] = i;
    b.attemptNo[i] = i % 3;
    b.targetNo[i] = i % 3;
    b.scheduledMs[i] = i * 1.7;
    b.sentMs[i] = i * 1.7;
    b.firstTokenMs[i] = i % 2 ? NaN : i * 1.9;
    b.endMs[i] = i * 2.3;
    b.outcome[i] = i % 20 === 0 ? 1 : 0;
    b.httpStatus[i] = i % 20 === 0 ? 500 : 200;
    b.errorKind[i] = i % 20 === 0 ? 3 : -1;
    b.retryable[i] = i % 20 === 0 ? 1 : 0;
    b.retryAfterMs[i] = NaN;
    b.tokensIn[i] = 1000 + (i % 77);
    b.tokensCached[i] = 0;
    b.tokensOut[i] = 100 + (i % 13);
    b.costUsd[i] = 0.0001 * (i % 100);
    b.reasonNo[i] = i % 4;
    b.tagsetNo[i] = i % 2;
    b.routeNo[i] = 0;
    b.stream[i] = i & 1;
    b.incidentNo[i] = -1;
    b.maxGapMs[i] = i % 7 === 0 ? 3.5 : NaN;
  }
  return b;
}

export async function writePath(ctx: CaseContext): Promise<Record<string, unknown>> {
  const size = 16_384;
  const batches = ctx.tiny ? 1 : 64; // 1,048,576 rows
  const n = size * batches;
  const batch = syntheticBatch(size);
  const ours: number[] = [];
  const chunks: number[] = [];
  const rowwise: number[] = [];
  const parquetOut: number[] = [];
  const parquetIn: number[] = [];
  const rate = (t0: number) => (n / (performance.now() - t0)) * 1000;
  for (let i = 0; i < ctx.runs; i++) {
    // routebench: typed arrays copied column-wise into data chunks
    let store = await openStore(freshDb(ctx.tmp, 'write'));
    const w = await AttemptWriter.open(store);
    let t0 = performance.now();
    for (let k = 0; k < batches; k++) w.append(batch);
    w.flush();
    w.close();
    ours.push(rate(t0));
    // the per-worker Parquet alternative: the same rows out to Parquet and back into a table
    const pq = path.join(ctx.tmp, 'write.parquet');
    t0 = performance.now();
    await store.run(`COPY attempts TO '${pq}' (FORMAT parquet)`);
    parquetOut.push(rate(t0));
    t0 = performance.now();
    await store.run(`CREATE TABLE again AS SELECT * FROM attempts LIMIT 0; INSERT INTO again SELECT * FROM read_parquet('${pq}')`);
    parquetIn.push(rate(t0));
    store.close();
    // the appender's native ceiling: the same chunks, filled beforehand, appended
    store = await openStore(freshDb(ctx.tmp, 'write-chunks'));
    const filler = await AttemptWriter.open(store);
    const prebuilt: DuckDBDataChunk[] = [];
    for (let off = 0; off < size; off += 2048) prebuilt.push(filler.fillChunk(batch, off, 2048));
    filler.close();
    const a = await store.con.createAppender('attempts');
    t0 = performance.now();
    for (let k = 0; k < batches; k++) for (const c of prebuilt) a.appendDataChunk(c);
    a.flushSync();
    a.closeSync();
    chunks.push(rate(t0));
    store.close();
    // the appender row by row: one typed append per value
    store = await openStore(freshDb(ctx.tmp, 'write-raw'));
    const raw = await store.con.createAppender('attempts');
    const append = rowAppender(raw);
    t0 = performance.now();
    for (let k = 0; k < batches; k++) append(batch);
    raw.flushSync();
    raw.closeSync();
    rowwise.push(rate(t0));
    store.close();
  }
  return {
    rows: n,
    writerRowsPerS: stat(ours),
    rawChunkAppendRowsPerS: stat(chunks),
    rowByRowRowsPerS: stat(rowwise),
    writerOverRawChunks: round(median(ours) / median(chunks), 3),
    writerOverRowByRow: round(median(ours) / median(rowwise), 2),
    parquetExportRowsPerS: stat(parquetOut),
    parquetInsertRowsPerS: stat(parquetIn),
  };
}
