/**
 * Child process of the `default-suite` bench case: `routebench run <paths> --workers N` from the
 * sources, into a fresh database and report folder; prints one JSON line with the exit code, the
 * wall time and the process's peak RSS (worker threads included: they share the process).
 *
 * argv: <db> <out> <workers> [paths...] [--limit N]
 */
import { runCli } from '../src/cli/main.js';
import { processIo } from '../src/cli/io.js';

const [db, out, workers, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]];
const t0 = performance.now();
// stdout carries only the JSON line below: the CLI's own output (failed thresholds) is dropped.
const code = await runCli(['run', ...rest, '--db', db, '--out', out, '--quiet', '--workers', workers], { ...processIo(), out: () => undefined });
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ code, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
