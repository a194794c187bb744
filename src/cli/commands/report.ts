/** `routebench report`: (re)renders HTML reports from a results file, e.g. after `merge`. */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { openStore } from '../../store/open-store.js';
import { reportRequestFor, selectRunGroups } from '../../report/report-groups.js';
import { writeReport } from '../../report/write-report.js';
import { harnessVersion } from '../../runner/run-environment.js';
import type { Io } from '../io.js';

export interface ReportArgs {
  db: string;
  out: string;
  'run-group'?: string[];
  scenario?: string;
  images: boolean;
}

export function reportBuilder(y: Argv): Argv<ReportArgs> {
  return y
    .option('db', { type: 'string', default: 'results/routebench.duckdb', describe: 'results database (DuckDB file)' })
    .option('out', { type: 'string', default: 'reports', describe: 'folder for reports' })
    .option('run-group', { type: 'string', array: true, describe: 'run groups to render (default: the newest of each scenario)' })
    .option('scenario', { type: 'string', describe: 'only this scenario' })
    .option('images', { type: 'boolean', default: true, describe: 'write SVG/PNG per chart (--no-images to skip)' }) as unknown as Argv<ReportArgs>;
}

export async function reportHandler(args: ReportArgs, io: Io): Promise<number> {
  const store = await openStore(args.db, { readOnly: true });
  try {
    for (const group of await selectRunGroups(store, { runGroups: args['run-group'], scenario: args.scenario })) {
      const req = await reportRequestFor(store, group);
      const written = await writeReport(store, { ...req, harnessVersion: harnessVersion() }, args.out, { images: args.images });
      io.out(`report: ${written.dir}/index.html (${req.runs.length} strategies)\n`);
    }
  } finally {
    store.close();
  }
  return ExitCode.ok;
}
