/**
 * Reads what `routebench ci summary` assembles: each scenario's newest summary.json under a
 * reports folder (the `latest` pointer `routebench report` keeps per scenario), and the JSON of
 * `routebench compare --json` (one comparison or an array).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors.js';
import type { SummaryJson } from '../report/write-summary.js';
import type { CompareJson } from './job-summary.js';

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

/** The comparisons in a `routebench compare --json` output file. */
export function readComparisons(file: string): CompareJson[] {
  if (!existsSync(file)) throw inputError('NO_COMPARISON', `${file} does not exist`, [{ file, path: '', message: 'no such file' }], 'write it with `routebench compare --all --json ... > file`');
  const text = readFileSync(file, 'utf8').trim();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw inputError('BAD_COMPARISON', `${file} is not the JSON of routebench compare --json`, [{ file, path: '', message: (e as Error).message }], 'write it with `routebench compare --all --json ... > file`');
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const bad = list.findIndex((c) => !c || typeof c !== 'object' || !('candidate' in c) || !Array.isArray((c as CompareJson).rows));
  if (bad >= 0) throw inputError('BAD_COMPARISON', `${file} is not the JSON of routebench compare --json`, [{ file, path: `[${bad}]`, message: 'expected { baseline, candidate, rows, overall, budget }' }], 'write it with `routebench compare --all --json ... > file`');
  return list as CompareJson[];
}
