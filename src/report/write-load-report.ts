/**
 * Writes a load run's report under `<out>/<scenario>/<name>/` (load-<time>): index.html (offline),
 * summary.md, summary.json, and the frontier chart as vega-lite spec, SVG and (fonts allowing) PNG.
 * Points `<out>/<scenario>/latest-load` at it.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorRate } from '../load/frontier.js';
import { frontierChart } from './charts/frontier.js';
import { loadMarkdown } from './load-markdown.js';
import { loadPageHtml } from './load-page.js';
import type { LoadSummaryJson } from './load-summary.js';
import { chartPng, chartSvg } from './render-chart.js';
import { pngFonts } from './png-fonts.js';

export interface WrittenLoadReport {
  dir: string;
  files: string[];
}

/** `name` is the folder under `<out>/<scenario>/`, e.g. `load-20261127T174615Z`. */
export async function writeLoadReport(s: LoadSummaryJson, outDir: string, name: string, footer: string, opts: { images?: boolean } = {}): Promise<WrittenLoadReport> {
  const dir = path.join(outDir, s.scenario, name);
  mkdirSync(path.join(dir, 'charts'), { recursive: true });
  const files: string[] = [];
  const write = (rel: string, content: string | Buffer) => {
    writeFileSync(path.join(dir, rel), content);
    files.push(rel);
  };
  const frontierPicks = new Set(s.frontier.filter((c) => c.loop !== null).map((c) => `${c.arm}|${c.loop}|${c.level}`));
  const arms = s.arms.filter((a) => s.points.some((p) => p.arm === a.name)).map((a) => a.name);
  const spec = frontierChart(
    s.points.map((p) => ({ arm: p.arm, loop: p.loop, level: p.level, achieved_rps: p.achieved_rps, p99_ms: p.p99_ms, error_rate: errorRate(p), picked: frontierPicks.has(`${p.arm}|${p.loop}|${p.level}`) })),
    arms,
    s.frontier_bounds_ms,
  );
  write('charts/frontier.vl.json', `${JSON.stringify(spec, null, 2)}\n`);
  const chart: { spec: unknown; svg: string; png?: string } = { spec, svg: 'charts/frontier.svg' };
  if (opts.images !== false) {
    const svg = await chartSvg(spec);
    write(chart.svg, svg);
    const fonts = pngFonts();
    if (fonts.length > 0) {
      chart.png = 'charts/frontier.png';
      write(chart.png, chartPng(svg, fonts));
    }
  }
  write('summary.md', loadMarkdown(s));
  write('summary.json', `${JSON.stringify(s, null, 2)}\n`);
  write('index.html', loadPageHtml(s, chart, footer));
  const link = path.join(outDir, s.scenario, 'latest-load');
  try {
    rmSync(link, { force: true });
    symlinkSync(name, link, 'dir');
  } catch {
    writeFileSync(`${link}.txt`, `${name}\n`);
  }
  return { dir, files };
}
