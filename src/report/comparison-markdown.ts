/**
 * A run comparison as Markdown: metric | baseline | candidate | Δ | 95% CI | verdict, a one-line
 * overall verdict, and the regression budget when one was given. Pure formatting of rows computed
 * by compareRuns.
 */
import type { ComparisonRow } from './compare-runs.js';
import type { MetricUnit } from './comparison-metrics.js';
import type { BudgetCheck } from './regression-budget.js';
import type { RunInfo } from './run-identity.js';
import { fmt } from './summary-markdown.js';
import { nounFor } from '../plural.js';

export interface ComparisonReport {
  baseline: RunInfo;
  candidate: RunInfo;
  rows: readonly ComparisonRow[];
  resamples: number;
  seed: number;
  budget?: { checks: readonly BudgetCheck[]; exceeded: boolean };
  /** Set when a partial run was compared over the common traffic window only (--allow-partial). */
  window?: { untilMs: number; partial: readonly { role: string; runId: string; status: string }[] };
}

/** Decimals that show about three significant digits of the largest magnitude given. */
function decimalsFor(...xs: number[]): number {
  const m = Math.max(...xs.map((x) => Math.abs(x)).filter(Number.isFinite));
  if (!(m > 0)) return 0;
  return Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(m))));
}

const MINUS = '\u2212';
const signed = (x: number, d: number) =>
  `${x > 0 ? '+' : x < 0 ? MINUS : '±'}${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}`;

/** Scale and suffix of differences: rates in percentage points, others in their unit. */
const DIFF: Record<MetricUnit, { scale: number; prefix: string; suffix: string }> = {
  rate: { scale: 100, prefix: '', suffix: ' pp' },
  ms: { scale: 1, prefix: '', suffix: ' ms' },
  attempts: { scale: 1, prefix: '', suffix: '' },
  usd: { scale: 1, prefix: '$', suffix: '' },
};

export function value(unit: MetricUnit, v: number | null): string {
  if (v === null) return '–';
  if (unit === 'rate') return fmt.pct(v);
  if (unit === 'ms') return fmt.ms(v);
  if (unit === 'usd') return fmt.usd(v);
  return fmt.num(v, 3);
}

export function delta(r: ComparisonRow): string {
  if (r.delta === null) return '–';
  const { scale, prefix, suffix } = DIFF[r.unit];
  const d = decimalsFor(r.delta * scale, r.ci ? r.ci.lo * scale : 0, r.ci ? r.ci.hi * scale : 0);
  const s = signed(r.delta * scale, d);
  const abs = `${s[0]}${prefix}${s.slice(1)}${suffix}`;
  return r.deltaPct === null || r.unit === 'rate' ? abs : `${abs} (${signed(r.deltaPct, 1)}%)`;
}

export function interval(r: ComparisonRow): string {
  if (!r.ci) return 'too little data';
  const { scale, prefix, suffix } = DIFF[r.unit];
  const d = decimalsFor(r.ci.lo * scale, r.ci.hi * scale);
  const end = (x: number) => {
    const s = signed(x * scale, d);
    return `${s[0]}${prefix}${s.slice(1)}`;
  };
  return `[${end(r.ci.lo)}, ${end(r.ci.hi)}]${suffix}`;
}

const verdictCell = (r: ComparisonRow) =>
  r.judged === false ? `context: ${r.note ?? 'not judged'}` : r.verdict === null ? (r.delta === null ? 'no data' : 'not judged') : r.verdict === 'tie' ? 'tie' : `**${r.verdict}**`;

/** One line: better, worse, mixed or no significant difference, naming the metrics (context rows left out). */
export function overallVerdict(all: readonly ComparisonRow[]): string {
  const rows = all.filter((r) => r.judged !== false);
  const named = (v: string) => rows.filter((r) => r.verdict === v).map((r) => r.label);
  const wins = named('win');
  const losses = named('loss');
  const ties = rows.filter((r) => r.verdict === 'tie' || r.verdict === null).length;
  const tail = ties > 0 ? `; ${ties} ${nounFor(ties, 'tie')} (95% CI includes 0 or too little data)` : '';
  if (wins.length === 0 && losses.length === 0) {
    // Only a claim about the intervals there are: a metric without one (no value on a side, or too few for an interval) is named.
    const without = rows.filter((r) => r.verdict === null).map((r) => r.label);
    return without.length === 0
      ? 'no significant difference: every 95% interval includes 0'
      : `no significant difference where there is a 95% interval; no interval (too little data) for ${without.join(', ')}`;
  }
  if (losses.length === 0) return `candidate better: significantly better on ${wins.join(', ')}, worse on nothing${tail}`;
  if (wins.length === 0) return `candidate worse: significantly worse on ${losses.join(', ')}, better on nothing${tail}`;
  return `mixed: candidate better on ${wins.join(', ')}; worse on ${losses.join(', ')}${tail}`;
}

function runLine(role: string, r: RunInfo): string {
  return `- ${role}: \`${r.runId}\` (strategy **${r.strategy}**, scenario ${r.scenario}, seed ${r.seed}, status ${r.status}${r.source !== ':memory:' ? `, from ${r.source}` : ''})`;
}

export function comparisonMarkdown(rep: ComparisonReport): string {
  const { baseline: b, candidate: c } = rep;
  const out: string[] = [`# ${b.strategy} → ${c.strategy}`, '', runLine('baseline', b), runLine('candidate', c), ''];
  if (b.scenario !== c.scenario || b.scenarioHash !== c.scenarioHash)
    out.push('> **Different scenarios** (compared with --allow-different): differences mix the strategy with the setup.', '');
  if (rep.window) {
    const who = rep.window.partial.map((p) => `${p.role} \`${p.runId}\` is ${p.status}`).join('; ');
    out.push(
      `> **Partial run** (compared with --allow-partial): ${who}. Only the common traffic window is compared: requests scheduled before ${fmt.ms(rep.window.untilMs)} from the start, in both runs.`,
      '',
    );
  }
  out.push('| metric | baseline | candidate | Δ | 95% CI | verdict |', '| --- | ---: | ---: | ---: | ---: | --- |');
  for (const r of rep.rows) out.push(`| ${r.label} | ${value(r.unit, r.baseline)} | ${value(r.unit, r.candidate)} | ${delta(r)} | ${interval(r)} | ${verdictCell(r)} |`);
  out.push('', `**Overall:** ${overallVerdict(rep.rows)}.`, '');
  out.push(
    `Δ is candidate − baseline (rates in percentage points). A verdict is a win or a loss only when the 95% interval excludes 0 and the difference is more than one part per million of the larger value. Latency and TTFT percentiles count successful requests; the "(all)" rows count every request, a failure at the time it failed. Cost is judged per successful request; total cost is context, with the success difference beside it. Intervals: rates by Newcombe's hybrid score method (continuity-corrected below 10 requests a side), quantiles by ${fmt.int(rep.resamples)} seeded bootstrap resamples per run (seed ${rep.seed}), mean attempts by Welch's t, cost per 1k ok by the delta method, each with a floor on the variance so that a run whose requests all look alike is not taken as certain; requests are treated as independent draws.`,
    '',
  );
  if (rep.budget && rep.budget.checks.length > 0) {
    out.push('## Regression budget', '', '| budget | result | |', '| --- | --- | --- |');
    for (const ch of rep.budget.checks) out.push(`| \`${ch.entry.source}\` | ${ch.reason} | ${ch.exceeded ? '✗ exceeded' : '✓'} |`);
    out.push('', rep.budget.exceeded ? '**Regression budget exceeded.**' : 'Within the regression budget.', '');
  }
  return out.join('\n');
}
