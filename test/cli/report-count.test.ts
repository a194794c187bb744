/** Counts in the CLI's lines agree with their nouns: report's "1 strategy", validate's "1 request". */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-report-count-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('one strategy, then two', async () => {
  const db = path.join(dir, 'r.duckdb');
  const yaml = (n: number) => `name: s${n}\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n${Array.from({ length: n }, (_, i) => `  s${i}: { use: single, options: { target: a } }\n`).join('')}`;
  for (const n of [1, 2]) {
    writeFileSync(path.join(dir, `s${n}.yaml`), yaml(n));
    expect(await runCli(['run', path.join(dir, `s${n}.yaml`), '--db', db, '--out', path.join(dir, 'run-reports'), '--workers', '1', '--quiet'], memoryIo())).toBe(0);
  }
  const io = memoryIo();
  expect(await runCli(['report', '--db', db, '--out', path.join(dir, 'reports')], io)).toBe(0);
  expect(io.stdout).toMatch(/s1-[^\n]*index\.html \(1 strategy\)\n/);
  expect(io.stdout).toMatch(/s2-[^\n]*index\.html \(2 strategies\)\n/);
});

it('validate: a one-row trace is "1 request"', async () => {
  writeFileSync(path.join(dir, 'one.jsonl'), '{"arrival_ms": 0, "input_tokens": 812, "output_tokens": 164, "stream": true, "route": "gpt-4o-mini"}\n');
  const file = path.join(dir, 'one.yaml');
  writeFileSync(file, `name: one\ntraffic: { trace: { path: one.jsonl } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  s: { use: single, options: { target: a } }\n`);
  const io = memoryIo();
  expect(await runCli(['validate', file], io)).toBe(0);
  expect(io.stdout).toContain('(1 strategy, 1 target, 1 request)');
});
