/** The comparison summary of a scenario run group, as Markdown and JSON (rows computed in SQL). */
import type { Store } from '../store/open-store.js';
import { errorBreakdown, summary, topReasons, type SummaryRow } from '../store/queries.js';
import { summaryMarkdown, type SummaryInput } from './summary-markdown.js';
import type { ThresholdResult } from './thresholds.js';
import { costsMarkdown, strategyCosts, type StrategyCosts } from './costs-section.js';
import { verdict, verdictMarkdown, type Verdict } from './verdict.js';
import { dlpMarkdown, dlpSections, type DlpSection } from './dlp-section.js';

export interface SummaryRequest {
  scenario: string;
  description?: string;
  runGroup: string;
  traffic: string;
  runs: readonly { runNo: number; runId: string; thresholds: readonly ThresholdResult[] }[];
  skippedRows: number;
  interrupted: boolean;
  /** Strategies the mode could not run, and why. */
  skipped?: readonly { strategy: string; reason: string }[];
}

export interface SummaryJson {
  scenario: string;
  run_group: string;
  traffic: string;
  interrupted: boolean;
  skipped_rows: number;
  strategies: (SummaryRow & { thresholds: readonly ThresholdResult[] })[];
  errors: SummaryInput['errors'];
  top_reasons: SummaryInput['reasons'];
  /** Provider spend + gateway fees per strategy (only when the scenario declares gateways). */
  costs: StrategyCosts[];
  skipped: { strategy: string; reason: string }[];
  /** Most available, cheapest meeting every threshold, cheapest overall (two or more complete runs). */
  verdict?: Verdict;
  /** What each `dlp` wrapper's policy did (only runs that used one). */
  dlp: DlpSection[];
}

export async function buildSummary(store: Store, req: SummaryRequest, relation = 'requests'): Promise<{ markdown: string; json: SummaryJson; rows: SummaryRow[] }> {
  const runNos = req.runs.map((r) => r.runNo);
  const rows = await summary(store, runNos, relation);
  const thresholds = new Map(req.runs.map((r) => [r.runId, r.thresholds]));
  const errors = await errorBreakdown(store, runNos);
  const reasons = await topReasons(store, runNos, 5);
  const costs = await strategyCosts(store, rows);
  const dlp = await dlpSections(store, rows);
  const input: SummaryInput = { ...req, rows, thresholds, errors, reasons };
  const md = summaryMarkdown(input) + (req.skipped ?? []).map((k) => `> **Skipped** ${k.strategy}: ${k.reason}.\n\n`).join('');
  const answer = verdict(rows, thresholds, costs);
  return {
    rows,
    markdown: [md, costs.length > 0 ? costsMarkdown(costs, rows[0]?.traffic_ms ?? 0) : '', dlpMarkdown(dlp), verdictMarkdown(answer)].filter((x) => x !== '').join('\n'),
    json: {
      scenario: req.scenario,
      run_group: req.runGroup,
      traffic: req.traffic,
      interrupted: req.interrupted,
      skipped_rows: req.skippedRows,
      strategies: rows.map((r) => ({ ...r, thresholds: thresholds.get(r.run_id) ?? [] })),
      errors,
      top_reasons: reasons,
      costs,
      verdict: answer,
      dlp,
      skipped: [...(req.skipped ?? [])],
    },
  };
}
