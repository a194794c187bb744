/**
 * `traffic.trace.path` naming the folder `record --out` wrote (the natural thing after recording)
 * said only "not a file: …". It now says what to do with a recording that rotated into several
 * files, and the join it names is a trace that validates.
 * And backtest of synthetic traffic names the missing recording first.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-trace-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a folder as traffic.trace.path: exit 2 at that line, with the join to make', async () => {
  const rec = path.join(dir, 'recorded');
  mkdirSync(rec);
  const row = (ms: number) => `${JSON.stringify({ arrival_ms: ms, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, stream: false })}\n`;
  writeFileSync(path.join(rec, 'record-20261206T153000Z-001.jsonl'), row(0) + row(100));
  writeFileSync(path.join(rec, 'record-20261206T153000Z-002.jsonl'), row(200) + row(300));
  const scenario = (trace: string) => `name: t\ntraffic:\n  trace: { path: ${trace} }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`;
  const file = path.join(dir, 's.yaml');
  writeFileSync(file, scenario('recorded'));
  const io = memoryIo();
  expect(await runCli(['validate', file], io)).toBe(2);
  expect(io.stderr).toContain(`${file}:3:18  traffic.trace.path  ${rec} is a folder; this names one trace file. For a recording that rotated into several files (record --out), join the files of that one recording`);
  // the join, as the message says (cat in name order)
  writeFileSync(path.join(dir, 'recording.jsonl'), readdirSync(rec).sort().map((f) => readFileSync(path.join(rec, f), 'utf8')).join(''));
  writeFileSync(file, scenario('recording.jsonl'));
  const ok = memoryIo();
  expect(await runCli(['validate', file], ok)).toBe(0);
  expect(ok.stdout).toContain('4 requests');
});

it('backtest of a scenario without a recording says that first, not "which strategy was deployed?"', async () => {
  const file = path.join(dir, 'synthetic.yaml');
  writeFileSync(file, `name: syn\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 2 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`);
  const io = memoryIo();
  expect(await runCli(['backtest', file], io)).toBe(2);
  expect(io.stderr).toContain('a backtest needs traffic.trace, a routebench JSONL trace with observed outcomes');
});
