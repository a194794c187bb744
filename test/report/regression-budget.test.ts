import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../src/errors.js';
import type { ComparisonRow } from '../../src/report/compare-runs.js';
import { COMPARISON_METRICS, type ComparisonMetric } from '../../src/report/comparison-metrics.js';
import { checkRegressionBudget, parseRegressionBudget, REGRESSION_GRAMMAR } from '../../src/report/regression-budget.js';
import { verdict } from '../../src/report/stats/verdict.js';
import { compareRuns } from '../../src/report/compare-runs.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

function parseError(specs: string[]): HarnessError {
  try {
    parseRegressionBudget(specs);
  } catch (e) {
    expect(e).toBeInstanceOf(HarnessError);
    return e as HarnessError;
  }
  throw new Error('expected a parse error');
}

/** A comparison row with a given baseline, delta and interval. */
function row(metric: ComparisonMetric, baseline: number, delta: number, lo: number, hi: number): ComparisonRow {
  const info = COMPARISON_METRICS[metric];
  return {
    metric,
    label: info.label,
    unit: info.unit,
    direction: info.direction,
    method: info.method,
    baseline,
    candidate: baseline + delta,
    delta,
    deltaPct: (delta / baseline) * 100,
    ci: { lo, hi },
    verdict: verdict({ lo, hi }, info.direction),
    n: { baseline: 1000, candidate: 1000 },
    judged: true,
  };
}

describe('--max-regression parsing', () => {
  it('reads relative, percentage-point and absolute budgets, with aliases, separated by spaces or commas', () => {
    expect(parseRegressionBudget(['p99_latency_ms=5%', 'success_rate=0.1pp cost=2%', 'p95=250,attempts=0.05', 'failover=1PP'])).toEqual([
      { source: 'p99_latency_ms=5%', metric: 'p99_latency_ms', amount: 5, unit: 'relative' },
      { source: 'success_rate=0.1pp', metric: 'success_rate', amount: 0.1, unit: 'pp' },
      { source: 'cost=2%', metric: 'cost_per_1k_usd', amount: 2, unit: 'relative' },
      { source: 'p95=250', metric: 'p95_latency_ms', amount: 250, unit: 'absolute' },
      { source: 'attempts=0.05', metric: 'mean_attempts', amount: 0.05, unit: 'absolute' },
      { source: 'failover=1PP', metric: 'failover_rate', amount: 1, unit: 'pp' },
    ]);
    expect(parseRegressionBudget([])).toEqual([]);
  });

  it('lists every malformed entry at once, exit 2, with the grammar in the hint', () => {
    const e = parseError(['p99_latency_ms5%', 'p99_latncy_ms=5%', 'p99_latency_ms=5pp', 'cost=-2%', 'cost=2%', 'cost_per_1k_usd=3%', 'total_cost=1x']);
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe('BAD_REGRESSION_BUDGET');
    expect(e.hint).toBe(`expected ${REGRESSION_GRAMMAR}`);
    expect(e.hint).toContain('cost → cost_per_1k_usd');
    expect(e.problems.map((p) => p.message)).toEqual([
      '"p99_latency_ms5%": cannot parse; expected metric=number[%|pp], e.g. p99_latency_ms=5%',
      '"p99_latncy_ms=5%": unknown metric "p99_latncy_ms"; did you mean "p99_latency_ms"?',
      '"p99_latency_ms=5pp": pp (percentage points) applies to rates (success_rate, failover_rate); give p99_latency_ms in % or as an absolute number',
      '"cost=-2%": cannot parse; expected metric=number[%|pp], e.g. p99_latency_ms=5%',
      '"cost_per_1k_usd=3%": cost_per_1k_usd already has a budget ("cost=2%")',
      '"total_cost=1x": cannot parse; expected metric=number[%|pp], e.g. p99_latency_ms=5%',
    ]);
    expect(e.problems.every((p) => p.path === '--max-regression')).toBe(true);
  });
});

