/**
 * Writes the suite page of the scenarios a `run` or `report` rendered: `<out>/index.html` (the
 * page a CI check links to), `<out>/index.md` (the same answers as Markdown) and `<out>/index.json`.
 *
 * `<out>/<scenario>/latest` keeps pointing at each scenario's newest report. The old
 * `<out>/latest` link (the last scenario rendered, whichever that was) is removed when it is ours:
 * index.html is the entry point now.
 */
import { lstatSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/open-store.js';
import { runGroupFacts } from '../store/report-queries.js';
import { suiteAnswerMarkdown, suiteRow, thresholdStatus, type SuiteEntry } from './suite-answer.js';
import { suiteHtml } from './suite-page.js';
import type { SummaryJson } from './write-summary.js';
import type { BaseComparison } from './pr-comment.js';

export interface RenderedScenario {
  /** The scenario report's folder (as writeReport returned it). */
  dir: string;
  json: SummaryJson;
}

/** Suite entries for rendered scenario reports, links relative to `outDir`, commit and time from the runs table. */
export async function suiteEntries(store: Store, outDir: string, rendered: readonly RenderedScenario[]): Promise<SuiteEntry[]> {
  const out: SuiteEntry[] = [];
  for (const r of rendered) {
    const facts = await runGroupFacts(store, r.json.run_group);
    out.push({
      scenario: r.json.scenario,
      runGroup: r.json.run_group,
      href: path.relative(outDir, path.join(r.dir, 'index.html')).split(path.sep).join('/'),
      json: r.json,
      commit: facts.commit,
      startedAt: facts.started_at,
    });
  }
  return out;
}

export function writeSuite(outDir: string, entries: readonly SuiteEntry[], footer: string, base?: BaseComparison | null): { html: string; markdown: string } {
  const html = path.join(outDir, 'index.html');
  writeFileSync(html, suiteHtml({ entries, footer, base }));
  const rows = entries.map(suiteRow);
  const md = `# routebench suite\n\n${suiteAnswerMarkdown(rows, (r) => (r.href ? `[${r.scenario}](${r.href})` : r.scenario))}\n`;
  writeFileSync(path.join(outDir, 'index.md'), md);
  writeFileSync(
    path.join(outDir, 'index.json'),
    `${JSON.stringify({ scenarios: rows.map((r, i) => ({ ...r, run_group: entries[i]!.runGroup, commit: entries[i]!.commit, started_at: entries[i]!.startedAt, thresholds: thresholdStatus(r) })) }, null, 2)}\n`,
  );
  removeOldLatest(outDir);
  return { html, markdown: path.join(outDir, 'index.md') };
}

/** Removes `<out>/latest` if it is a symbolic link (or the `latest.txt` written where links fail); never a real folder. */
function removeOldLatest(outDir: string): void {
  const link = path.join(outDir, 'latest');
  try {
    if (lstatSync(link).isSymbolicLink()) rmSync(link);
  } catch {
    // absent
  }
  rmSync(`${link}.txt`, { force: true });
}
