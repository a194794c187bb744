/**
 * `--max-regression`: how much worse the candidate may be before `routebench compare` exits 3.
 *
 *   entry  := metric "=" number [ "%" | "pp" ]
 *
 * `%` is relative to the baseline value, `pp` is percentage points (rates only), a bare number is
 * absolute in the metric's unit (ms, USD, attempts per request, or a 0..1 fraction for rates).
 * Metrics are those of the comparison, or aliases (cost → cost_per_1k_usd, p99 → p99_latency_ms).
 *
 * A regression counts only when it is statistically significant, i.e. the 95% interval of the
 * difference excludes zero on the bad side, AND the point estimate exceeds the budget. Either
 * condition alone is wrong for a CI gate: a budget on the point estimate alone fails builds on
 * noise (two runs of an unchanged config differ by chance, most visibly in tail latency, and a 2%
 * budget on p99 of a few thousand requests trips on every other run), while significance alone
 * fails on real but negligible changes that large runs detect with ease. A gate that cries wolf
 * gets disabled; this one fails only on changes that are both real and large.
 *
 * A metric over successful requests (latency percentiles, TTFT, cost per 1k ok) has no value on
 * the candidate's side when none of its requests succeeded: it is worse without bound, not "no
 * data". Its budget is exceeded when the candidate's success rate is significantly below the
 * baseline's (the test the success-rate row already made), else it cannot be judged and says so:
 * a candidate that answers nothing must not pass a latency or cost gate.
 */
import { inputError, type Problem } from '../errors.js';
import { unknownNameMessage } from '../scenario/suggest.js';
import { COMPARISON_METRICS, METRIC_ORDER, metricNames, resolveMetric, type ComparisonMetric } from './comparison-metrics.js';
import type { ComparisonRow } from './compare-runs.js';
import type { Verdict } from './stats/verdict.js';

export type BudgetUnit = 'relative' | 'pp' | 'absolute';

export interface BudgetEntry {
  source: string;
  metric: ComparisonMetric;
  amount: number;
  unit: BudgetUnit;
}

export const REGRESSION_GRAMMAR = `metric=number[%|pp], e.g. p99_latency_ms=5% (relative to the baseline), success_rate=0.1pp (percentage points, rates only), p95_latency_ms=250 (absolute, in the metric's unit); metrics: ${METRIC_ORDER.join(', ')} (aliases: ${METRIC_ORDER.flatMap((m) => COMPARISON_METRICS[m].aliases.map((a) => `${a} → ${m}`)).join(', ')})`;

const ENTRY = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*\+?(\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)\s*(%|pp)?$/i;

/** Parses every entry (each may hold several, separated by spaces or commas); all problems at once. */
export function parseRegressionBudget(specs: readonly string[]): BudgetEntry[] {
  const entries: BudgetEntry[] = [];
  const problems: Problem[] = [];
  const seen = new Map<ComparisonMetric, string>();
  for (const source of specs.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '')) {
    const problem = (message: string) => problems.push({ path: '--max-regression', message: `"${source}": ${message}` });
    const m = ENTRY.exec(source);
    if (!m) {
      problem('cannot parse; expected metric=number[%|pp], e.g. p99_latency_ms=5%');
      continue;
    }
    const [, name, num, suffix] = m as unknown as [string, string, string, string | undefined];
    const metric = resolveMetric(name);
    if (!metric) {
      problem(unknownNameMessage('metric', name, metricNames()));
      continue;
    }
    const unit: BudgetUnit = suffix === '%' ? 'relative' : suffix?.toLowerCase() === 'pp' ? 'pp' : 'absolute';
    if (unit === 'pp' && COMPARISON_METRICS[metric].unit !== 'rate') {
      problem(`pp (percentage points) applies to rates (success_rate, failover_rate); give ${metric} in % or as an absolute number`);
      continue;
    }
    const amount = Number(num);
    if (!Number.isFinite(amount)) {
      problem('the budget must be a finite number');
      continue;
    }
    const earlier = seen.get(metric);
    if (earlier !== undefined) {
      problem(`${metric} already has a budget ("${earlier}")`);
      continue;
    }
    seen.set(metric, source);
    entries.push({ source, metric, amount, unit });
  }
  if (problems.length > 0) throw inputError('BAD_REGRESSION_BUDGET', 'invalid --max-regression', problems, `expected ${REGRESSION_GRAMMAR}`);
  return entries;
}