describe('regression budget evaluation', () => {
  const [p99, success, cost] = parseRegressionBudget(['p99_latency_ms=5%', 'success_rate=0.1pp', 'cost=10']);

  it('fails only a regression that is significant and over budget', () => {
    const rows = [row('p99_latency_ms', 1000, 80, 20, 140), row('success_rate', 0.99, -0.002, -0.003, -0.001), row('cost_per_1k_usd', 100, 5, 1, 9)];
    const { checks, exceeded } = checkRegressionBudget([p99!, success!, cost!], rows);
    expect(exceeded).toBe(true);
    expect(checks.map((c) => [c.entry.metric, c.exceeded, +c.regression!.toFixed(6)])).toEqual([
      ['p99_latency_ms', true, 8],
      ['success_rate', true, 0.2],
      ['cost_per_1k_usd', false, 5],
    ]);
    expect(checks[0]!.reason).toBe('worse by 8%, over the 5% budget, and significant (95% CI excludes 0)');
    expect(checks[2]!.reason).toBe('worse by 5, within the 10 budget');
  });

  it('never fails on noise: a large change whose interval includes 0 passes', () => {
    const { checks, exceeded } = checkRegressionBudget([p99!], [row('p99_latency_ms', 1000, 300, -50, 650)]);
    expect(exceeded).toBe(false);
    expect(checks[0]!.verdict).toBe('tie');
    expect(checks[0]!.reason).toBe('worse by 30% (over the 5% budget) but not significant: the 95% CI includes 0');
  });

  it('never fails on improvements, and judges the direction per metric', () => {
    const rows = [row('p99_latency_ms', 1000, -300, -400, -200), row('success_rate', 0.9, 0.09, 0.08, 0.1)];
    const { checks, exceeded } = checkRegressionBudget([p99!, success!], rows);
    expect(exceeded).toBe(false);
    expect(checks.map((c) => [c.verdict, c.regression, c.reason])).toEqual([
      ['win', 0, 'not worse (budget 5%)'],
      ['win', 0, 'not worse (budget 0.1 pp)'],
    ]);
  });

  it('does not judge a metric without data', () => {
    const empty: ComparisonRow = { ...row('p99_latency_ms', 1000, 0, 0, 0), candidate: null, delta: null, deltaPct: null, ci: null, verdict: null };
    const { checks, exceeded } = checkRegressionBudget([p99!], [empty]);
    expect(exceeded).toBe(false);
    expect(checks[0]!.reason).toBe('no data to judge p99_latency_ms (budget 5%)');
  });

  it('a candidate with no successful request exceeds a latency or cost budget when its success rate is significantly lower', () => {
    // the candidate answered none of its 1,000 requests: p99 and cost per 1k ok have no value there
    const gone = (metric: ComparisonMetric): ComparisonRow => ({ ...row(metric, 1000, 0, 0, 0), candidate: null, delta: null, deltaPct: null, ci: null, verdict: null, n: { baseline: 990, candidate: 0 } });
    const success = (lo: number, hi: number): ComparisonRow => ({ ...row('success_rate', 0.99, -0.99, lo, hi) });
    const budget = parseRegressionBudget(['p99=5%', 'cost=5%']);
    const lost = checkRegressionBudget(budget, [success(-0.995, -0.98), gone('p99_latency_ms'), gone('cost_per_1k_usd')]);
    expect(lost.exceeded).toBe(true);
    expect(lost.checks.map((c) => c.exceeded)).toEqual([true, true]);
    expect(lost.checks[0]!.reason).toBe('the candidate has no successful request (success 0% against 99%), so no p99 latency: worse without bound, and its success rate is significantly lower (95% CI excludes 0): over the 5% budget');
    // two requests a side: the success difference is not significant, so the budget cannot fail, and says why
    const few = checkRegressionBudget(budget, [success(-1, 0.1), { ...gone('p99_latency_ms'), n: { baseline: 2, candidate: 0 } }, { ...gone('cost_per_1k_usd'), n: { baseline: 2, candidate: 0 } }]);
    expect(few.exceeded).toBe(false);
    expect(few.checks[1]!.reason).toMatch(/^the candidate has no successful request .*so no cost per 1k ok: worse without bound, but too few requests to tell .*this budget cannot fail \(budget 5%\)$/);
  });

  it('names what a mean needs when it has no interval (one request a side), not what a percentile needs', () => {
    const one: ComparisonRow = { ...row('mean_attempts', 1, 1, 0, 0), ci: null, verdict: null, n: { baseline: 1, candidate: 1 } };
    const [check] = checkRegressionBudget(parseRegressionBudget(['attempts=10%']), [one]).checks;
    expect(check!.reason).toBe('not judged: too few values for a 95% interval (1 and 1; the interval needs at least 2 on each side), so this budget cannot fail; worse by 100% (budget 10%)');
  });

  it('says a budget cannot fail when both values exist but there is no interval (p99 of 866 requests), rather than "no data"', () => {
    const few: ComparisonRow = { ...row('p99_latency_ms', 1000, 200, 0, 0), ci: null, verdict: null, n: { baseline: 866, candidate: 866 } };
    const { checks, exceeded } = checkRegressionBudget([p99!], [few]);
    expect(exceeded).toBe(false);
    expect(checks[0]!.regression).toBeCloseTo(20, 12);
    expect(checks[0]!.reason).toBe('not judged: too few values for a 95% interval (866 and 866; a percentile needs 10 beyond it on each side), so this budget cannot fail; worse by 20% (budget 5%)');
  });

  it('end to end: a candidate whose every request fails does not pass a p99 budget (compare on real runs)', async () => {
    const { store, run } = await runYaml(
      twoTargetYaml({ count: 300, a: '{ profile: perfect }', incidents: '[{ kind: outage, targets: [b], start: 0s, duration: 1h }]', strategies: '  on-a: { use: single, options: { target: a } }\n  on-b: { use: single, options: { target: b } }' }),
    );
    // independent of the comparison: no attempt of on-b succeeded
    const [ok] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM attempts WHERE run_no = ${run('on-b')} AND outcome = 'ok'`);
    expect(ok!.n).toBe(0);
    const rows = await compareRuns({ store, runNo: run('on-a') }, { store, runNo: run('on-b') }, { resamples: 200 });
    const { exceeded, checks } = checkRegressionBudget(parseRegressionBudget(['p99=5%']), rows);
    expect(checks[0]!.reason).toMatch(/^the candidate has no successful request \(success 0% against 100%\)/);
    expect(exceeded).toBe(true);
    store.close();
  });
});
