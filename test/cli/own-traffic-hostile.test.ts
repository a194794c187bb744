/**
 * The own-traffic path (calibrate, backtest) as a new user meets it with a slip of the hand: bad
 * option values, output paths that are not what the command writes, malformed trace lines. Each
 * must end in its documented exit code with a plain message, and leave the user's files as they were.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-own-hostile-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('backtest tolerances', () => {
  it.each([
    ['--success-pp', '-1', /--success-pp must be a number above 0, got -1/],
    ['--success-pp', '0', /--success-pp must be a number above 0, got 0/],
    ['--latency-pct', 'abc', /--latency-pct must be a number above 0, got something that is not a number/],
  ])('%s %s is a usage error (exit 2), not a pass or a failed backtest; nothing is written', async (flag, value, message) => {
    const io = memoryIo();
    const db = join(dir, `bt-${value}.duckdb`);
    const out = join(dir, `bt-${value}`);
    expect(await runCli(['backtest', 'scenarios/own-traffic.yaml', flag, value, '--db', db, '--out', out], io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});

describe('calibrate -o', () => {
  const sample = 'fixtures/traces/own-traffic-sample.jsonl';

  it.each([
    ['notes.yaml', 'notes.yaml'],
    ['plan.yaml', 'plan.report.md'],
  ])('-o %s: an existing %s that calibrate did not write is refused (exit 2) and left as it was', async (output, occupied) => {
    const sub = join(dir, `occupied-${output}`);
    mkdirSync(sub);
    writeFileSync(join(sub, occupied), 'my own notes\n');
    const io = memoryIo();
    expect(await runCli(['calibrate', sample, '-o', join(sub, output)], io)).toBe(2);
    expect(io.stderr).toContain(`${join(sub, occupied)} exists and was not written by routebench calibrate; it was left untouched`);
    expect(readdirSync(sub)).toEqual([occupied]);
    expect(readFileSync(join(sub, occupied), 'utf8')).toBe('my own notes\n');
  });

  it('a calibration calibrate wrote before is replaced, as re-running calibrate should', async () => {
    const out = join(dir, 'again.yaml');
    expect(await runCli(['calibrate', sample, '-o', out], memoryIo())).toBe(0);
    expect(await runCli(['calibrate', sample, '-o', out, '--bucket', '2s'], memoryIo())).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^# Written by routebench calibrate/);
  });

  it('an -o calibrate cannot write is exit 4 with a hint naming -o (not --db / --out, which calibrate does not have)', async () => {
    let folder = '/sys'; // root ignores modes: a pseudo file system
    if (process.getuid?.() !== 0) {
      folder = join(dir, 'read-only');
      mkdirSync(folder);
      chmodSync(folder, 0o555);
    }
    const io = memoryIo();
    expect(await runCli(['calibrate', sample, '-o', join(folder, 'cal.yaml')], io)).toBe(4);
    expect(io.stderr).toMatch(/hint: .*with -o/);
    expect(io.stderr).not.toMatch(/--db|--out/);
  });

  it('-o naming a folder is a usage error (exit 2) that names the fix, and leaves no temp file beside it', async () => {
    const folder = join(dir, 'cal-folder');
    mkdirSync(folder);
    const io = memoryIo();
    expect(await runCli(['calibrate', sample, '-o', folder], io)).toBe(2);
    expect(io.stderr).toContain(`-o ${folder} is a folder; -o names the calibration file to write`);
    expect(readdirSync(dir).filter((f) => f.startsWith('cal-folder'))).toEqual(['cal-folder']);
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('calibrate on a trace a user has been at', () => {
  const sample = readFileSync('fixtures/traces/own-traffic-sample.jsonl', 'utf8').split('\n').slice(0, 200);
  const write = (name: string, text: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const calibrateIo = async (inputs: string[], out: string) => {
    const io = memoryIo();
    const code = await runCli(['calibrate', ...inputs, '-o', join(dir, out)], io);
    return { code, io };
  };

  it.each([
    ['a truncated last line (a copy cut short)', [...sample.slice(0, 199), sample[199]!.slice(0, 100)].join('\n'), 200, /not valid JSON/],
    ['a line that is not JSON', [...sample.slice(0, 50), 'not json', ...sample.slice(50)].join('\n'), 51, /not valid JSON/],
    ['an unfinished object (DuckDB reads on into the next lines)', [sample[0], '{"a":', ...sample.slice(1)].join('\n'), 2, /not valid JSON/],
    ['a recorded.ok that is not a boolean', [...sample.slice(0, 50), '{"arrival_ms": 5, "recorded": {"ok": "maybe"}}', ...sample.slice(50)].join('\n'), 51, /recorded\.ok must be true or false, got "maybe"/],
    ['a non-numeric arrival_ms', [sample[0], '{"arrival_ms": "10:00", "recorded": {"ok": true}}', ...sample.slice(1)].join('\n'), 2, /arrival_ms must be a number, got "10:00"/],
  ])('%s is reported at its own line, file:line (exit 2)', async (_what, text, line, problem) => {
    const file = write(`bad-${line}-${text.length}.jsonl`, `${text}\n`);
    const { code, io } = await calibrateIo([file], `bad-${line}.yaml`);
    expect(code).toBe(2);
    expect(io.stderr).toContain(`${file}:${line}:1  row ${line}  `);
    expect(io.stderr).toMatch(problem);
    expect(existsSync(join(dir, `bad-${line}.yaml`))).toBe(false);
  });

  it('a UTF-8 BOM (as Windows tools write) calibrates exactly as the same trace without it', async () => {
    const plain = write('plain.jsonl', `${sample.join('\n')}\n`);
    const bom = write('bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(plain)]));
    const a = await calibrateIo([plain], 'plain-cal.yaml');
    const b = await calibrateIo([bom], 'bom-cal.yaml');
    expect([a.code, b.code]).toEqual([0, 0]);
    const body = (f: string) => readFileSync(join(dir, f), 'utf8').replace(/^# Written by .*\n/, '');
    expect(body('bom-cal.yaml')).toBe(body('plain-cal.yaml'));
  });

  it('a folder stands for the .jsonl files routebench record wrote into it; a missing trace is named (exit 2)', async () => {
    const rec = join(dir, 'recorded');
    mkdirSync(rec);
    writeFileSync(join(rec, 'record-1.jsonl'), `${sample.slice(0, 120).join('\n')}\n`);
    writeFileSync(join(rec, 'record-2.jsonl'), `${sample.slice(120).join('\n')}\n`);
    writeFileSync(join(rec, 'notes.txt'), 'not a trace\n');
    const folder = await calibrateIo([rec], 'folder-cal.yaml');
    const files = await calibrateIo([join(rec, 'record-1.jsonl'), join(rec, 'record-2.jsonl')], 'files-cal.yaml');
    expect([folder.code, files.code]).toEqual([0, 0]);
    expect(folder.io.stdout).toMatch(/from 200 observed calls/);
    const body = (f: string) => readFileSync(join(dir, f), 'utf8').replace(/^# Written by .*\n/, '');
    expect(body('folder-cal.yaml')).toBe(body('files-cal.yaml'));
    const missing = await calibrateIo([join(dir, 'no-such.jsonl')], 'missing-cal.yaml');
    expect(missing.code).toBe(2);
    expect(missing.io.stderr).toContain(`${join(dir, 'no-such.jsonl')}  trace not found`);
  });
});

describe('calibrate on a trace whose times are far apart', () => {
  const row = (arrival: number, ok: boolean) => JSON.stringify({ arrival_ms: arrival, route: 'm', input_tokens: 10, output_tokens: 5, recorded: { ok, status: ok ? 200 : 500, latency_ms: 100, target: 'x' } });

  it('a span of incident buckets past the bound (arrival_ms in other units) is exit 2 naming the span, not an internal error', async () => {
    const file = join(dir, 'ns-as-ms.jsonl');
    writeFileSync(file, `${Array.from({ length: 40 }, (_, i) => row(i * 1e15, i % 7 !== 0)).join('\n')}\n`);
    const io = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'ns-as-ms.yaml')], io)).toBe(2);
    expect(io.stderr).toMatch(/the calls span [\dhms]+, [\d,]+ incident buckets of 5m/);
    expect(io.stderr).not.toMatch(/internal error|this is a bug/);
  });

  it('a long recording gets buckets of at most 5 minutes, as documented (a 2-day span had 8m20s buckets)', async () => {
    // 2 days, a call every 10 s: the raw width is the span / 240 = 12 min, capped at 5 min
    const file = join(dir, 'two-days.jsonl');
    writeFileSync(file, `${Array.from({ length: 17_281 }, (_, i) => row(i * 10_000, i % 50 !== 0)).join('\n')}\n`);
    const io = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'two-days.yaml'), '--json'], io)).toBe(0);
    expect((JSON.parse(io.stdout) as { bucketMs: number }).bucketMs).toBe(300_000);
  });
});

describe('a scenario backtest block that cannot compare what it says', () => {
  const own = readFileSync('scenarios/own-traffic.yaml', 'utf8')
    .replace('../fixtures/calibration/own-traffic.yaml', resolve('fixtures/calibration/own-traffic.yaml'));
  const scenario = (name: string, trace: string, edit: (y: string) => string = (y) => y) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, edit(own.replace('trace: { path: ../fixtures/traces/own-traffic-sample.jsonl }', `trace: { path: ${trace} }`)));
    return file;
  };
  const sample = resolve('fixtures/traces/own-traffic-sample.jsonl');

  it.each([
    ['a strategy name with a typo (run then skipped the backtest and exited 0)', (y: string) => y.replace('backtest: { strategy: deployed', 'backtest: { strategy: deploy'), `${sample}`, /backtest\.strategy {2}no strategy "deploy" \(have deployed, retries, cross-fallback\)/],
    ['a trace limit (the simulation replayed 500 requests, the recorded side all 1,085)', (y: string) => y, `${sample}, limit: 500`, /traffic\.trace\.limit {2}the backtest compares the whole recording/],
    ['a speed-up', (y: string) => y, `${sample}, speedup: 2`, /traffic\.trace\.speedup {2}the backtest replays the recording at the pace it was recorded/],
  ])('%s is a problem validate reports (exit 2)', async (what, edit, trace, problem) => {
    const file = scenario(`bt-${what.length}`, trace, edit);
    const io = memoryIo();
    expect(await runCli(['validate', file], io)).toBe(2);
    expect(io.stdout + io.stderr).toMatch(problem);
  });

  it('on_bad_row: skip leaves the bad line out of the recorded side too (the backtest refused the trace the simulation read)', async () => {
    const lines = readFileSync(sample, 'utf8').split('\n').slice(0, 200);
    const trace = join(dir, 'one-bad-line.jsonl');
    writeFileSync(trace, `${[...lines.slice(0, 50), 'not json', ...lines.slice(50)].join('\n')}\n`);
    const file = scenario('skip-bad', `${trace}, on_bad_row: skip`);
    const io = memoryIo();
    const code = await runCli(['backtest', file, '--db', join(dir, 'skip.duckdb'), '--out', join(dir, 'skip-report'), '--json'], io);
    expect([0, 3]).toContain(code);
    const bt = JSON.parse(io.stdout) as { rows: { metric: string; recorded: number }[] };
    // 191 of the 200 good rows succeeded (counted independently: a JSON parse of the sample's first 200 lines)
    expect(bt.rows.find((r) => r.metric === 'success rate')!.recorded).toBeCloseTo(191 / 200, 12);
  });
});
