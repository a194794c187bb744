/**
 * Writes a scenario's comparison summary (Markdown and JSON) under
 * `<out>/<scenario>/<run-group>/` and points `<out>/<scenario>/latest` and `<out>/latest` at it.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

export interface WrittenSummary {
  dir: string;
  markdown: string;
  json: SummaryJson;
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

export async function buildSummary(store: Store, req: SummaryRequest): Promise<{ markdown: string; json: SummaryJson }> {
  const runNos = req.runs.map((r) => r.runNo);
  const rows = await summary(store, runNos);
  const thresholds = new Map(req.runs.map((r) => [r.runId, r.thresholds]));
  const errors = await errorBreakdown(store, runNos);
  const reasons = await topReasons(store, runNos, 5);
  const input: SummaryInput = { ...req, rows, thresholds, errors, reasons };
  return {
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

export async function writeSummary(store: Store, req: SummaryRequest, outDir: string): Promise<WrittenSummary> {
  const { markdown, json } = await buildSummary(store, req);
  const dir = path.join(outDir, req.scenario, req.runGroup);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'summary.md'), markdown);
  writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(json, null, 2)}\n`);
  pointLatest(path.join(outDir, req.scenario, 'latest'), req.runGroup);
  pointLatest(path.join(outDir, 'latest'), path.join(req.scenario, req.runGroup));
  return { dir, markdown, json };
}

/** A relative symlink `link` → `target`, replaced if present (best effort on odd file systems). */
function pointLatest(link: string, target: string): void {
  try {
    rmSync(link, { force: true, recursive: false });
    symlinkSync(target, link, 'dir');
  } catch {
    writeFileSync(`${link}.txt`, `${target}\n`);
  }
}
