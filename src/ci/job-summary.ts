/**
 * The one job summary (and PR comment body) of a CI run, assembled from the merged report's
 * summary.json files and `routebench compare --all --json` output: what changed against the base
 * branch (wins, losses, the regression budget verdict), then each scenario's answer and threshold
 * status, then where the full report is. Pure: data in, markdown out. It says so when there is no
 * baseline to compare with, or when the PR comment could not be posted, instead of leaving it out.
 */
import type { SummaryJson } from '../report/write-summary.js';
import { fmt } from '../report/summary-markdown.js';

/** The hidden line that identifies routebench's PR comment (upsert-comment.ts finds it). */
export const COMMENT_MARKER = '<!-- routebench -->';

/** One element of `routebench compare --json` (one strategy pair). */
export interface CompareJson {
  baseline: { scenario: string; strategy: string; runId: string };
  candidate: { scenario: string; strategy: string; runId: string };
  rows: readonly { metric: string; label: string; verdict: 'win' | 'loss' | 'tie' | null }[];
  overall: string;
  budget: { exceeded: boolean; checks: readonly { entry: { source: string }; exceeded: boolean; reason: string }[] } | null;
}

export type BaselineState =
  | { state: 'compared'; branch: string; comparisons: readonly CompareJson[]; budget?: string }
  /** No results artifact from the base branch (first run, expired, or not a pull request). */
  | { state: 'missing'; branch: string; reason: string }
  /** Found, but `compare` refused or failed (e.g. the scenario file changed). */
  | { state: 'failed'; branch: string; reason: string };

export type CommentState = 'on' | 'no-token' | 'fork' | 'not-a-pr';

export interface JobSummaryInput {
  scenarios: readonly SummaryJson[];
  baseline: BaselineState;
  comment: CommentState;
  /** Link to the run page holding the report artifact. */
  reportUrl?: string;
  artifact?: string;
}

const MAX_CHANGE_ROWS = 15;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function thresholdStatus(s: SummaryJson): { passed: number; total: number; failed: string[] } {
  let passed = 0;
  let total = 0;
  const failed: string[] = [];
  for (const st of s.strategies)
    for (const t of st.thresholds) {
      total++;
      if (t.passed) passed++;
      else failed.push(`${st.strategy}: ${t.metric} ${t.threshold}`);
    }
  return { passed, total, failed };
}

/** How many declared thresholds failed across the suite (for the action's exit status). */
export function failedThresholds(scenarios: readonly SummaryJson[]): number {
  return scenarios.reduce((a, s) => a + thresholdStatus(s).failed.length, 0);
}

function headline(input: JobSummaryInput): string[] {
  const strategies = input.scenarios.reduce((a, s) => a + s.strategies.length, 0);
  const t = input.scenarios.map(thresholdStatus);
  const failed = t.reduce((a, x) => a + x.failed.length, 0);
  const total = t.reduce((a, x) => a + x.total, 0);
  const thresholds = total === 0 ? 'none declared' : failed === 0 ? `✅ all ${total} met` : `❌ ${failed} of ${total} failed`;
  const b = input.baseline;
  let against: string;
  if (b.state === 'missing') against = `⚠️ no baseline: ${b.reason}; nothing was compared`;
  else if (b.state === 'failed') against = `⚠️ not compared: ${b.reason}`;
  else {
    const exceeded = b.comparisons.filter((c) => c.budget?.exceeded);
    const wins = b.comparisons.reduce((a, c) => a + c.rows.filter((r) => r.verdict === 'win').length, 0);
    const losses = b.comparisons.reduce((a, c) => a + c.rows.filter((r) => r.verdict === 'loss').length, 0);
    const budget = !b.budget ? 'no regression budget given' : exceeded.length > 0 ? `❌ regression budget exceeded (${exceeded.length} of ${b.comparisons.length} strategies)` : `✅ within the regression budget (${b.budget})`;
    against = `${budget} · ${wins} significant win${wins === 1 ? '' : 's'}, ${losses} loss${losses === 1 ? '' : 'es'} over ${b.comparisons.length} strateg${b.comparisons.length === 1 ? 'y' : 'ies'}`;
  }
  return [
    `## routebench · ${input.scenarios.length} scenario${input.scenarios.length === 1 ? '' : 's'}, ${strategies} strateg${strategies === 1 ? 'y' : 'ies'}`,
    '',
    `**Thresholds:** ${thresholds}  `,
    `**Against \`${b.branch}\`:** ${against}`,
  ];
}

