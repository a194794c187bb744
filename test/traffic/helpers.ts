/** Shared helpers for the traffic-layer tests (not a test file itself). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { HarnessError } from '../../src/errors.js';
import { readTrace, type TraceOptions } from '../../src/traffic/read-trace.js';
import { newTrafficStats, type TrafficRequest, type TrafficStats } from '../../src/traffic/traffic-request.js';

/** Absolute path of a file in fixtures/traces/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/traces/${name}`, import.meta.url));
}

/** A fresh temporary directory; call the returned cleanup in afterEach. */
export function makeTempDir(): { dir: string; path(name: string): string; write(name: string, content: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'routebench-traffic-'));
  return {
    dir,
    path: (name) => join(dir, name),
    write(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Collected {
  batches: TrafficRequest[][];
  requests: TrafficRequest[];
  stats: TrafficStats;
}

/** Reads a whole trace (small files only). */
export async function collect(opts: TraceOptions): Promise<Collected> {
  const stats = newTrafficStats();
  const batches: TrafficRequest[][] = [];
  for await (const b of readTrace(opts, stats)) batches.push(b);
  return { batches, requests: batches.flat(), stats };
}

/** Awaits a promise that must reject with a HarnessError, and returns the error. */
export async function harnessError(p: Promise<unknown>): Promise<HarnessError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) throw new Error('expected a HarnessError, but the call succeeded');
  expect(caught).toBeInstanceOf(HarnessError);
  return caught as HarnessError;
}

/** One routebench JSONL line. */
export function rbLine(fields: Record<string, unknown>): string {
  return JSON.stringify({ route: 'r', input_tokens: 10, output_tokens: 5, ...fields });
}

/** Independent Azure timestamp reader: 100 ns units since 1970 as a BigInt (no floating point). */
export function azureTicks(ts: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{7})$/.exec(ts);
  if (!m) throw new Error(`unexpected timestamp ${ts}`);
  const days = BigInt(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
  const seconds = days * 86_400n + BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]));
  return seconds * 10_000_000n + BigInt(m[7]!);
}

/** Milliseconds between two tick counts, as a float (exact to 1e-4 ms before conversion). */
export function ticksToMs(delta: bigint): number {
  return Number(delta) / 10_000;
}
