/** The comparison summary of a scenario run group, as Markdown and JSON (rows computed in SQL). */
import type { Store } from '../store/open-store.js';
import { errorBreakdown, summary, topReasons, type SummaryRow } from '../store/queries.js';
import { summaryMarkdown, type SummaryInput } from './summary-markdown.js';
import type { ThresholdResult } from './thresholds.js';

export interface SummaryRequest {
  scenario: string;
  description?: string;
  runGroup: string;
  traffic: string;
  runs: readonly { runNo: number; runId: string; thresholds: readonly ThresholdResult[] }[];
  skippedRows: number;
  interrupted: boolean;
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
}

export async function buildSummary(store: Store, req: SummaryRequest, relation = 'requests'): Promise<{ markdown: string; json: SummaryJson; rows: SummaryRow[] }> {
  const runNos = req.runs.map((r) => r.runNo);
  const rows = await summary(store, runNos, relation);
  const thresholds = new Map(req.runs.map((r) => [r.runId, r.thresholds]));
  const errors = await errorBreakdown(store, runNos);
  const reasons = await topReasons(store, runNos, 5);
  const input: SummaryInput = { ...req, rows, thresholds, errors, reasons };
  return {
    rows,
    markdown: summaryMarkdown(input),
    json: {
      scenario: req.scenario,
      run_group: req.runGroup,
      traffic: req.traffic,
      interrupted: req.interrupted,
      skipped_rows: req.skippedRows,
      strategies: rows.map((r) => ({ ...r, thresholds: thresholds.get(r.run_id) ?? [] })),
      errors,
      top_reasons: reasons,
    },
  };
}
