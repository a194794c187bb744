/**
 * Every bench case still runs: each at tiny sizes, once, with no timing asserted (timings belong
 * to `npm run bench`). A schema change, a renamed option or a moved file breaks this test instead
 * of the next full bench run. Also: `--help` lists the cases without running them, and the
 * appender's row-by-row path (columns derived from the table) stores the same rows as AttemptWriter.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCH_CASES, type CaseContext } from '../../bench/case-registry.js';
import { rowAppender } from '../../bench/row-appender.js';
import { newBatch } from '../../src/engine/attempt-rows.js';
import { openStore } from '../../src/store/open-store.js';
import { AttemptWriter } from '../../src/store/write-attempts.js';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'routebench-bench-smoke-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ctx: CaseContext = { runs: 1, tiny: true, tmp, root, env: { wallClock: () => new Date(Date.UTC(2026, 0, 1)), monotonicMs: () => performance.now(), harnessVersion: 'test', gitCommit: null, host: {} } };

/** Every number anywhere in a result. */
function numbers(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap(numbers);
  if (v && typeof v === 'object') return Object.values(v).flatMap(numbers);
  return [];
}

describe('bench cases at tiny sizes', () => {
  it.each(BENCH_CASES.map((c) => [c.name, c] as const))('%s runs', async (_name, c) => {
    const r = await c.run(ctx);
    const ns = numbers(r);
    expect(ns.length).toBeGreaterThan(2);
    expect(ns.every((x) => !Number.isNaN(x))).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    // A ceiling that answers nothing would make any ratio look good: the bare client's calls all succeed.
    if (c.name === 'mock-server-replay-stream') {
      const bare = r.bareClient as { completedPerS: { median: number }; failed: number };
      expect(bare.failed).toBe(0);
      expect(bare.completedPerS.median).toBeGreaterThan(0);
    }
  }, 180_000);
});

describe('bench CLI', () => {
  it('--help prints every case and runs none', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    for (const c of BENCH_CASES) expect(out).toContain(c.name);
    expect(out).not.toContain('"results"');
  });
});

describe('row-by-row appender (bench ceiling)', () => {
  it('stores exactly the rows AttemptWriter stores, column for column', async () => {
    const b = newBatch(7, 300);
    b.length = 300;
    for (let i = 0; i < 300; i++) {
      b.requestNo[i] = i;
      b.attemptNo[i] = i % 2;
      b.targetNo[i] = i % 5 === 0 ? -1 : i % 3;
      b.scheduledMs[i] = i * 1.25;
      b.sentMs[i] = i * 1.5;
      b.firstTokenMs[i] = i % 2 ? NaN : i * 1.75;
      b.endMs[i] = i * 2.5;
      b.outcome[i] = i % 6;
      b.httpStatus[i] = i % 4 === 0 ? -1 : 200 + i;
      b.errorKind[i] = i % 3 === 0 ? -1 : i % 5;
      b.retryable[i] = i & 1;
      b.retryAfterMs[i] = i % 7 === 0 ? i : NaN;
      b.tokensIn[i] = i * 3;
      b.tokensCached[i] = i;
      b.tokensOut[i] = i * 2;
      b.costUsd[i] = i / 1000;
      b.reasonNo[i] = i % 4;
      b.tagsetNo[i] = i % 2;
      b.routeNo[i] = 0;
      b.stream[i] = (i >> 1) & 1;
      b.incidentNo[i] = i % 9 === 0 ? 2 : -1;
      b.maxGapMs[i] = i % 8 === 0 ? i / 4 : NaN;
    }
    const a = await openStore(':memory:');
    const w = await AttemptWriter.open(a);
    w.append(b);
    w.close();
    const r = await openStore(':memory:');
    const app = await r.con.createAppender('attempts');
    rowAppender(app)(b);
    app.closeSync();
    const dump = async (s: typeof a) => JSON.stringify(await s.all('SELECT * FROM attempts ORDER BY request_no'));
    const [x, y] = [await dump(a), await dump(r)];
    expect(JSON.parse(x)).toHaveLength(300);
    expect(y).toBe(x);
    a.close();
    r.close();
  });
});
