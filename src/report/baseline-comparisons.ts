/**
 * In a scenario's report, every strategy compared with the scenario's first strategy (the
 * baseline: list it first), each difference with its 95% interval and a verdict, as Markdown and
 * HTML. The statistics are compareRuns'.
 */
import type { Store } from '../store/open-store.js';
import { HarnessError } from '../errors.js';
import { compareRuns, DEFAULT_COMPARE_SEED, type ComparisonRow } from './compare-runs.js';
import type { QuantileBootstrap } from './stats/bootstrap-quantile.js';
import type { RunAggregates } from '../store/comparison-queries.js';
import { commonWindow, partialSides } from './compare-partial.js';
import { runInfo } from './run-identity.js';
import { delta, interval, overallVerdict } from './comparison-markdown.js';
import { esc } from './html-page.js';
import { fmt } from './summary-markdown.js';

export interface BaselineComparison {
  strategy: string;
  rows: ComparisonRow[];
  /** Set when one of the two runs did not finish: only requests scheduled before this were compared. */
  untilMs?: number;
}

/** The metrics shown per strategy in the scenario report (the full set is in `routebench compare`). */
const SHOWN = ['success_rate', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'cost_per_1k_usd'] as const;

/**
 * `relation`: the report's materialised requests (temp table `rq`), or the requests view; `seed`:
 * the bootstrap seed (`report --seed`), as `routebench compare --seed` takes it.
 */
export async function compareToBaseline(store: Store, runs: readonly { runNo: number; strategy: string }[], resamples: number, relation = 'requests', seed = DEFAULT_COMPARE_SEED): Promise<BaselineComparison[]> {
  const [base, ...others] = runs;
  if (!base) return [];
  const out: BaselineComparison[] = [];
  // The baseline's bootstrap replicates and aggregates are the same in every pair: computed once.
  const baselineCache = new Map<string, QuantileBootstrap[]>();
  const aggregatesCache = new Map<string, RunAggregates>();
  for (const r of others) {
    // A run that did not finish is compared over the common traffic window only (compare-partial.ts).
    const [bi, ci] = [await runInfo(store, base.runNo, 'baseline'), await runInfo(store, r.runNo, 'candidate')];
    const partial = partialSides(bi, ci);
    let untilMs: number | undefined;
    if (partial.length > 0) {
      try {
        untilMs = await commonWindow({ store, info: bi }, { store, info: ci }, partial);
      } catch (e) {
        if (e instanceof HarnessError && e.code === 'NO_COMMON_WINDOW') continue;
        throw e;
      }
    }
    const rows = await compareRuns({ store, runNo: base.runNo }, { store, runNo: r.runNo }, { resamples, seed, relation, untilMs, baselineCache, aggregatesCache });
    out.push(untilMs === undefined ? { strategy: r.strategy, rows } : { strategy: r.strategy, rows, untilMs });
  }
  return out;
}

function cells(rows: readonly ComparisonRow[]) {
  return SHOWN.map((m) => rows.find((r) => r.metric === m)).map((r) => ({ text: r ? `${delta(r)} ${interval(r)}` : '–', verdict: r?.verdict ?? null }));
}

const HEAD = ['strategy', 'success rate', 'p50 latency', 'p95 latency', 'p99 latency', 'cost per 1k ok', 'overall'];
const NOTE = (base: string) =>
  `Each cell: candidate − ${base} [95% CI]. Bold: a significant win or loss (the interval excludes 0); otherwise a tie. Rates by Newcombe's score interval, quantiles by seeded bootstrap, cost by the delta method. Requests are treated as independent draws, so with shared traffic these intervals are conservative.`;

export function baselineMarkdown(baseline: string, comps: readonly BaselineComparison[]): string {
  if (comps.length === 0) return '';
  const out = [`## Compared with ${baseline}`, '', `| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i === 0 || i === HEAD.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const c of comps) {
    const cs = cells(c.rows).map((x) => (x.verdict === 'win' || x.verdict === 'loss' ? `**${x.text} ${x.verdict}**` : x.text));
    const window = c.untilMs === undefined ? '' : ` (requests before ${fmt.clock(c.untilMs)} only: a run did not finish)`;
    out.push(`| ${c.strategy}${window} | ${cs.join(' | ')} | ${overallVerdict(c.rows)} |`);
  }
  out.push('', NOTE(baseline), '');
  return out.join('\n');
}

export function baselineHtml(baseline: string, comps: readonly BaselineComparison[]): string {
  if (comps.length === 0) return '<p class="note">Only one strategy: nothing to compare.</p>';
  const rows = comps
    .map((c) => {
      const cs = cells(c.rows)
        .map((x) => `<td><span class="${x.verdict ? `${x.verdict}-v` : ''}">${esc(x.text)}${x.verdict === 'win' || x.verdict === 'loss' ? ` ${x.verdict}` : ''}</span></td>`)
        .join('');
      const window = c.untilMs === undefined ? '' : ` <span class="note">(requests before ${esc(fmt.clock(c.untilMs))} only: a run did not finish)</span>`;
      return `<tr><td><b>${esc(c.strategy)}</b>${window}</td>${cs}<td style="text-align:left">${esc(overallVerdict(c.rows))}</td></tr>`;
    })
    .join('');
  return `<p>Baseline: <b>${esc(baseline)}</b> (the scenario's first strategy).</p><table id="comparisons"><thead><tr>${HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table><p class="note">${esc(NOTE(baseline))}</p>`;
}
