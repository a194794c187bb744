/**
 * The pull-request comment (or job summary): compact Markdown that leads with what changed against
 * the base branch (significant wins and losses, the regression budget's verdict), then the suite's
 * answer, then a link to the full report. One comment for the whole suite, however many shards ran
 * it: it reads the merged results.
 *
 * compareWithBase pairs the newest run group of every scenario on both sides by strategy label
 * (as `routebench compare --all`) and compares each pair with compareRuns; prCommentMarkdown is
 * pure formatting. A scenario whose file changed between base and head is listed, not compared
 * (its numbers would mix the strategy's effect with the setup's).
 */
import type { Store } from '../store/open-store.js';
import { runGroupFacts } from '../store/report-queries.js';
import { HarnessError } from '../errors.js';
import { resolvePairs } from './compare-pairs.js';
import { commonWindow, partialSides } from './compare-partial.js';
import { fmt } from './summary-markdown.js';
import { compareRuns, type ComparisonRow } from './compare-runs.js';
import { delta, interval } from './comparison-markdown.js';
import { checkRegressionBudget, type BudgetCheck, type BudgetEntry } from './regression-budget.js';
import { suiteAnswerMarkdown, suiteRow, type SuiteEntry } from './suite-answer.js';
import { nounFor } from '../plural.js';

/** Metrics a comment reports wins and losses on (the full set is in `routebench compare`). */
export const COMMENT_METRICS = ['success_rate', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'cost_per_1k_usd'] as const;

export interface PairChange {
  scenario: string;
  strategy: string;
  rows: ComparisonRow[];
  budget: BudgetCheck[];
  /** Set when a run did not see all the traffic: only requests scheduled before this were compared. */
  untilMs?: number;
}

export interface BaseComparison {
  /** Base commit(s), short, when recorded. */
  baseCommit: string | null;
  changes: PairChange[];
  /** Scenarios whose file differs between base and head: not compared. */
  changedScenarios: string[];
  /** Scenarios only the head ran. */
  newScenarios: string[];
  budget: readonly BudgetEntry[];
}

export async function compareWithBase(base: Store, head: Store, opts: { budget: readonly BudgetEntry[]; resamples: number; seed: number }): Promise<BaseComparison> {
  const headScenarios = (await head.all<{ scenario: string }>(`SELECT DISTINCT scenario FROM runs ORDER BY scenario`)).map((r) => r.scenario);
  const baseScenarios = new Set((await base.all<{ scenario: string }>(`SELECT DISTINCT scenario FROM runs`)).map((r) => r.scenario));
  const pairs = headScenarios.some((s) => baseScenarios.has(s)) ? await resolvePairs(base, head, { all: true }) : [];
  const changes: PairChange[] = [];
  const changed = new Set<string>();
  for (const { baseline, candidate } of pairs) {
    if (baseline.scenarioHash !== candidate.scenarioHash) {
      changed.add(candidate.scenario);
      continue;
    }
    // A run that did not see all the traffic (interrupted, or stopped by abort_on_fail) is compared
    // over the common traffic window only, as in the report (compare-partial.ts).
    const partial = partialSides(baseline, candidate);
    let untilMs: number | undefined;
    if (partial.length > 0) {
      try {
        untilMs = await commonWindow({ store: base, info: baseline }, { store: head, info: candidate }, partial);
      } catch (e) {
        if (e instanceof HarnessError && e.code === 'NO_COMMON_WINDOW') continue;
        throw e;
      }
    }
    const rows = await compareRuns({ store: base, runNo: baseline.runNo }, { store: head, runNo: candidate.runNo }, { resamples: opts.resamples, seed: opts.seed, untilMs });
    const change: PairChange = { scenario: candidate.scenario, strategy: candidate.strategy, rows, budget: opts.budget.length ? checkRegressionBudget(opts.budget, rows).checks : [] };
    changes.push(untilMs === undefined ? change : { ...change, untilMs });
  }
  const group = pairs[0]?.baseline.runGroup;
  const facts = group ? await runGroupFacts(base, group) : { commit: null };
  return {
    baseCommit: facts.commit ? facts.commit.split(',').map((c) => c.slice(0, 7)).join(', ') : null,
    changes,
    changedScenarios: [...changed],
    newScenarios: headScenarios.filter((s) => !baseScenarios.has(s)),
    budget: opts.budget,
  };
}

