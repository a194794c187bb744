/** Shared helpers for the log-importer tests (not a test file itself). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importTrace } from '../../../src/traffic/import-trace.js';
import type { TraceOptions } from '../../../src/traffic/read-trace.js';
import type { TrafficStats } from '../../../src/traffic/traffic-request.js';

/** Absolute path of a file in fixtures/logs/. */
export function logFixture(name: string): string {
  return fileURLToPath(new URL(`../../../fixtures/logs/${name}`, import.meta.url));
}

/** Runs `routebench import` on a file and returns the written rows, parsed, and the stats. */
export async function importRows(file: string, format: string, out: string, o: Partial<TraceOptions> = {}): Promise<{ rows: Record<string, unknown>[]; stats: TrafficStats; text: string }> {
  const stats = await importTrace({ file, format, ...o }, out);
  const text = readFileSync(out, 'utf8');
  return { rows: text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>), stats, text };
}
