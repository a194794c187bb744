/**
 * `routebench report`: (re)renders HTML reports from a results file, e.g. after `merge`: one page
 * per scenario, the suite page (<out>/index.html), optionally the history chart (--history N) and
 * the pull-request comment (--pr-comment FILE, against --base results).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { seedOption } from './common-options.js';
import { ExitCode, inputError } from '../../errors.js';
import type { Store } from '../../store/open-store.js';
import { olderFileNote, openForReading } from '../../store/read-older.js';
import { openSource } from '../../store/transfer-runs.js';
import { reportRequestFor, selectRunGroups } from '../../report/report-groups.js';
import { writeReport } from '../../report/write-report.js';
import { suiteEntries, writeSuite, type RenderedScenario } from '../../report/write-suite.js';
import { compareWithBase, prCommentMarkdown, type BaseComparison } from '../../report/pr-comment.js';
import { parseRegressionBudget } from '../../report/regression-budget.js';
import { DEFAULT_COMPARE_SEED, DEFAULT_RESAMPLES } from '../../report/compare-runs.js';
import { harnessVersion } from '../../runner/run-environment.js';
import { ensureWritableFileFolder, ensureWritableFolder, type Io } from '../io.js';
import { refuseForeignOutput, refuseForeignSuite } from '../own-output.js';
import { checkPositiveInteger } from '../option-checks.js';
import { makeFolders } from '../../make-folders.js';
import { count } from '../../plural.js';

export interface ReportArgs {
  db: string;
  out: string;
  'run-group'?: string[];
  scenario?: string;
  images: boolean;
  png: boolean;
  history: number;
  'max-regression'?: string[];
  'pr-comment'?: string;
  base?: string;
  'report-url'?: string;
  resamples: number;
  seed: number;
  workers?: number;
}

/** Drawn on the history chart when no --max-regression is given (the budget the example workflow gates on, with p95 for p99). */
export const DEFAULT_HISTORY_BUDGET = ['success_rate=0.1pp', 'p95_latency_ms=5%', 'cost_per_1k_usd=2%'];

export function reportBuilder(y: Argv): Argv<ReportArgs> {
  return y
    .option('db', { type: 'string', default: 'results/routebench.duckdb', describe: 'results database (DuckDB file)' })
    .option('out', { type: 'string', default: 'reports', describe: 'folder for reports' })
    .option('run-group', { type: 'string', array: true, describe: 'run groups to render (default: the newest of each scenario)' })
    .option('scenario', { type: 'string', describe: 'only this scenario' })
    .option('images', { type: 'boolean', default: true, describe: 'write an SVG per chart (--no-images to skip)' })
    .option('png', { type: 'boolean', default: false, describe: 'also write a PNG per chart (resvg at 2×; needs a TrueType font such as DejaVu Sans)' })
    .option('history', { type: 'number', default: 0, describe: "add a trend chart of each scenario's last N run groups (success, p95, cost per 1k ok; N >= 2)" })
    .option('max-regression', { type: 'string', array: true, describe: 'regression budget, metric=number[%|pp]: drawn on the history chart; with --base, exit 3 when exceeded' })
    .option('pr-comment', { type: 'string', describe: 'write the pull-request comment (Markdown: changes vs --base, the answer, a link) to this file (- for stdout)' })
    .option('base', { type: 'string', describe: "the base branch's results (DuckDB file or exported folder): what changed, on the suite page and in --pr-comment" })
    .option('report-url', { type: 'string', describe: 'link to the full report, for --pr-comment' })
    .option('resamples', { type: 'number', default: DEFAULT_RESAMPLES, describe: 'bootstrap resamples for intervals' })
    .option('seed', { type: 'number', coerce: seedOption, default: DEFAULT_COMPARE_SEED, describe: 'seed of the bootstrap draws' })
    .option('workers', { type: 'number', describe: 'render this many reports at once, charts in worker threads (default: one per available core; 1 renders on the main thread)' }) as unknown as Argv<ReportArgs>;
}