export interface PrCommentInput {
  answers: readonly SuiteEntry[];
  /** null: no base results (first run, or the base artifact is gone). */
  base: BaseComparison | null;
  /** Link to the full report (the uploaded artifact or a published page). */
  reportUrl?: string;
  /** Most change lines shown before "… and N more" (default 15). */
  maxChangeLines?: number;
}

const significant = (r: ComparisonRow) => (COMMENT_METRICS as readonly string[]).includes(r.metric) && (r.verdict === 'win' || r.verdict === 'loss');
const shortLabel = (r: ComparisonRow) => r.label.replace(/ latency$/, '').replace('cost per 1k successful requests', 'cost/1k ok');

function changeLine(c: PairChange): string {
  const parts = c.rows.filter(significant).map((r) => `${shortLabel(r)} ${delta(r)} ${interval(r)} ${r.verdict === 'win' ? '✅ win' : '🔻 loss'}`);
  const window = c.untilMs === undefined ? '' : ` (requests before ${fmt.clock(c.untilMs)} only: a run did not finish)`;
  return `- **${c.scenario} / ${c.strategy}**${window}: ${parts.join('; ')}`;
}

function budgetLine(b: BaseComparison): string {
  if (b.budget.length === 0) return 'Regression budget: none given.';
  const over = b.changes.flatMap((c) => c.budget.filter((k) => k.exceeded).map((k) => `${c.scenario} / ${c.strategy}: ${k.entry.metric} ${k.reason}`));
  const spec = b.budget.map((e) => e.source).join(' ');
  if (over.length === 0) return `Regression budget (\`${spec}\`): ✅ within budget.`;
  return `Regression budget (\`${spec}\`): ❌ **exceeded** by ${over.length}:\n${over.slice(0, 8).map((o) => `  - ${o}`).join('\n')}${over.length > 8 ? `\n  - … and ${over.length - 8} more` : ''}`;
}

export function prCommentMarkdown(p: PrCommentInput): string {
  const rows = p.answers.map(suiteRow);
  const strategies = rows.reduce((a, r) => a + r.strategies, 0);
  const failed = rows.reduce((a, r) => a + r.thresholdsFailed.length, 0);
  const total = rows.reduce((a, r) => a + r.thresholdsTotal, 0);
  const out: string[] = [`## routebench: ${rows.length} ${nounFor(rows.length, 'scenario')}, ${strategies} ${nounFor(strategies, 'strategy')}`, ''];
  if (!p.base) out.push('No base-branch results to compare with (the first run, or the base results expired).', '');
  else {
    const b = p.base;
    const sig = b.changes.flatMap((c) => c.rows.filter(significant));
    const wins = sig.filter((r) => r.verdict === 'win').length;
    const losses = sig.length - wins;
    const compared = b.changes.length * COMMENT_METRICS.length;
    out.push(`**Against the base branch**${b.baseCommit ? ` (${b.baseCommit})` : ''}: ${wins} ${nounFor(wins, 'win')}, ${losses} ${nounFor(losses, 'loss')}, ${compared - wins - losses} ties or no data, over ${b.changes.length} strategies × ${COMMENT_METRICS.length} metrics (95% intervals).`, '');
    out.push(budgetLine(b), '');
    const moved = b.changes.filter((c) => c.rows.some(significant)).sort((x, y) => y.rows.filter((r) => r.verdict === 'loss' && significant(r)).length - x.rows.filter((r) => r.verdict === 'loss' && significant(r)).length);
    const max = p.maxChangeLines ?? 15;
    if (moved.length > 0) {
      out.push(...moved.slice(0, max).map(changeLine));
      if (moved.length > max) out.push(`- … and ${moved.length - max} more in the full report`);
      out.push('');
    }
    if (b.changedScenarios.length) out.push(`Scenario file changed, not compared: ${b.changedScenarios.join(', ')}.`, '');
    if (b.newScenarios.length) out.push(`New (no base results): ${b.newScenarios.join(', ')}.`, '');
  }
  out.push('### The answer', '', suiteAnswerMarkdown(rows), '');
  out.push(total === 0 ? 'No thresholds declared.' : failed === 0 ? (total === 1 ? 'The one threshold passes.' : `All ${total} thresholds pass.`) : `❌ ${failed} of ${total} thresholds fail.`, '');
  if (p.reportUrl) out.push(`[Full report](${p.reportUrl}): every scenario's page, charts and confidence intervals.`);
  return `${out.join('\n').trimEnd()}\n`;
}
