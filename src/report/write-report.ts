/**
 * Writes a scenario run group's report under `<out>/<scenario>/<run-group>/`: index.html (opens
 * offline), summary.md, summary.json, and per chart its vega-lite spec, SVG and (fonts allowing)
 * PNG in charts/. Points `<out>/<scenario>/latest` at it (the suite page, write-suite.ts, lists them all).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/open-store.js';
import { buildSummary, type SummaryRequest, type SummaryJson } from './write-summary.js';
import { buildCharts } from './report-charts.js';
import { prepareReport } from '../store/report-rq.js';
import { esc, reportHtml, type ChartEntry } from './html-page.js';
import { costsHtml } from './costs-section.js';
import { verdictHtml } from './verdict.js';
import { pngFonts } from './png-fonts.js';
import { inlineCharts, type ChartRenderer } from './chart-pool.js';
import { historyRows } from '../store/history-queries.js';
import { historyTrendChart } from './charts/history-trend.js';
import type { BudgetEntry } from './regression-budget.js';
import { baselineHtml, baselineMarkdown, compareToBaseline } from './baseline-comparisons.js';

export interface ReportRequest extends SummaryRequest {
  /** Shown in the footer: where the rows are. */
  dbFile?: string;
  harnessVersion?: string;
}

export interface ReportOptions {
  /** Write an SVG file for every chart (default true). */
  images?: boolean;
  /**
   * Also rasterise every chart to PNG with resvg (default false: on the default suite PNGs cost
   * more CPU and memory than every other part of the report's charts together).
   */
  png?: boolean;
  /** Bootstrap resamples for the comparisons with the baseline strategy and the shift plot (default 1000). */
  resamples?: number;
  /** Seed of the bootstrap draws: the comparisons with the baseline strategy and the shift plot (default 1). */
  seed?: number;
  /** Add the history chart: the scenario's last `groups` run groups, with this regression budget drawn. */
  history?: { groups: number; budget: readonly BudgetEntry[] };
  /** Where the chart images are drawn (default: on this thread; chart-pool.ts: worker threads). */
  charts?: ChartRenderer;
}

export interface WrittenReport {
  dir: string;
  markdown: string;
  json: SummaryJson;
  files: string[];
  pngSkipped: boolean;
}

export async function writeReport(store: Store, req: ReportRequest, outDir: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  const dir = path.join(outDir, req.scenario, req.runGroup);
  const chartDir = path.join(dir, 'charts');
  mkdirSync(chartDir, { recursive: true });
  const files: string[] = [];
  const write = (rel: string, content: string | Buffer) => {
    writeFileSync(path.join(dir, rel), content);
    files.push(rel);
  };

  // One GROUP BY over the attempts: every figure below reads the materialised requests (`rq`).
  const prepared = await prepareReport(store, req.runs.map((r) => r.runNo));
  const { markdown: summaryMd, json, rows } = await buildSummary(store, req, 'rq');
  const comps = await compareToBaseline(store, rows.map((r) => ({ runNo: r.run_no, strategy: r.strategy })), opts.resamples ?? 1000, 'rq', opts.seed ?? 1);
  const baseline = rows[0]?.strategy ?? '';
  const markdown = comps.length > 0 ? `${summaryMd}\n${baselineMarkdown(baseline, comps)}` : summaryMd;
  write('summary.md', markdown);
  write('summary.json', `${JSON.stringify(json, null, 2)}\n`);

  const labels = new Map(rows.map((r) => [r.run_no, r.strategy]));
  const thresholds = new Map(req.runs.map((r) => [r.runId, r.thresholds]));
  const { charts, winners, eligibility, incidents } = await buildCharts(store, labels, prepared, { rows, thresholds, comparisons: comps, resamples: opts.resamples ?? 1000, seed: opts.seed ?? 1 });
  if (opts.history && opts.history.groups >= 2) {
    const past = await historyRows(store, req.scenario, opts.history.groups);
    if (new Set(past.map((r) => r.run_group)).size >= 2)
      charts.push({ id: 'history', title: 'History across run groups', spec: historyTrendChart(past, rows.map((r) => r.strategy), opts.history.budget) });
  }
  const fonts = opts.png === true ? pngFonts() : [];
  // Every chart's images at once (a chart pool draws them on its worker threads), written in chart order.
  const renderer = opts.charts ?? inlineCharts;
  const images = opts.images === false ? [] : await Promise.all(charts.map((c) => renderer.render(c.spec, fonts.length > 0 ? fonts : null)));
  const entries: ChartEntry[] = [];
  for (const [i, c] of charts.entries()) {
    write(`charts/${c.id}.vl.json`, `${JSON.stringify(c.spec, null, 2)}\n`);
    const entry: ChartEntry = { id: c.id, title: c.title, spec: c.spec, svg: `charts/${c.id}.svg` };
    const image = images[i];
    if (image) {
      write(entry.svg, image.svg);
      if (image.png) {
        entry.png = `charts/${c.id}.png`;
        write(entry.png, image.png);
      }
    }
    entries.push(entry);
  }
  write(
    'index.html',
    reportHtml({
      scenario: req.scenario,
      description: req.description,
      runGroup: req.runGroup,
      traffic: req.traffic,
      rows,
      winners,
      bestRule: eligibility.rule,
      thresholds,
      comparisonsHtml: baselineHtml(baseline, comps),
      costsHtml: costsHtml(json.costs, esc) + verdictHtml(json.verdict, esc),
      charts: entries,
      errors: json.errors,
      reasons: json.top_reasons,
      incidents,
      footer: `routebench ${req.harnessVersion ?? ''} · rows in ${req.dbFile ?? 'the results database'} (runs.run_group = '${req.runGroup}') · every figure computed in DuckDB SQL`,
    }),
  );
  pointLatest(path.join(outDir, req.scenario, 'latest'), req.runGroup);
  return { dir, markdown, json, files, pngSkipped: opts.images !== false && opts.png === true && fonts.length === 0 };
}

/** A relative symlink `link` → `target`, replaced if present (a text file where links fail). */
function pointLatest(link: string, target: string): void {
  try {
    rmSync(link, { force: true, recursive: false });
    symlinkSync(target, link, 'dir');
  } catch {
    writeFileSync(`${link}.txt`, `${target}\n`);
  }
}