function changes(b: Extract<BaselineState, { state: 'compared' }>): string[] {
  const changed = b.comparisons.filter((c) => c.budget?.exceeded || c.rows.some((r) => r.verdict === 'win' || r.verdict === 'loss'));
  const out = ['', `### What changed against \`${b.branch}\``, ''];
  if (changed.length === 0) return [...out, `No significant change in any metric of ${b.comparisons.length} strateg${b.comparisons.length === 1 ? 'y' : 'ies'} (every 95% interval includes 0).`];
  out.push('| scenario | strategy | better | worse | budget |', '|---|---|---|---|---|');
  const names = (c: CompareJson, v: string) => c.rows.filter((r) => r.verdict === v).map((r) => r.label).join(', ') || '—';
  for (const c of changed.slice(0, MAX_CHANGE_ROWS)) {
    const over = c.budget?.checks.filter((k) => k.exceeded) ?? [];
    const budget = !c.budget ? '—' : over.length > 0 ? `❌ ${over.map((k) => `${k.entry.source}: ${k.reason}`).join('; ')}` : '✅';
    out.push(`| ${cell(c.candidate.scenario)} | ${cell(c.candidate.strategy)} | ${cell(names(c, 'win'))} | ${cell(names(c, 'loss'))} | ${cell(budget)} |`);
  }
  if (changed.length > MAX_CHANGE_ROWS) out.push('', `… and ${changed.length - MAX_CHANGE_ROWS} more in the full report.`);
  const still = b.comparisons.length - changed.length;
  if (still > 0) out.push('', `${still} other strateg${still === 1 ? 'y' : 'ies'}: no significant change.`);
  return out;
}

function answers(scenarios: readonly SummaryJson[]): string[] {
  const out = ['', '### The answer', '', '| scenario | most available | cheapest meeting thresholds | thresholds |', '|---|---|---|---|'];
  for (const s of scenarios) {
    const v = s.verdict;
    const t = thresholdStatus(s);
    const cost = (usd: number) => (v?.cost_basis === 'month' ? `${fmt.usd(usd)}/month` : fmt.usd(usd));
    const most = v ? `${v.most_available.strategy} (${fmt.pct(v.most_available.success_rate)})` : (s.strategies[0]?.strategy ?? '—');
    const cheap = !v ? '—' : !v.has_thresholds ? `— (cheapest: ${v.cheapest.strategy}, ${cost(v.cheapest.cost_usd)})` : v.cheapest_passing ? `${v.cheapest_passing.strategy} (${cost(v.cheapest_passing.cost_usd)})` : 'none meets them all';
    const status = t.total === 0 ? '—' : t.failed.length === 0 ? `✅ ${t.passed}/${t.total}` : `❌ ${t.failed.length} failed`;
    out.push(`| ${cell(s.scenario)} | ${cell(most)} | ${cell(cheap)} | ${status} |`);
  }
  return out;
}

const COMMENT_NOTE: Record<CommentState, string | undefined> = {
  on: undefined,
  'not-a-pr': undefined,
  'no-token': 'No PR comment: no `github-token` was given to the action; this summary is the result.',
  fork: 'No PR comment: this pull request comes from a fork, and its token cannot write to this repository; this summary is the result.',
};

/** The whole summary: marker, headline, changes, answers, link, notes. */
export function jobSummary(input: JobSummaryInput): string {
  const lines = [COMMENT_MARKER, ...headline(input)];
  if (input.baseline.state === 'compared') lines.push(...changes(input.baseline));
  if (input.scenarios.length > 0) lines.push(...answers(input.scenarios));
  else lines.push('', '⚠️ No report was found: no scenario ran to completion (see the job log).');
  const link = input.reportUrl ? `[the full report](${input.reportUrl})` : 'the full report';
  lines.push('', `See ${link}${input.artifact ? ` (artifact \`${input.artifact}\`: each scenario's \`index.html\` opens offline)` : ''} for every table, chart and interval.`);
  const note = COMMENT_NOTE[input.comment];
  if (note) lines.push('', `> ${note}`);
  return `${lines.join('\n')}\n`;
}
