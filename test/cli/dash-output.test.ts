/**
 * An output given as `-`. It made a file or folder literally named `-` in the current folder
 * (`import -o -`, `calibrate -o -`, `report --out=-`, ...), or, written `--out -`, failed with
 * yargs' "Unknown argument: -". Now `-` is stdout where a command writes one text stream
 * (`import -o -`: stdout carries only the trace, the note goes to stderr; `ci summary --out -`),
 * and every other output refuses it (exit 2, before anything runs) with the path to give instead.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const project = mkdtempSync(path.join(os.tmpdir(), 'routebench-dash-output-'));
const home = process.cwd();
beforeEach(() => process.chdir(project));
afterEach(() => process.chdir(home));
afterAll(() => rmSync(project, { recursive: true, force: true }));
const row = (i: number) => JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100 + i, target: 'a' } });
writeFileSync(path.join(project, 'rec.jsonl'), `${Array.from({ length: 20 }, (_, i) => row(i)).join('\n')}\n`);
writeFileSync(path.join(project, 'bt.yaml'), 'name: bt\ntraffic:\n  trace: { path: rec.jsonl }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nbacktest: { strategy: deployed }\nstrategies:\n  deployed: { use: single, options: { target: a } }\n');
/** Nothing but the inputs in the current folder: no `-` (or `-.report.md`) was made. */
const onlyInputs = () => expect(readdirSync(project).sort()).toEqual(['bt.yaml', 'rec.jsonl']);

describe('import -o -: the trace on stdout', () => {
  it.each([['-o'], ['--output']])('%s -: stdout holds only the JSONL rows, the note is on stderr', async (flag) => {
    const r = await cli(['import', 'rec.jsonl', '--format', 'routebench', '--limit', '2', flag, '-']);
    expect(r.out).toBe(
      '{"arrival_ms":0,"route":"gpt-4o-mini","input_tokens":10,"output_tokens":5,"stream":false,"recorded":{"ok":true,"status":200,"latency_ms":100,"target":"a"}}\n' +
        '{"arrival_ms":100,"route":"gpt-4o-mini","input_tokens":10,"output_tokens":5,"stream":false,"recorded":{"ok":true,"status":200,"latency_ms":101,"target":"a"}}\n',
    );
    expect(r.err).toBe('wrote 2 requests to stdout\n');
    expect(r.code).toBe(0);
    onlyInputs();
  });

  it('no request: nothing on stdout, exit 2', async () => {
    const r = await cli(['import', 'rec.jsonl', '--format', 'routebench', '--start', '1h', '-o', '-']);
    expect(r.out).toBe('');
    expect(r.err).toBe("error: rec.jsonl produced no requests; nothing was written to stdout\nhint: no request fell in the --start/--end window, or the file holds none: check the window against the trace's length\n");
    expect(r.code).toBe(2);
    onlyInputs();
  });
});

describe('ci summary --out -: printed, as without --out', () => {
  it('stdout is the summary', async () => {
    const plain = await cli(['ci', 'summary', '--reports', 'none']);
    const r = await cli(['ci', 'summary', '--reports', 'none', '--out', '-']);
    expect(plain.out).toMatch(/^<!-- routebench -->\n/);
    expect(r.out).toBe(plain.out);
    expect(r.code).toBe(0);
    onlyInputs();
  });
});

describe('outputs that cannot be stdout: exit 2, before anything runs, nothing made', () => {
  const hint = (flag: string, example: string, extra = '') => `hint: give a path, e.g. ${flag} ${example}${extra}; ./- names a file or folder called "-"\n`;
  it.each([
    [['calibrate', 'rec.jsonl', '-o', '-'], 'calibrate -o names the calibration file, with its fit report written beside it (.report.md, .report.html): it cannot be stdout (-)', hint('-o', 'calibration.yaml', ' (--json prints the fit on stdout)')],
    [['calibrate', 'rec.jsonl', '--output=-'], 'calibrate -o names the calibration file, with its fit report written beside it (.report.md, .report.html): it cannot be stdout (-)', hint('-o', 'calibration.yaml', ' (--json prints the fit on stdout)')],
    [['record', '--out', '-'], 'record --out names the folder the trace files go into: it cannot be stdout (-)', hint('--out', 'traces/recorded')],
    [['backtest', 'bt.yaml', '--out', '-'], 'backtest --out names the folder for backtest.md and backtest.json: it cannot be stdout (-)', hint('--out', 'reports', ' (the backtest is printed on stdout as it is; --json prints it as JSON)')],
    [['backtest', 'bt.yaml', '--db', '-'], 'backtest --db names the results file, a DuckDB database: it cannot be stdout (-)', hint('--db', 'results/routebench.duckdb')],
    [['export', '--parquet', '-'], 'export --parquet names the folder for the Parquet files and meta.json: it cannot be stdout (-)', hint('--parquet', 'export')],
    [['export', '--parquet', 'out', '--db', '-'], 'export --db names the results file, a DuckDB database: it cannot be stdin (-)', hint('--db', 'results/routebench.duckdb')],
    [['run', 'bt.yaml', '--out=-'], 'run --out names the folder for the reports: it cannot be stdout (-)', hint('--out', 'reports')],
    [['run', 'bt.yaml', '--junit', '-'], "run --junit names the JUnit XML file (stdout carries the run's summary): it cannot be stdout (-)", hint('--junit', 'junit.xml')],
  ])('%j', async (args, error, hintLine) => {
    const r = await cli(args);
    expect(r.err).toBe(`error: ${error}\n${hintLine}`);
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
    onlyInputs();
  });

  it('./- still names a file called "-"', async () => {
    const r = await cli(['import', 'rec.jsonl', '--format', 'routebench', '--limit', '1', '-o', './-']);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(project, '-'))).toBe(true);
    rmSync(path.join(project, '-'));
  });
});
