/**
 * `routebench compare <baseline> <candidate>`: every metric of two runs side by side with the 95%
 * confidence interval of the difference and a win / loss / tie verdict (a win or a loss only when
 * the interval excludes 0). Runs are given by run_id (or run_no) and may come from one results
 * file (--db) or two (--baseline-db, --candidate-db); a folder is read as an exported run set.
 * `--max-regression` turns the comparison into a CI gate: exit 3 when a significant regression is
 * larger than its budget. A run that did not finish is refused (exit 2) unless --allow-partial,
 * which compares only the common traffic window and says so (report/compare-partial.ts).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { seedOption } from './common-options.js';
import { ExitCode, inputError } from '../../errors.js';
import { compareRuns, DEFAULT_COMPARE_SEED, DEFAULT_RESAMPLES } from '../../report/compare-runs.js';
import { comparisonMarkdown, overallVerdict, type ComparisonReport } from '../../report/comparison-markdown.js';
import { checkRegressionBudget, parseRegressionBudget } from '../../report/regression-budget.js';
import { resolvePairs } from '../../report/compare-pairs.js';
import { commonWindow, partialSides, refusePartial } from '../../report/compare-partial.js';
import type { Store } from '../../store/open-store.js';
import { olderFileNote, openForReading } from '../../store/read-older.js';
import { openSource } from '../../store/transfer-runs.js';
import { holdsNoRun } from '../fresh-results-file.js';
import { ensureWritableFolder, type Io } from '../io.js';
import { makeFolders } from '../../make-folders.js';

export interface CompareArgs {
  baseline?: string;
  candidate?: string;
  all: boolean;
  db: string;
  'baseline-db'?: string;
  'candidate-db'?: string;
  'max-regression'?: string[];
  resamples: number;
  seed: number;
  'allow-different': boolean;
  'allow-partial'?: boolean;
  json: boolean;
  out?: string;
}

export function compareBuilder(y: Argv): Argv<CompareArgs> {
  return y
    .positional('baseline', { type: 'string', describe: 'baseline run id (or run_no, or a run group: every strategy in common)' })
    .positional('candidate', { type: 'string', describe: 'candidate run id (or run_no, or a run group)' })
    .option('all', { type: 'boolean', default: false, describe: 'compare the newest run group of every scenario on both sides (CI: pull request vs base)' })
    .option('db', { type: 'string', default: 'results/routebench.duckdb', describe: 'results database (DuckDB file, or an exported folder) holding both runs' })
    .option('baseline-db', { type: 'string', describe: 'read the baseline run from this file or folder instead of --db' })
    .option('candidate-db', { type: 'string', describe: 'read the candidate run from this file or folder instead of --db' })
    .option('max-regression', {
      type: 'string',
      array: true,
      describe: 'exit 3 when a significant regression exceeds a budget: metric=number[%|pp], e.g. p99_latency_ms=5% success_rate=0.1pp cost=2%',
    })
    .option('resamples', { type: 'number', default: DEFAULT_RESAMPLES, describe: 'bootstrap resamples per run for quantile intervals' })
    .option('seed', { type: 'number', coerce: seedOption, default: DEFAULT_COMPARE_SEED, describe: 'seed of the bootstrap draws' })
    .option('allow-different', { type: 'boolean', default: false, describe: 'compare runs of different scenarios anyway' })
    .option('allow-partial', {
      type: 'boolean',
      default: false,
      describe:
        'compare a run that did not finish (interrupted, error, running, abandoned) or that an abort_on_fail threshold stopped (refused by default, exit 2) over the common traffic window only: requests scheduled before its first incomplete one, in both runs',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON' })
    .option('out', { type: 'string', describe: 'also write <out>/compare/<baseline>..<candidate>.md and .json' }) as unknown as Argv<CompareArgs>;
}

/**
 * A results file opened read-only (one written by an older routebench through an up-to-date copy
 * in memory, said on stderr; the file is not altered), or an exported folder through openSource.
 */
