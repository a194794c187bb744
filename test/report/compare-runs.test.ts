import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../src/errors.js';
import { compareRuns, type ComparisonRow } from '../../src/report/compare-runs.js';
import { METRIC_ORDER } from '../../src/report/comparison-metrics.js';
import { findRun } from '../../src/report/run-identity.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { attemptHash, runYaml, twoTargetYaml, type Ran } from '../helpers/run-yaml.js';

const strategies = `
  single: { use: single, options: { target: a } }
  single-again: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }`;
const yaml = twoTargetYaml({ a: '{ profile: flaky }', strategies });

let ran: Ran;
beforeAll(async () => {
  ran = await runYaml(yaml);
});
afterAll(() => ran.store.close());

const side = (label: string) => ({ store: ran.store, runNo: ran.run(label) });
const byMetric = (rows: ComparisonRow[]) => Object.fromEntries(rows.map((r) => [r.metric, r]));

async function rejection(p: Promise<unknown>): Promise<HarnessError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HarnessError);
  return e as HarnessError;
}

describe('compareRuns', () => {
  it('calls identical runs a tie on every metric, with every interval containing 0', async () => {
    expect(await attemptHash(ran.store, ran.run('single'))).toBe(await attemptHash(ran.store, ran.run('single-again')));
    const rows = await compareRuns(side('single'), side('single-again'), { resamples: 1000, seed: 1 });
    expect(rows.map((r) => r.metric)).toEqual(METRIC_ORDER);
    for (const r of rows) {
      expect(r.verdict, r.metric).toBe('tie');
      expect(r.delta, r.metric).toBeCloseTo(0, 12);
      expect(r.ci!.lo, r.metric).toBeLessThanOrEqual(0);
      expect(r.ci!.hi, r.metric).toBeGreaterThanOrEqual(0);
      expect(r.baseline).toBe(r.candidate);
    }
  });

  it('calls fallback over a flaky target a win on success rate, and says what it costs', async () => {
    const rows = byMetric(await compareRuns(side('single'), side('fallback')));
    const s = rows.success_rate!;
    expect(s.verdict).toBe('win');
    expect(s.ci!.lo).toBeGreaterThan(0);
    expect(s.delta).toBeCloseTo(s.candidate! - s.baseline!, 12);
    expect(s.n).toEqual({ baseline: 2000, candidate: 2000 });
    expect(rows.failover_rate!.verdict).toBe('loss');
    expect(rows.mean_attempts!.verdict).toBe('loss');
    expect(rows.mean_attempts!.deltaPct).toBeCloseTo((rows.mean_attempts!.delta! / rows.mean_attempts!.baseline!) * 100, 9);
    // The reverse comparison mirrors it.
    const back = byMetric(await compareRuns(side('fallback'), side('single')));
    expect(back.success_rate!.verdict).toBe('loss');
    expect(back.success_rate!.ci!.hi).toBeCloseTo(-s.ci!.lo, 12);
  });

  it('matches the summary query for every point value', async () => {
    const rows = byMetric(await compareRuns(side('single'), side('fallback')));
    const [sum] = await ran.store.all<Record<string, number>>(`
      SELECT avg(success::INTEGER) AS success_rate, quantile_cont(latency_ms, 0.99) FILTER (WHERE success) AS p99_latency_ms,
        quantile_cont(ttft_ms, 0.5) FILTER (WHERE success AND stream) AS p50_ttft_ms, avg(attempts) AS mean_attempts,
        sum(cost_usd::DECIMAL(38, 12))::DOUBLE / count(*) FILTER (WHERE success) * 1000 AS cost_per_1k_usd,
        sum(cost_usd::DECIMAL(38, 12))::DOUBLE AS total_cost_usd
      FROM requests WHERE run_no = ${ran.run('fallback')}`);
    for (const [metric, value] of Object.entries(sum!)) expect(rows[metric]!.candidate, metric).toBeCloseTo(value, 9);
  });

  it('is reproducible for a seed and changes only the bootstrap intervals with another seed', async () => {
    const a = await compareRuns(side('single'), side('fallback'), { seed: 5 });
    const b = await compareRuns(side('single'), side('fallback'), { seed: 5 });
    // Exact aggregates and a seeded bootstrap: bit for bit, intervals included.
    expect(b).toEqual(a);
    const quantiles = (rows: ComparisonRow[]) => rows.filter((r) => r.method === 'bootstrap');
    const c = await compareRuns(side('single'), side('fallback'), { seed: 6 });
    expect(quantiles(b)).toEqual(quantiles(a));
    const p99 = (rows: ComparisonRow[]) => rows.find((r) => r.metric === 'p99_latency_ms')!;
    expect(p99(c).delta).toBe(p99(a).delta);
    expect(p99(c).ci).not.toEqual(p99(a).ci);
    expect(c.find((r) => r.metric === 'success_rate')).toEqual(a.find((r) => r.metric === 'success_rate'));
  });

  it('compares runs that live in two different DuckDB files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-compare-'));
    const stores: Store[] = [];
    try {
      for (const name of ['one', 'two']) {
        const store = await openStore(path.join(dir, `${name}.duckdb`));
        stores.push(store);
        await runYaml(yaml, { store });
      }
      const runs = await stores[0]!.all<{ run_id: string }>(`SELECT run_id FROM runs WHERE strategy = 'single'`);
      const base = await findRun(stores[0]!, runs[0]!.run_id, 'baseline');
      const cand = await findRun(stores[1]!, String(base.runNo), 'candidate');
      const rows = await compareRuns({ store: stores[0]!, runNo: base.runNo }, { store: stores[1]!, runNo: cand.runNo });
      expect(rows.every((r) => r.verdict === 'tie' && Math.abs(r.delta!) < 1e-12)).toBe(true);
    } finally {
      for (const s of stores) s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses runs of different scenarios, naming what differs, unless allowDifferent', async () => {
    const other = await runYaml(twoTargetYaml({ a: '{ profile: flaky }', strategies }).replace('name: t', 'name: u'), { store: ran.store });
    const e = await rejection(compareRuns(side('single'), { store: ran.store, runNo: other.run('fallback') }));
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe('RUNS_NOT_COMPARABLE');
    expect(e.message).toMatch(/scenario name: baseline "t", candidate "u"/);
    expect(e.message).toMatch(/scenario_hash \(the scenario file's content\): baseline [0-9a-f]{12}…, candidate [0-9a-f]{12}…/);
    expect(e.hint).toMatch(/--allow-different/);

    const reseeded = await runYaml(twoTargetYaml({ seed: 2, a: '{ profile: flaky }', strategies }), { store: ran.store });
    const e2 = await rejection(compareRuns(side('single'), { store: ran.store, runNo: reseeded.run('single') }));
    expect(e2.message).not.toMatch(/scenario name/);
    expect(e2.message).toMatch(/scenario_hash/);

    const rows = await compareRuns(side('single'), { store: ran.store, runNo: other.run('fallback') }, { allowDifferent: true });
    expect(rows.find((r) => r.metric === 'success_rate')!.verdict).toBe('win');
  });

  it('refuses an unknown run, listing the nearest and the most recent run ids', async () => {
    const single = ran.result.runs.find((r) => r.strategy === 'single')!.runId;
    const e = await rejection(findRun(ran.store, single.replace('single', 'singel'), 'baseline'));
    expect(e.code).toBe('RUN_UNKNOWN');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`did you mean "${single}"?`);
    expect(e.message).toMatch(/\(most recent: ([^,)]+, ){4}[^,)]+\)$/);
    const byNo = await rejection(compareRuns(side('single'), { store: ran.store, runNo: 9999 }));
    expect(byNo.message).toMatch(/unknown candidate run "9999" .*\(most recent: /);
    expect(await findRun(ran.store, String(ran.run('fallback')), 'candidate')).toMatchObject({ strategy: 'fallback', scenario: 't' });
  });

  it('refuses an empty run', async () => {
    await ran.store.run(`INSERT INTO runs SELECT * REPLACE (777 AS run_no, 't.empty' AS run_id, 'running' AS status) FROM runs WHERE run_no = ${ran.run('single')}`);
    const e = await rejection(compareRuns(side('single'), { store: ran.store, runNo: 777 }));
    expect(e.code).toBe('RUN_EMPTY');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('candidate run t.empty has no requests (status running)');
  });

  it('refuses a bad number of resamples', async () => {
    const e = await rejection(compareRuns(side('single'), side('fallback'), { resamples: 10 }));
    expect(e.code).toBe('BAD_RESAMPLES');
  });
});