function checkArgs(args: ReportArgs): void {
  if (!Number.isInteger(args.history) || args.history < 0 || args.history === 1)
    throw inputError('BAD_HISTORY', `--history must be 0 (off) or a whole number of run groups >= 2 (got ${args.history})`, [], 'e.g. --history 10');
  if (args.base !== undefined && !existsSync(args.base)) throw inputError('BASE_MISSING', `no base results at ${args.base}`, [], 'give the base branch results file or exported folder; leave --base out when there are none (first run)');
}

export async function reportHandler(args: ReportArgs, io: Io): Promise<number> {
  checkArgs(args);
  checkPositiveInteger('workers', args.workers);
  const given = parseRegressionBudget(args['max-regression'] ?? []);
  ensureWritableFolder(args.out, '--out');
  refuseForeignSuite(args.out);
  if (args['pr-comment'] !== undefined && args['pr-comment'] !== '-') {
    refuseForeignOutput(args['pr-comment'], { flag: '--pr-comment', what: 'the PR comment', starts: ['## routebench'], example: 'pr-comment.md' });
    ensureWritableFileFolder(args['pr-comment'], '--pr-comment');
  }
  // An older results file is read through an up-to-date copy in memory; the file is not altered.
  const store = await openForReading(args.db);
  let base: Store | undefined;
  let code: number = ExitCode.ok;
  // With --pr-comment -, stdout carries the comment only.
  const note = args['pr-comment'] === '-' ? io.err : io.out;
  if (store.migrated) note(olderFileNote(args.db, store.migrated));
  try {
    const rendered: RenderedScenario[] = [];
    const history = args.history >= 2 ? { groups: args.history, budget: given.length ? given : parseRegressionBudget(DEFAULT_HISTORY_BUDGET) } : undefined;
    const groups = await selectRunGroups(store, { runGroups: args['run-group'], scenario: args.scenario });
    const reqs = [];
    for (const group of groups) reqs.push(await reportRequestFor(store, group));
    const opts = { images: args.images, png: args.png, resamples: args.resamples, seed: args.seed, history };
    // Several reports at once (render-pool.ts), printed in order; the files are those of one at a time.
    const workers = args.workers ?? (await import('../../runner/workers/run-parallel.js')).defaultWorkers();
    const pool = workers > 1 && reqs.length > 1 ? (await import('../../report/render-pool.js')).reportPool(store, args.out, workers) : undefined;
    try {
      const pending = reqs.map((req) => (pool ? pool.submit({ ...req, harnessVersion: harnessVersion() }, opts) : undefined));
      for (const [i, req] of reqs.entries()) {
        const written = await (pending[i] ?? writeReport(store, { ...req, harnessVersion: harnessVersion() }, args.out, opts));
        rendered.push({ dir: written.dir, json: written.json });
        note(`report: ${written.dir}/index.html (${req.runs.length} ${req.runs.length === 1 ? 'strategy' : 'strategies'})\n`);
      }
    } finally {
      await pool?.close();
    }
    const entries = await suiteEntries(store, args.out, rendered);
    let comparison: BaseComparison | null = null;
    if (args.base !== undefined) {
      base = statSync(args.base).isDirectory() ? await openSource(args.base) : await openForReading(args.base);
      comparison = await compareWithBase(base, store, { budget: given, resamples: args.resamples, seed: args.seed });
    }
    const suite = writeSuite(args.out, entries, `routebench ${harnessVersion()} · rows in ${args.db}`, comparison);
    note(`suite: ${suite.html}\n`);
    if (args['pr-comment'] !== undefined) {
      const md = prCommentMarkdown({ answers: entries, base: comparison, reportUrl: args['report-url'] });
      if (args['pr-comment'] === '-') io.out(md);
      else {
        makeFolders(path.dirname(path.resolve(args['pr-comment'])), '--pr-comment');
        writeFileSync(args['pr-comment'], md);
        note(`pr comment: ${args['pr-comment']} (${count(md.split('\n').length - 1, 'line')})\n`);
      }
    }
    if (comparison?.changes.some((c) => c.budget.some((b) => b.exceeded))) code = ExitCode.thresholds;
  } finally {
    base?.close();
    store.close();
  }
  return code;
}