export interface BudgetCheck {
  entry: BudgetEntry;
  verdict: Verdict | null;
  /** How much worse the candidate is, in the entry's unit (% / pp / metric unit); 0 if not worse; null without data. */
  regression: number | null;
  exceeded: boolean;
  /** One human line: why it passed or failed. */
  reason: string;
}

/** The size of the candidate's bad-direction change in the entry's unit. */
function regressionSize(entry: BudgetEntry, row: ComparisonRow): number | null {
  if (row.delta === null || row.baseline === null) return null;
  const worse = Math.max(0, row.direction === 'lower' ? row.delta : -row.delta);
  if (entry.unit === 'pp') return worse * 100;
  if (entry.unit === 'absolute') return worse;
  if (worse === 0) return 0;
  return row.baseline === 0 ? Infinity : (worse / Math.abs(row.baseline)) * 100;
}

const unitText = (u: BudgetUnit) => (u === 'relative' ? '%' : u === 'pp' ? ' pp' : '');

/** Why a row with both values has no interval, in words that fit its method. */
function tooFew(row: ComparisonRow): string {
  const sizes = `${row.n.baseline} and ${row.n.candidate}`;
  return row.method === 'bootstrap' ? `${sizes}; a percentile needs 10 beyond it on each side` : `${sizes}; the interval needs at least 2 on each side`;
}

/** The candidate lost every value of a successes-only metric the baseline has (no successful request). */
function vanished(entry: BudgetEntry, row: ComparisonRow, rows: readonly ComparisonRow[], budget: string): BudgetCheck | undefined {
  if (row.baseline === null || row.candidate !== null || row.n.candidate !== 0 || row.n.baseline === 0) return undefined;
  const success = rows.find((r) => r.metric === 'success_rate');
  if (!success || success.candidate === null || success.baseline === null) return undefined;
  const pct = (x: number) => `${+(x * 100).toPrecision(4)}%`;
  const what = `the candidate has no ${row.metric === 'p50_ttft_ms' ? 'successful streamed' : 'successful'} request (success ${pct(success.candidate)} against ${pct(success.baseline)}), so no ${row.label}: worse without bound`;
  if (success.verdict === 'loss') return { entry, verdict: 'loss', regression: null, exceeded: true, reason: `${what}, and its success rate is significantly lower (95% CI excludes 0): over the ${budget} budget` };
  return { entry, verdict: null, regression: null, exceeded: false, reason: `${what}, but too few requests to tell its success rate from the baseline's (95% CI includes 0), so this budget cannot fail (budget ${budget})` };
}
const show = (x: number) => (Number.isFinite(x) ? `${+x.toPrecision(3)}` : '∞');

/** Evaluates each budget entry against the comparison; `exceeded` when any entry is. */
export function checkRegressionBudget(entries: readonly BudgetEntry[], rows: readonly ComparisonRow[]): { checks: BudgetCheck[]; exceeded: boolean } {
  const checks = entries.map((entry): BudgetCheck => {
    const row = rows.find((r) => r.metric === entry.metric);
    if (!row) throw new Error(`no comparison row for ${entry.metric}`);
    const regression = regressionSize(entry, row);
    const budget = `${show(entry.amount)}${unitText(entry.unit)}`;
    if (regression === null) return vanished(entry, row, rows, budget) ?? { entry, verdict: row.verdict, regression, exceeded: false, reason: `no data to judge ${entry.metric} (budget ${budget})` };
    // Both values exist but there is no interval: a quantile with fewer than 10 values beyond it
    // (p99 needs 1,000 successful requests). The budget cannot fail: say so, not "no data".
    if (row.verdict === null)
      return { entry, verdict: null, regression, exceeded: false, reason: `not judged: too few values for a 95% interval (${tooFew(row)}), so this budget cannot fail; worse by ${show(regression)}${unitText(entry.unit)} (budget ${budget})` };
    const size = `${show(regression)}${unitText(entry.unit)}`;
    const significant = row.verdict === 'loss';
    const over = regression > entry.amount;
    const exceeded = significant && over;
    const reason =
      regression === 0
        ? `not worse (budget ${budget})`
        : exceeded
          ? `worse by ${size}, over the ${budget} budget, and significant (95% CI excludes 0)`
          : over
            ? `worse by ${size} (over the ${budget} budget) but not significant: the 95% CI includes 0`
            : `worse by ${size}, within the ${budget} budget`;
    return { entry, verdict: row.verdict, regression, exceeded, reason };
  });
  return { checks, exceeded: checks.some((c) => c.exceeded) };
}
