/**
 * A trace whose requests all arrive within one millisecond (a batch job's burst, a log with
 * second-truncated times): the report's time buckets must cover the seconds the attempts take,
 * not the arrivals' span. The bucket width came from the last arrival alone, 1 ms / 60 buckets =
 * 0.02 ms, while the chart by send time ran over the ~30 s of retries and fallbacks: millions of
 * chart points, and a report of 5,000 requests took ~20 s.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-burst-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every `values` array of a Vega-Lite spec, wherever it sits (top level, layers, facets). */
function valuesOf(spec: unknown, out: unknown[][] = []): unknown[][] {
  if (spec && typeof spec === 'object') {
    const o = spec as Record<string, unknown>;
    if (Array.isArray(o.values)) out.push(o.values);
    for (const v of Object.values(o)) valuesOf(v, out);
  }
  return out;
}

it('a burst of simultaneous arrivals gets time buckets over its attempts, a few dozen per chart', async () => {
  const rows = Array.from({ length: 2000 }, (_, i) => `{"arrival_ms": ${i < 1000 ? 0 : 0.5}, "input_tokens": 10, "output_tokens": 5}\n`).join('');
  writeFileSync(path.join(dir, 'burst.jsonl'), rows);
  writeFileSync(
    path.join(dir, 'burst.yaml'),
    `name: burst
seed: 3
traffic:
  trace: { path: burst.jsonl }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  fallback: { use: fallback, options: { targets: [a, b] } }
`,
  );
  const io = memoryIo();
  const db = path.join(dir, 'burst.duckdb');
  expect(await runCli(['run', path.join(dir, 'burst.yaml'), '--db', db, '--out', path.join(dir, 'reports'), '--workers', '1'], io), io.stderr).toBe(0);

  // The attempts' reach, from the rows themselves: the buckets (1, 2 or 5 × 10^k ms) are the
  // smallest such width that splits it into at most 60.
  const s = await openStore(db);
  const [{ reach }] = await s.all<{ reach: number }>('SELECT max(end_ms) AS reach FROM attempts');
  s.close();
  expect(reach).toBeGreaterThan(1000);
  const widths = [1, 2, 5].flatMap((m) => [0, 1, 2, 3, 4, 5, 6, 7].map((k) => m * 10 ** k)).sort((x, y) => x - y);
  const bucketMs = widths.find((w) => w >= reach / 60)!;

  const share = JSON.parse(readFileSync(path.join(dir, 'reports/burst/latest/charts/target-share.vl.json'), 'utf8')) as unknown;
  // the share per target and bucket (a step line's breaks carry a null share at mid-bucket)
  const points = (valuesOf(share).flat() as { t_ms?: number; share?: unknown }[]).filter((p) => typeof p.share === 'number') as { t_ms: number }[];
  const times = [...new Set(points.map((p) => p.t_ms))].sort((x, y) => x - y);
  expect(times.length).toBeGreaterThan(1);
  expect(times.length).toBeLessThanOrEqual(61);
  expect(times.filter((t) => t % bucketMs !== 0)).toEqual([]);
  // and they reach the last attempt
  expect(times.at(-1)! + bucketMs).toBeGreaterThan(reach - bucketMs);
}, 120_000);
