/**
 * One row per scenario of a suite: its answer (most available strategy, cheapest meeting every
 * threshold, what the cheapest gives up) and its thresholds, as data, as a Markdown table and as
 * plain sentences. Shared by the suite page (suite-page.ts) and the PR comment (pr-comment.ts).
 * Pure: summary JSON in, rows and text out.
 */
import { fmt, trafficRequests } from './summary-markdown.js';
import { verdictCost, type Verdict, type VerdictEntry } from './verdict.js';
import type { SummaryJson } from './write-summary.js';

export interface SuiteEntry {
  scenario: string;
  runGroup: string;
  /** The scenario page, relative to the suite page (e.g. `quickstart/quickstart-2026…/index.html`). */
  href: string | null;
  json: SummaryJson;
  /** Git commit the runs were made at (null when unknown). */
  commit: string | null;
  /** When the run group started, ISO 8601 (UTC). */
  startedAt: string | null;
}

export interface SuiteRow {
  scenario: string;
  href: string | null;
  requests: number;
  strategies: number;
  mostAvailable: string;
  cheapestPassing: string;
  cheapestGivesUp: string;
  thresholdsTotal: number;
  thresholdsFailed: string[];
  /** Runs that did not complete (error, interrupted), as "strategy: status". */
  incomplete: string[];
}

const cost = (v: Verdict, e: VerdictEntry) => verdictCost(v, e);
const pp = (x: number) => `${(x * 100).toFixed(Math.abs(x) < 0.001 ? 3 : 2)} pp`;

/** What choosing the cheapest strategy costs in availability and thresholds, against the most available. */
export function givesUp(v: Verdict): string {
  const c = v.cheapest;
  const m = v.most_available;
  if (c.strategy === m.strategy) return `nothing: ${c.strategy} is also the most available`;
  const parts: string[] = [];
  const lost = m.success_rate - c.success_rate;
  if (lost > 0) parts.push(`${pp(lost)} success vs ${m.strategy}${v.tied_with_most_available.includes(c.strategy) ? ' (not significant)' : ''}`);
  if (c.failed.length > 0) parts.push(`fails ${c.failed.join(', ')}`);
  // "Cheaper" per successful request, as the cheapest is chosen (see verdict.ts).
  const [pc, pm] = [c.cost_per_1k_ok_usd, m.cost_per_1k_ok_usd];
  const saved = pc !== null && pm !== null && pm > 0 ? (pm - pc) / pm : 0;
  // a saving under 0.5% rounds to "0% cheaper", which reads as no saving at all
  const cheaper = saved >= 0.005 ? `, ${(saved * 100).toFixed(0)}% cheaper per success` : saved > 0 ? ', under 1% cheaper per success' : '';
  const head = `${c.strategy} (${cost(v, c)}${cheaper})`;
  return parts.length > 0 ? `${head}: ${parts.join('; ')}` : `${head}: nothing measurable`;
}

export function suiteRow(e: SuiteEntry): SuiteRow {
  const j = e.json;
  const v = j.verdict;
  const thresholds = j.strategies.flatMap((s) => s.thresholds.map((t) => ({ s, t })));
  const only = j.strategies[0];
  return {
    scenario: e.scenario,
    href: e.href,
    requests: trafficRequests(j.strategies),
    strategies: j.strategies.length,
    mostAvailable: v ? `${v.most_available.strategy} (${fmt.pct(v.most_available.success_rate)})` : only ? `${only.strategy} (${fmt.pct(only.success_rate)}), the only one` : '–',
    cheapestPassing: !v
      ? '–'
      : !v.has_thresholds && thresholds.length === 0
        ? 'no thresholds declared'
        : v.cheapest_passing
          ? `${v.cheapest_passing.strategy} (${cost(v, v.cheapest_passing)})${v.has_thresholds ? '' : '; only some strategies have thresholds'}`
          : 'none meets them all',
    cheapestGivesUp: v ? givesUp(v) : '–',
    thresholdsTotal: thresholds.length,
    thresholdsFailed: thresholds.filter(({ t }) => !t.passed).map(({ s, t }) => `${s.strategy}: ${t.metric} ${t.threshold}`),
    incomplete: j.strategies.filter((s) => s.status !== 'ok' && s.status !== 'thresholds_failed').map((s) => `${s.strategy}: ${s.status}`),
  };
}

export function thresholdStatus(r: SuiteRow): string {
  if (r.thresholdsTotal === 0) return 'none declared';
  if (r.thresholdsFailed.length === 0) return r.thresholdsTotal === 1 ? 'the one passes' : `all ${r.thresholdsTotal} pass`;
  return `${r.thresholdsFailed.length} of ${r.thresholdsTotal} fail: ${r.thresholdsFailed.join(', ')}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The suite's answers as one Markdown table; `link(row)` turns a scenario into a link (or not). */
export function suiteAnswerMarkdown(rows: readonly SuiteRow[], link: (r: SuiteRow) => string = (r) => r.scenario): string {
  const out = ['| scenario | most available | cheapest meeting thresholds | what the cheapest gives up | thresholds |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows)
    out.push(`| ${cell(link(r))} | ${cell(r.mostAvailable)} | ${cell(r.cheapestPassing)} | ${cell(r.cheapestGivesUp)} | ${cell(`${thresholdStatus(r)}${r.incomplete.length ? `; incomplete: ${r.incomplete.join(', ')}` : ''}`)} |`);
  return out.join('\n');
}
