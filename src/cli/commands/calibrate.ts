/**
 * `routebench calibrate <trace..> -o calibration.yaml`: fit each target's mock behaviour and the
 * incidents it went through from traces with observed outcomes (recorded or imported). Writes the
 * calibration file a scenario includes with `calibration:`, and a fit report beside it.
 */
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, environmentFailure, HarnessError } from '../../errors.js';
import { calibrate } from '../../calibrate/calibrate.js';
import { calibrationYaml, mockKind } from '../../calibrate/calibration-yaml.js';
import { fitReport } from '../../calibrate/fit-report.js';
import { formatDuration, parseDuration } from '../../scenario/duration.js';
import { inputError } from '../../errors.js';
import { ensureWritableFileFolder, type Io } from '../io.js';
import { makeFolders } from '../../make-folders.js';
import { count } from '../../plural.js';

export interface CalibrateArgs {
  traces: string[];
  output: string;
  bucket?: string;
  json: boolean;
}

export function calibrateBuilder(y: Argv): Argv<CalibrateArgs> {
  return y
    .positional('traces', { type: 'string', array: true, demandOption: true, describe: 'routebench JSONL traces with observed outcomes (from record or import); a folder reads the .jsonl files in it' })
    .option('output', { alias: 'o', type: 'string', default: 'calibration.yaml', describe: 'calibration file to write (the fit report goes beside it, .md); a path, not - (--json prints the fit)' })
    .option('bucket', { type: 'string', describe: 'time bucket for incident detection, e.g. 30s (default: about 1/240 of the span, 1 s to 5 min)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the fit as JSON' }) as unknown as Argv<CalibrateArgs>;
}

/** Writes `text` to `file` atomically (temp file in the same folder, then rename); a failed write leaves no temp file. */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    makeFolders(path.dirname(path.resolve(file)), '-o');
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    const env = environmentFailure(e, file);
    // the generic hint names --db / --out, which calibrate does not have
    throw env ? new HarnessError(env.code, env.message, { hint: (env.hint ?? '').replace(/--db \/ --out|--db|--out/g, '-o'), exitCode: env.exitCode, cause: e }) : e;
  }
}

/** How each file calibrate writes begins: an existing file that begins otherwise is not ours to replace. */
const OWN_START: readonly [RegExp, string][] = [
  [/\.report\.md$/, '# Calibration fit report'],
  [/\.report\.html$/, '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>routebench calibration fit report</title>'],
  [/$/, '# Written by routebench calibrate'],
];

/** Refuses (exit 2, before any work) an output that is a folder, or an existing non-empty file calibrate did not write. */
function checkOutput(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    return; // not there (or not reachable: the write says why)
  }
  if (st.isDirectory()) throw inputError('BAD_OPTION', `-o ${file} is a folder; -o names the calibration file to write`, [], `e.g. -o ${path.join(file, 'calibration.yaml')}`);
  if (st.size === 0) return;
  const start = OWN_START.find(([re]) => re.test(file))![1];
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(start.length);
  try {
    readSync(fd, head, 0, start.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('utf8') !== start)
    throw inputError('BAD_OPTION', `${file} exists and was not written by routebench calibrate; it was left untouched`, [], 'write the calibration elsewhere with -o, or remove that file first');
}