async function openSide(file: string, io: Io): Promise<Store> {
  if (!existsSync(file))
    throw inputError('DB_MISSING', `no results database at ${file}`, [], 'run `routebench run` first, or point --db / --baseline-db / --candidate-db at a results file or an exported folder');
  if (statSync(file).isDirectory()) return openSource(file);
  const store = await openForReading(file);
  if (store.migrated) io.err(olderFileNote(file, store.migrated));
  // An empty file was "X and X have no scenario in common" (--all) or "unknown baseline run".
  if (await holdsNoRun(store)) {
    store.close();
    throw inputError('DB_EMPTY', `${file} holds no runs`, [], 'run a scenario first (routebench run), or point --db at a results file');
  }
  return store;
}

const fileSafe = (id: string) => id.replace(/[/\\:*?"<>|\s]+/g, '_');

export async function compareHandler(args: CompareArgs, io: Io): Promise<number> {
  const budget = parseRegressionBudget(args['max-regression'] ?? []);
  const baseFile = args['baseline-db'] ?? args.db;
  const candFile = args['candidate-db'] ?? args.db;
  // --all picks the pairs itself: runs named beside it were ignored without a word (and not even checked).
  if (args.all && (args.baseline !== undefined || args.candidate !== undefined))
    throw inputError('BAD_OPTION', `--all compares the newest run group of every scenario; it does not take runs (${[args.baseline, args.candidate].filter((x) => x !== undefined).join(', ')})`, [], 'give a baseline and a candidate, or --all, not both');
  if (args.out) ensureWritableFolder(args.out, '--out');
  const stores: Store[] = [];
  try {
    const baseStore = await openSide(baseFile, io);
    stores.push(baseStore);
    const candStore = path.resolve(candFile) === path.resolve(baseFile) ? baseStore : await openSide(candFile, io);
    if (candStore !== baseStore) stores.push(candStore);

    const pairs = await resolvePairs(baseStore, candStore, { baseline: args.baseline, candidate: args.candidate, all: args.all });
    let exceeded = false;
    const jsonOut: unknown[] = [];
    // Every partial run is named before anything is compared.
    if (!args['allow-partial']) refusePartial(pairs.flatMap((p) => partialSides(p.baseline, p.candidate)));
    for (const { baseline, candidate } of pairs) {
      const partial = partialSides(baseline, candidate);
      const untilMs = partial.length > 0 ? await commonWindow({ store: baseStore, info: baseline }, { store: candStore, info: candidate }, partial) : undefined;
      const rows = await compareRuns(
        { store: baseStore, runNo: baseline.runNo },
        { store: candStore, runNo: candidate.runNo },
        { resamples: args.resamples, seed: args.seed, allowDifferent: args['allow-different'], untilMs },
      );
      const checks = budget.length > 0 ? checkRegressionBudget(budget, rows) : undefined;
      exceeded ||= checks?.exceeded ?? false;
      const report: ComparisonReport = { baseline, candidate, rows, resamples: args.resamples, seed: args.seed, budget: checks };
      if (untilMs !== undefined) report.window = { untilMs, partial };
      const markdown = comparisonMarkdown(report);
      const json = { ...report, overall: overallVerdict(rows), budget: checks ?? null };
      jsonOut.push(json);
      let written: string | undefined;
      if (args.out) {
        const dir = path.join(args.out, 'compare');
        makeFolders(dir);
        const stem = path.join(dir, `${fileSafe(baseline.runId)}..${fileSafe(candidate.runId)}`);
        writeFileSync(`${stem}.md`, markdown);
        writeFileSync(`${stem}.json`, `${JSON.stringify(json, null, 2)}\n`);
        written = `${stem}.md`;
      }
      if (!args.json) io.out(`${markdown}${written ? `written: ${written} (and .json)\n` : ''}`);
    }
    // Always an array (one entry per comparison), so scripts read one shape.
    if (args.json) io.out(`${JSON.stringify(jsonOut, null, 2)}\n`);
    if (pairs.length > 1 && !args.json) io.out(`${pairs.length} comparisons${exceeded ? '; regression budget exceeded' : ''}\n`);
    return exceeded ? ExitCode.thresholds : ExitCode.ok;
  } finally {
    for (const s of stores) s.close();
  }
}
