/**
 * `routebench compare` must be right about what it calls a difference:
 * - identical invocations print identical bytes (exact, order-independent aggregates; seeded bootstrap);
 * - a difference that is floating-point rounding (every success costs the same) is not a "win";
 * - a run that did not finish is refused (exit 2), or compared over the common traffic window only;
 * - spending less because fewer requests succeeded is not a cost win.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareHandler, type CompareArgs } from '../../src/cli/commands/compare.js';
import { memoryIo } from '../../src/cli/io.js';
import { HarnessError } from '../../src/errors.js';
import { compareRuns, type ComparisonRow } from '../../src/report/compare-runs.js';
import { overallVerdict } from '../../src/report/comparison-markdown.js';
import { parseRegressionBudget } from '../../src/report/regression-budget.js';
import { baselineMarkdown, compareToBaseline } from '../../src/report/baseline-comparisons.js';
import { openStore } from '../../src/store/open-store.js';
import { runAggregates, type RunAggregates } from '../../src/store/comparison-queries.js';
import { ratioDiff, ratioValue, type RatioAggregate } from '../../src/report/stats/mean-ci.js';
import { practicallyZero, verdict } from '../../src/report/stats/verdict.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-compare-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = (db: string, o: Partial<CompareArgs>): CompareArgs => ({ db, all: false, resamples: 1000, seed: 1, 'allow-different': false, json: false, ...o });
const byMetric = (rows: readonly ComparisonRow[]) => Object.fromEntries(rows.map((r) => [r.metric, r]));

async function failure(p: Promise<unknown>): Promise<HarnessError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HarnessError);
  return e as HarnessError;
}

describe('compare: identical invocations, identical bytes', () => {
  it('per-run aggregates are bit-identical on every call over 300,000 requests per run (parallel aggregation)', async () => {
    const ran = await runYaml(twoTargetYaml({ a: '{ profile: flaky }', strategies: '  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }' }));
    // 150 copies of each run's 2,000 requests: enough rows for DuckDB to aggregate in parallel,
    // where a floating-point var_samp depends on the order the threads meet the rows (the old
    // aggregates differed in the last bits from one call to the next).
    await ran.store.run(`INSERT INTO attempts SELECT a.* REPLACE (a.request_no + 2000 * k.k AS request_no) FROM attempts a, (SELECT range AS k FROM range(1, 150)) k`);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(JSON.stringify(await runAggregates(ran.store, ran.run('fallback'))));
    expect(seen.size).toBe(1);
    const agg = JSON.parse([...seen][0]!) as RunAggregates;
    expect(agg.requests).toBe(300_000);
    // Oracle: the copies repeat one run 150 times, so means are the 2,000-request run's and the
    // sample variance is its population variance scaled by N/(N − 1).
    const [one] = await ran.store.all<{ m: number; v: number }>(
      `SELECT avg(attempts)::DOUBLE AS m, var_pop(attempts)::DOUBLE AS v FROM requests WHERE run_no = ${ran.run('fallback')} AND request_no < 2000`,
    );
    expect(agg.mean_attempts).toBeCloseTo(one!.m, 12);
    expect(agg.var_attempts!).toBeCloseTo((one!.v * 300_000) / 299_999, 12);
    ran.store.close();
  });

  it('prints the same Markdown and JSON on every invocation', async () => {
    const db = path.join(dir, 'twice.duckdb');
    const store = await openStore(db);
    const ran = await runYaml(twoTargetYaml({ a: '{ profile: flaky }', strategies: '  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }' }), { store });
    store.close();
    const [b, c] = [String(ran.run('single')), String(ran.run('fallback'))];
    const outputs: string[] = [];
    for (const json of [true, true, false, false]) {
      const io = memoryIo();
      expect(await compareHandler(args(db, { baseline: b, candidate: c, json }), io)).toBe(0);
      outputs.push(io.stdout);
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[3]).toBe(outputs[2]);
  });
});

describe('compare: a zero difference is not a win', () => {
  it('every success costs the same: cost per success is a tie, not a significant −1e-16', async () => {
    // Same price on both targets, constant tokens, no caching, no streaming: every successful
    // request costs exactly the same; failures (server errors before any token) cost nothing.
    const yaml = `
name: zero
seed: 3
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 20 }
    count: 3000
    input_tokens: { dist: constant, value: 777 }
    output_tokens: { dist: constant, value: 333 }
    stream: 0
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.3 } } }
  b: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.1 } } }
strategies:
  on-a: { use: single, options: { target: a } }
  on-b: { use: single, options: { target: b } }
`;
    const ran = await runYaml(yaml);
    const [{ distinct }] = await ran.store.all<{ distinct: number }>(`SELECT count(DISTINCT cost_usd)::INTEGER AS distinct FROM requests WHERE success`);
    expect(distinct).toBe(1);
    const rows = byMetric(await compareRuns({ store: ran.store, runNo: ran.run('on-a') }, { store: ran.store, runNo: ran.run('on-b') }));
    const cost = rows.cost_per_1k_usd!;
    expect(Math.abs(cost.delta!)).toBeLessThan(1e-9);
    expect(cost.verdict).toBe('tie');
    // The success difference is real and stays a win.
    expect(rows.success_rate!.verdict).toBe('win');
    ran.store.close();
  });
});

describe('compare: partial runs', () => {
  // An incident from 150 s: a run interrupted before it looks better than it is.
  const yaml = twoTargetYaml({
    count: 12_000,
    rate: 50,
    a: '{ profile: typical }',
    strategies: '  single: { use: single, options: { target: a } }',
    incidents: '[{ name: down, kind: outage, targets: [a], start: 150s, duration: 60s }]',
  });

  async function runs(): Promise<{ db: string; complete: string; partial: string }> {
    const db = path.join(dir, `partial-${Math.random().toString(36).slice(2)}.duckdb`);
    const store = await openStore(db);
    const full = await runYaml(yaml, { store });
    const controller = new AbortController();
    let batches = 0;
    const cut = await runYaml(yaml, {
      store,
      signal: controller.signal,
      onProgress: () => {
        if (++batches === 2) controller.abort();
      },
    });
    expect(cut.result.interrupted).toBe(true);
    const ids = await store.all<{ run_id: string; status: string }>(`SELECT run_id, status FROM runs ORDER BY run_no`);
    store.close();
    expect(ids.map((r) => r.status)).toEqual(['ok', 'interrupted']);
    void full;
    return { db, complete: ids[0]!.run_id, partial: ids[1]!.run_id };
  }

  it('refuses an interrupted run with exit 2, naming it, even with --max-regression', async () => {
    const { db, complete, partial } = await runs();
    const e = await failure(compareHandler(args(db, { baseline: complete, candidate: partial, 'max-regression': ['success_rate=1pp'] }), memoryIo()));
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe('RUN_PARTIAL');
    expect(e.message).toContain(`candidate run ${partial} is interrupted`);
    expect(e.hint).toMatch(/--allow-partial/);
  });

  it('--allow-partial compares the common traffic window only, and says so', async () => {
    const { db, complete, partial } = await runs();
    const io = memoryIo();
    expect(await compareHandler(args(db, { baseline: complete, candidate: partial, 'allow-partial': true, json: true }), io)).toBe(0);
    const [json] = JSON.parse(io.stdout) as { rows: ComparisonRow[]; window: { untilMs: number; partial: { role: string; runId: string; status: string }[] }; overall: string }[];
    expect(json!.window.partial).toEqual([{ role: 'candidate', runId: partial, status: 'interrupted' }]);
    // The same scenario, strategy and seed: over the common window the two runs are the same
    // requests with the same luck, so every value is equal and nothing is significant.
    for (const r of json!.rows) {
      expect(r.candidate, r.metric).toBe(r.baseline);
      expect(r.verdict === 'tie' || r.verdict === null, r.metric).toBe(true);
      expect(r.n.candidate, r.metric).toBe(r.n.baseline);
    }
    expect(json!.window.untilMs).toBeLessThan(150_000);
    expect(json!.rows[0]!.n.baseline).toBeLessThan(12_000);
    const md = memoryIo();
    await compareHandler(args(db, { baseline: complete, candidate: partial, 'allow-partial': true }), md);
    expect(md.stdout).toContain(`**Partial run** (compared with --allow-partial): candidate \`${partial}\` is interrupted. Only the common traffic window is compared`);
  });
});

describe('compare: cost is judged per successful request', () => {
  it('spending less because fewer requests succeeded is context, not a win', async () => {
    const ran = await runYaml(
      twoTargetYaml({
        a: '{ profile: typical, errors: { server_error: 0.3 } }',
        strategies: '  fallback: { use: fallback, options: { targets: [a, b] } }\n  single: { use: single, options: { target: a } }',
      }),
    );
    const rows = await compareRuns({ store: ran.store, runNo: ran.run('fallback') }, { store: ran.store, runNo: ran.run('single') });
    const m = byMetric(rows);
    expect(m.success_rate!.verdict).toBe('loss');
    const total = m.total_cost_usd!;
    expect(total.delta!).toBeLessThan(0);
    expect(total.judged).toBe(false);
    const pp = ((m.success_rate!.candidate! - m.success_rate!.baseline!) * 100).toFixed(2);
    expect(total.note).toBe(`success \u2212${pp.slice(1)} pp: less spent because fewer requests succeeded; compare cost per 1k ok`);
    expect(overallVerdict(rows)).not.toMatch(/total cost/);
    ran.store.close();
  });
});

describe('verdict: a floating-point difference is not a difference', () => {
  it('cost per success of runs whose every success costs c: the ratio may differ in the last bit, the verdict is a tie', () => {
    // Each run: n requests, S succeed at cost c, failures cost 0. Exact sums as the SQL gives them.
    const c = 0.00031635;
    const agg = (n: number, s: number): RatioAggregate => {
      const p = s / n;
      const k = n / (n - 1);
      return { n, meanNum: (s * c) / n, meanDen: p, varNum: c * c * p * (1 - p) * k, varDen: p * (1 - p) * k, covNumDen: c * p * (1 - p) * k };
    };
    let noisy = 0;
    for (let s = 1500; s < 2999; s += 7) {
      const ci = ratioDiff(agg(3000, 2118), agg(3000, s), 1000)!;
      const magnitude = Math.max(ratioValue(agg(3000, 2118), 1000)!, ratioValue(agg(3000, s), 1000)!);
      if (ci.delta !== 0) {
        noisy++;
        expect(Math.abs(ci.delta)).toBeLessThan(1e-12);
      }
      expect(verdict(ci, 'lower', magnitude), `S=${s}: Δ ${ci.delta} [${ci.lo}, ${ci.hi}]`).toBe('tie');
    }
    // The case the rule exists for does occur: Δ of a few 1e-16 with a zero-width interval.
    expect(noisy).toBeGreaterThan(0);
  });

  it('a zero-width interval at −8.9e-16 on a value of 0.32 is a tie; a real difference still wins', () => {
    expect(verdict({ delta: -8.9e-16, lo: -8.9e-16, hi: -8.9e-16 }, 'lower', 0.316)).toBe('tie');
    expect(verdict({ delta: -0.01, lo: -0.012, hi: -0.008 }, 'lower', 0.316)).toBe('win');
    expect(practicallyZero(0.3e-6, 1)).toBe(true);
    expect(practicallyZero(2e-6, 1)).toBe(false);
  });
});

describe("the run report's comparisons with the baseline", () => {
  it('compare an interrupted run group over its common traffic window, and say so', async () => {
    const controller = new AbortController();
    let batches = 0;
    const ran = await runYaml(twoTargetYaml({ count: 12_000, rate: 50, a: '{ profile: flaky }', strategies: '  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }' }), {
      signal: controller.signal,
      onProgress: () => {
        if (++batches === 2) controller.abort();
      },
    });
    expect(ran.result.interrupted).toBe(true);
    const runs = [
      { runNo: ran.run('single'), strategy: 'single' },
      { runNo: ran.run('fallback'), strategy: 'fallback' },
    ];
    const [comp] = await compareToBaseline(ran.store, runs, 200);
    expect(comp!.untilMs).toBeGreaterThan(0);
    const [{ n }] = await ran.store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM requests WHERE run_no = ${ran.run('fallback')} AND scheduled_ms < ${comp!.untilMs}`);
    expect(comp!.rows.find((r) => r.metric === 'success_rate')!.n.candidate).toBe(n);
    expect(baselineMarkdown('single', [comp!])).toMatch(/\| fallback \(requests before \d+m\d+s only: a run did not finish\) \|/);
    ran.store.close();
  });
});

describe('the (all) latencies in budgets', () => {
  it('p99_all names p99_latency_all_ms in --max-regression', () => {
    expect(parseRegressionBudget(['p99_all=5%', 'p50_all=100'])).toEqual([
      { source: 'p99_all=5%', metric: 'p99_latency_all_ms', amount: 5, unit: 'relative' },
      { source: 'p50_all=100', metric: 'p50_latency_all_ms', amount: 100, unit: 'absolute' },
    ]);
  });
});
