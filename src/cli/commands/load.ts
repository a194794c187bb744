/**
 * `routebench load <scenario>`: capacity, throughput frontier and added latency of the arms in the
 * scenario's `load:` section (straight to the mock, through `routebench serve`, through your own
 * gateway), against the scenario's mock server in its own process. Results go to the results
 * database (load_* tables) and to reports/<scenario>/load-<time>/.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Argv } from 'yargs';
import { environmentError, ExitCode, inputError } from '../../errors.js';
import { planScenario } from '../../engine/plan-scenario.js';
import { planArms } from '../../load/plan-arms.js';
import { procReader } from '../../load/proc-sampler.js';
import { runLoad } from '../../load/run-load.js';
import { pointLabel } from '../../load/frontier.js';
import { buildLoadSummary, fmtLatencyMs, fmtRps } from '../../report/load-summary.js';
import { writeLoadReport } from '../../report/write-load-report.js';
import { runGroupName } from '../../runner/run-bookkeeping.js';
import { systemEnvironment } from '../../runner/run-environment.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { openStore } from '../../store/open-store.js';
import { ensureWritableFileFolder, ensureWritableFolder, type Io } from '../io.js';
import { formatLoadTable } from '../load-table.js';
import { commonOptions, type CommonArgs, portOption, seedOption } from './common-options.js';
import { count } from '../../plural.js';

export interface LoadArgs extends CommonArgs {
  scenario: string;
  arm?: string[];
  pid?: string[];
  'allow-remote': boolean;
  'mock-port': number;
  pin: boolean;
  seed?: number;
}

export function loadBuilder(y: Argv): Argv<LoadArgs> {
  return commonOptions(y)
    .positional('scenario', { type: 'string', demandOption: true, describe: 'a scenario with a load: section, e.g. scenarios/gateways/gateway-overhead.yaml' })
    .option('arm', { type: 'string', array: true, describe: 'load only these arms (the direct baseline stays when a gateway arm needs it)' })
    .option('pid', { type: 'string', array: true, describe: "your gateway's process id, for its CPU and RSS (or arm=pid)" })
    .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a gateway URL that is not on this machine' })
    .option('mock-port', { type: 'number', coerce: portOption('mock-port'), default: 7070, describe: "the mock server's port (your gateway's upstreams point at it; 0: any free port)" })
    .option('pin', { type: 'boolean', default: false, describe: 'pin routebench serve to cpu1; the mock, autocannon and this process to cpu0 (taskset)' })
    .option('seed', { type: 'number', coerce: seedOption, describe: 'override the scenario seed' }) as unknown as Argv<LoadArgs>;
}

const nowUs = () => Number(process.hrtime.bigint()) / 1000;

/** --pin: this process (the open-loop generator and the overhead rounds) on cpu0, with the mock and autocannon. */
function pinSelf(): void {
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore', timeout: 2000 });
  } catch (e) {
    throw environmentError('NO_TASKSET', 'cannot pin processes to CPUs: taskset failed or is missing', 'install util-linux (taskset), or run without --pin', e);
  }
}

export async function loadHandler(args: LoadArgs, io: Io): Promise<number> {
  const loaded = await loadScenario(args.scenario);
  const spec = loaded.scenario.load;
  if (!spec) throw inputError('NO_LOAD_SECTION', `${args.scenario} has no load: section`, [{ file: args.scenario, path: 'load', message: 'required by routebench load' }], 'add one (see scenarios/gateways/gateway-overhead.yaml), or run the scenario with `routebench run`');
  const plan = planScenario(loaded, { seed: args.seed });
  const arms = planArms(plan, spec, { env: io.env, allowRemote: args['allow-remote'], only: args.arm, pids: args.pid });
  const say = (t: string) => {
    if (!args.quiet) io.err(`${t}\n`);
  };
  // With --json, stdout carries the JSON only; everything else goes to stderr.
  const note = args.json ? io.err : io.out;
  for (const s of arms.skipped) note(`${s.arm}: skipped, ${s.reason}\n`);
  if (arms.arms.length === 0) throw inputError('NO_ARMS', `${args.scenario}: no arm left to load`, [], 'set the variables the skipped arms name, or add a direct arm');

  ensureWritableFolder(args.out, '--out');
  ensureWritableFileFolder(args.db, '--db');
  if (args.pin) pinSelf();
  const env = systemEnvironment(loaded.dir);
  const startedAt = env.wallClock();
  const reportName = runGroupName('load', startedAt);
  const runId = `${plan.name}-${reportName}`;
  const store = await openStore(args.db);
  const controller = new AbortController();
  const off = io.onInterrupt(() => {
    say('stopping after the current point (Ctrl-C again to quit at once)');
    controller.abort();
  });
  try {
    const loadAverage = os.loadavg();
    const result = await runLoad({
      store,
      plan,
      spec,
      arms,
      runId,
      mockPort: args['mock-port'],
      pin: args.pin,
      nowUs,
      wallClock: env.wallClock,
      reader: procReader(),
      signal: controller.signal,
      facts: { host: { ...env.host, pinned: args.pin }, harnessVersion: env.harnessVersion, gitCommit: env.gitCommit, loadAverage },
      events: {
        onMock: (url, targets) => {
          note(`mock server on ${url}; point a gateway's upstreams at:\n`);
          for (const t of targets) note(`  ${t.padEnd(12)} ${url}/t/${t}/v1\n`);
        },
        onArm: (arm, what) => say(`${arm}: ${what}`),
        onGenerator: (samples) => say(`generator alone: send lag p99 ${samples.map((x) => `${fmtLatencyMs(x.lagP99Ms)} at ${fmtRps(x.rate)}`).join(', ')}`),
        onPoint: (p) => say(`  ${p.arm} ${p.loop} ${pointLabel(p)}: ${fmtRps(p.achieved_rps)} ok, p99 ${fmtLatencyMs(p.p99_ms)}, ${count(p.errors, 'error')}${p.dropped ? `, ${p.dropped} dropped` : ''}${p.loop === 'open' ? `, lag p99 ${fmtLatencyMs(p.lag_p99_ms)}` : ''}`),
        onOverhead: (arm, c) => say(`  ${arm} overhead c=${c.concurrency} ${c.stream ? 'stream' : 'plain'}: ${count(c.pairs, 'pair')}${c.stopped ? ` (stopped: ${c.stopped.replace('_', ' ')})` : ''}`),
      },
    });
    const summary = buildLoadSummary(result, { scenario: plan.name, description: loaded.scenario.description, host: env.host, loadAverage });
    const written = await writeLoadReport(summary, args.out, reportName, `routebench ${env.harnessVersion} · rows in ${args.db} (load_runs.load_run_id = '${runId}') · figures computed in DuckDB SQL`);
    await store.checkpoint();
    const shown = path.relative('.', written.dir);
    if (args.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
    else io.out(`${formatLoadTable(summary, shown.startsWith('..') ? written.dir : shown)}\n`);
    if (result.status === 'interrupted') return 130;
    const failed = result.arms.filter((a) => a.status === 'failed');
    if (failed.length > 0) {
      for (const a of failed) io.err(`error: arm ${a.name} failed: ${a.note}\n`);
      io.err(`${failed.length} of ${count(result.arms.length, 'arm')} failed; their rows are missing from the report\n`);
      return ExitCode.environment;
    }
    return ExitCode.ok;
  } finally {
    off();
    store.close();
  }
}
