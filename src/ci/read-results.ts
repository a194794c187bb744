/**
 * Reads each scenario's newest summary.json under a reports folder (the `latest` pointer
 * `routebench report` keeps per scenario): `routebench ci summary` counts failed thresholds there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors.js';
import type { SummaryJson } from '../report/write-summary.js';

/** The run group folder `<reports>/<scenario>/latest` points at (a symlink, or latest.txt where links fail). */
function latestDir(scenarioDir: string): string | undefined {
  const link = path.join(scenarioDir, 'latest');
  if (existsSync(path.join(link, 'summary.json'))) return link;
  const txt = `${link}.txt`;
  if (existsSync(txt)) return path.join(scenarioDir, readFileSync(txt, 'utf8').trim());
  return undefined;
}

/** Every scenario's newest summary, sorted by scenario name; none when the folder is missing. */
export function readSummaries(reportsDir: string): SummaryJson[] {
  if (!existsSync(reportsDir)) return [];
  const out: SummaryJson[] = [];
  for (const name of readdirSync(reportsDir).sort()) {
    const dir = path.join(reportsDir, name);
    if (name === 'latest' || name === 'compare' || !statSync(dir).isDirectory()) continue;
    const latest = latestDir(dir);
    const file = latest && path.join(latest, 'summary.json');
    if (!file || !existsSync(file)) continue;
    try {
      out.push(JSON.parse(readFileSync(file, 'utf8')) as SummaryJson);
    } catch (e) {
      throw inputError('BAD_SUMMARY', `${file} is not valid JSON`, [{ file, path: '', message: (e as Error).message }], 'render the report again with `routebench report`');
    }
  }
  return out;
}