export async function calibrateHandler(args: CalibrateArgs, io: Io): Promise<number> {
  const bucketMs = args.bucket === undefined ? undefined : parseDuration(args.bucket);
  if (args.bucket !== undefined && (bucketMs === undefined || bucketMs <= 0)) throw inputError('BAD_OPTION', `--bucket ${args.bucket} ${bucketMs === undefined ? 'is not a duration' : 'must be longer than 0'}`, [], 'e.g. --bucket 30s');
  const reportFile = args.output.replace(/\.(ya?ml|json)$/i, '') + '.report.md';
  const inputs = new Set(args.traces.map((t) => path.resolve(t)));
  const clash = [args.output, reportFile].find((f) => inputs.has(path.resolve(f)));
  if (clash !== undefined) throw inputError('BAD_OPTION', `calibrate would overwrite its input ${clash}`, [], 'write the calibration elsewhere, e.g. -o calibration.yaml');
  for (const f of [args.output, reportFile, reportFile.replace(/\.md$/, '.html')]) checkOutput(f);
  ensureWritableFileFolder(args.output, '-o');
  // Ctrl-C: the three files are made first and written together, or not at all (a Ctrl-C while
  // the page rendered left a new calibration beside the old fit report and page).
  let interrupted = false;
  const off = io.onInterrupt(() => {
    interrupted = true;
    io.err('\nCtrl-C: stopping; nothing will be written (press again to exit now)\n');
  });
  const pageFile = reportFile.replace(/\.md$/, '.html');
  let c: Awaited<ReturnType<typeof calibrate>>;
  try {
    c = await calibrate(args.traces, { bucketMs });
    const yaml = calibrationYaml(c, args.traces.map((t) => path.basename(t)).join(', '));
    const md = fitReport(c);
    const { calibrationPage } = await import('../../report/calibration-page.js');
    const html = await calibrationPage(c);
    if (interrupted) {
      io.err(`interrupted: ${args.output} and its fit report ${existsSync(args.output) ? 'were left as they were' : 'were not written'}\n`);
      return 130;
    }
    writeAtomic(args.output, yaml);
    writeAtomic(reportFile, md);
    writeAtomic(pageFile, html);
  } finally {
    off();
  }
  if (args.json) {
    io.out(`${JSON.stringify({ ...c, output: args.output, report: reportFile, page: pageFile })}\n`);
    return ExitCode.ok;
  }
  io.out(`calibrated ${count(c.targets.length, 'target')} from ${count(c.calls, 'observed call')}${c.upstream > 0 ? ` and ${count(c.upstream, 'failed upstream attempt')} before them` : ''} → ${args.output} (fit report: ${reportFile}, with charts: ${pageFile})\n`);
  for (const t of c.targets) {
    const fits = [t.ttft && `TTFT ${t.ttft.model} (KS ${t.ttft.ks.toFixed(3)})`, t.tokensPerS && `tokens/s ${t.tokensPerS.model} (KS ${t.tokensPerS.ks.toFixed(3)})`].filter(Boolean).join(', ');
    // 429s that follow load are written as a limit, not a share (calibration-yaml.ts): say which the mock gets
    const limit = t.rateLimit?.loadDriven && t.rateLimit.rpm ? t.rateLimit.rpm : undefined;
    // and a kind the mock does not know is mocked as another, or left out (the fit report says so too)
    const as = (kind: string) => {
      if (kind === 'rate_limited' && limit !== undefined) return ` (following load: mocked as a limit of ${limit.toLocaleString('en-US')} requests per minute)`;
      const mocked = mockKind(kind);
      return mocked === kind ? '' : mocked === undefined ? " (the gateway's own: left out)" : ` (mocked as ${mocked})`;
    };
    const errs = t.errors.map((e) => `${e.kind} ${(e.rate * 100).toFixed(2)}%${as(e.kind)}`).join(', ') || 'no errors';
    io.out(`  ${c.ids[t.target]}: ${count(t.calls, 'call')}; ${fits || 'no latency data'}; ${errs}\n`);
    // a target that served several models: each fitted on its own, and those too few to fit
    for (const m of t.models ?? [])
      io.out(`    model ${m.model}: ${count(m.calls, 'call')}; ${m.ttft ? `TTFT p50 ${Math.round(Math.exp(m.ttft.fit.mu))} ms ${m.ttft.model} (KS ${m.ttft.ks.toFixed(3)})` : 'no TTFT'}${m.tokensPerS ? `, tokens/s p50 ${Math.round(Math.exp(m.tokensPerS.fit.mu))}` : ''}${m.ownErrors ? '; own error rates' : ''}\n`);
    if (t.pooled?.length) io.out(`    pooled into ${c.ids[t.target]}'s fit (too few calls to fit on their own): ${t.pooled.map((p) => `${p.model} (${count(p.calls, 'call')})`).join(', ')}\n`);
  }
  // most of a target's streamed calls without a TTFT: its TTFT and pace come from the few that have one
  for (const t of c.targets)
    if (t.streamsWithoutTtft && t.streamsWithoutTtft.without > t.streamsWithoutTtft.with)
      io.err(`note: ${c.ids[t.target]}: ${t.streamsWithoutTtft.without.toLocaleString('en-US')} of ${(t.streamsWithoutTtft.without + t.streamsWithoutTtft.with).toLocaleString('en-US')} successful streamed calls have no ttft_ms; TTFT and tokens/s are fitted on the other ${t.streamsWithoutTtft.with.toLocaleString('en-US')} (see the fit report)\n`);
  if (c.cacheHits > 0) io.out(`  ${count(c.cacheHits, 'call')} answered from a gateway's cache left out (they say nothing about a provider)\n`);
  // one bucket over the whole recording: its own share is the baseline, nothing can stand out from it
  if (args.bucket !== undefined && c.bucketMs > c.spanMs)
    io.err(`note: --bucket ${args.bucket} is longer than the recording (${formatDuration(c.spanMs)}): one bucket holds every call, so no incident can stand out from the everyday rate and every failure counts as an everyday error (leave --bucket out for about 240 buckets over the span)\n`);
  else if (args.bucket !== undefined && c.callsPerBucket < 20)
    io.err(`note: --bucket ${args.bucket} holds about ${c.callsPerBucket.toFixed(1)} calls of the busiest target: too few to tell an incident from bad luck, so incidents may be missed and counted as everyday errors (leave --bucket out for a width with ~20)\n`);
  for (const i of c.incidents) io.out(`  incident: ${c.ids[i.target]} ${i.kind} from ${Math.round(i.startMs / 1000)} s for ${Math.round(i.durationMs / 1000)} s (±${Math.max(1, Math.round(i.resolutionMs / 1000))} s, log10 p ${i.log10P.toFixed(0)})\n`);
  return ExitCode.ok;
}
