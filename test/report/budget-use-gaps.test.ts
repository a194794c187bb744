/**
 * The budget chart's rows: every bucket from the start of the traffic to one past the last attempt,
 * the share used so far in the bucket's period. A daily budget whose traffic pauses across
 * midnight reads 0 after midnight until it spends again, not the day before's total. The oracle
 * sums the attempt rows' cost in JavaScript.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetUse } from '../../src/store/report-queries.js';
import { runYaml, type Ran } from '../helpers/run-yaml.js';

const MIN = 60_000;
const BUCKET = 2 * MIN;
let dir: string;
let ran: Ran;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-budget-use-'));
  // one call a minute from 23:00 to 23:29 and from 00:30 to 00:59 (calendar start 23:00 UTC)
  const minutes = [...Array(30).keys(), ...Array.from({ length: 30 }, (_, i) => 90 + i)];
  const file = join(dir, 'trace.jsonl');
  writeFileSync(file, `${minutes.map((m) => JSON.stringify({ arrival_ms: m * MIN, route: 'gpt-4o-mini', input_tokens: 1000, output_tokens: 100, stream: false })).join('\n')}\n`);
  ran = await runYaml(`
name: budget-use
seed: 1
traffic:
  trace: { path: ${JSON.stringify(file)} }
targets:
  p: { provider: openai, model: gpt-4o-mini, price: { input: 1, output: 1 }, mock: { profile: perfect } }
strategies:
  governed:
    use: budget
    options:
      inner: p
      calendar_start: '2026-11-02T23:00:00Z'
      budgets:
        - { name: daily, scope: all, limit_usd: 1, period: daily, action: block }
`);
});
afterAll(() => {
  ran?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('budget use over time', () => {
  it('has a row per bucket, restarts at midnight, and reads 0 until the next spend', async () => {
    const runNo = ran.run('governed');
    const rows = await budgetUse(ran.store, [runNo], BUCKET);
    const attempts = await ran.store.all<{ end_ms: number; cost_usd: number }>(`SELECT end_ms, cost_usd FROM attempts WHERE run_no = ${runNo}`);
    const lastBucket = Math.max(...attempts.map((a) => Math.floor(a.end_ms / BUCKET)));
    expect(rows.map((r) => r.t_ms)).toEqual(Array.from({ length: lastBucket + 2 }, (_, k) => k * BUCKET));
    for (const r of rows) {
      // the period of the bucket's start: the day before midnight (t < 60 min) or the day after
      const day = r.t_ms < 60 * MIN ? 0 : 1;
      const spent = attempts.filter((a) => Math.floor(a.end_ms / BUCKET) * BUCKET <= r.t_ms && (a.end_ms < 60 * MIN ? 0 : 1) === day).reduce((s, a) => s + a.cost_usd, 0);
      expect(r.used, `t = ${r.t_ms / MIN} min`).toBeCloseTo(spent / 1, 9);
    }
    // the premise: spend before midnight, none from 00:00 to 00:30
    expect(rows.find((r) => r.t_ms === 58 * MIN)!.used).toBeGreaterThan(0);
    expect(rows.filter((r) => r.t_ms >= 60 * MIN && r.t_ms < 90 * MIN).map((r) => r.used)).toEqual(Array(15).fill(0));
  });
});
