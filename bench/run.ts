/**
 * `npm run bench [-- --only a,b] [-- --runs N] [-- --tiny] [-- --out file]`; `-- --help` lists the
 * cases (case-registry.ts) without running them. One JSON report on stdout, also saved under
 * bench/results/ (git-ignored): machine facts (CPU, cores, load average, Node, commit), then each
 * case's figures with the load average before and after it. This machine is shared and noisy:
 * compare ratios measured within one run, not absolute numbers across days.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_CASES, helpText, type CaseContext } from './case-registry.js';
import { machineFacts } from './machine.js';
import { loadAverage } from './util.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(helpText());
  process.exit(0);
}
const only = value('--only')?.split(',');
const unknown = (only ?? []).filter((n) => !BENCH_CASES.some((c) => c.name === n));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench case(s): ${unknown.join(', ')}\n\n${helpText()}`);
  process.exit(2);
}
const tiny = args.includes('--tiny');
const runs = Number(value('--runs') ?? (tiny ? 1 : 3));
const tmp = path.join(os.tmpdir(), `routebench-bench-${process.pid}`);
mkdirSync(tmp, { recursive: true });
const ctx: CaseContext = { runs, tiny, tmp, root, env: { wallClock: () => new Date(), monotonicMs: () => performance.now(), harnessVersion: 'bench', gitCommit: null, host: {} } };

const machine = machineFacts(root);
const results: Record<string, unknown> = {};
for (const c of BENCH_CASES) {
  if (only && !only.includes(c.name)) continue;
  process.stderr.write(`bench: ${c.name}…\n`);
  const before = loadAverage();
  const t0 = performance.now();
  const figures = await c.run(ctx);
  results[c.name] = { ...figures, caseSeconds: Math.round(performance.now() - t0) / 1000, loadAverageBefore: before, loadAverageAfter: loadAverage() };
}
rmSync(tmp, { recursive: true, force: true });
const report = { machine, runs, tiny, full: !only && !tiny, results };
const out = value('--out') ?? path.join(root, 'bench/results', `${machine.date.replace(/[:.]/g, '-')}.json`);
mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
