import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('routebench validate', () => {
  it('passes the shipped scenarios', async () => {
    const io = memoryIo();
    expect(await runCli(['validate', 'scenarios/'], io)).toBe(0);
    expect(io.stdout).toContain('ok  scenarios/quickstart.yaml (4 strategies, 2 targets)');
    expect(io.stdout).toContain('ok  scenarios/azure-code-replay.yaml (4 strategies, 3 targets, 8,819 requests)');
  });

  it('prints every problem of every file as file:line:col  path  message and exits 2', async () => {
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.json');
    writeFileSync(a, 'name: a\ntraffic: { synthetic: { arrival: { process: poisson, rate_per_s: 0 }, count: 1 } }\ntargets: {}\nstrategies: {}\n');
    writeFileSync(b, '{"name": "b",\n "seed": "x"}\n');
    const io = memoryIo();
    expect(await runCli(['validate', a, b], io)).toBe(2);
    expect(io.stderr.trim().split('\n')).toEqual([
      `${a}:2:66  traffic.synthetic.arrival.rate_per_s  must be greater than zero`,
      `${a}:3:10  targets  declare at least one target`,
      `${a}:4:13  strategies  declare at least one strategy`,
      `${b}:1:1  strategies  required object is missing`,
      `${b}:1:1  targets  required object is missing`,
      `${b}:1:1  traffic  required object is missing`,
      `${b}:2:10  seed  expected a number, got "x"`,
      '7 problems found.',
    ]);
  });

  it('finds bad rows in a trace', async () => {
    writeFileSync(path.join(dir, 't.jsonl'), '{"arrival_ms": 0, "input_tokens": 1, "output_tokens": 1}\n{"arrival_ms": 5, "input_tokens": "many", "output_tokens": 1}\n');
    const file = path.join(dir, 'trace.yaml');
    writeFileSync(file, 'name: t\ntraffic: { trace: { path: t.jsonl } }\ntargets: { a: { provider: x, model: gpt-4o } }\nstrategies: { s: { use: single, options: { target: a } } }\n');
    const io = memoryIo();
    expect(await runCli(['validate', file], io)).toBe(2);
    expect(io.stderr).toContain(`${path.join(dir, 't.jsonl')}  2: input_tokens must be a whole number ≥ 0, got "many"`);
    expect(io.stderr).toContain(`${file}  traffic.trace  1 bad row in the trace (first ones above); fix them or set on_bad_row: skip`);
  });

  it('a missing path is a clear error', async () => {
    const io = memoryIo();
    expect(await runCli(['validate', path.join(dir, 'nope.yaml')], io)).toBe(2);
    expect(io.stderr).toContain('nope.yaml  no such file or folder');
  });
});

describe('routebench list and usage errors', () => {
  it('lists strategies, profiles, formats and metrics', async () => {
    for (const [what, expected] of [
      ['strategies', /^single +every request to one target/m],
      ['profiles', /^heavy-tail +long tails/m],
      ['formats', /^azure +Azure LLM inference trace/m],
      ['metrics', /threshold grammar: \[aggregate\] op number/],
    ] as const) {
      const io = memoryIo();
      expect(await runCli(['list', what], io)).toBe(0);
      expect(io.stdout).toMatch(expected);
    }
  });

  it('an unknown command or option exits 2 without a stack trace', async () => {
    const io = memoryIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toContain('Unknown argument: frobnicate');
    expect(io.stderr).not.toMatch(/\n\s+at /);
    const io2 = memoryIo();
    expect(await runCli(['run', '--sede', '3'], io2)).toBe(2);
    expect(io2.stderr).toMatch(/Unknown argument/);
  });
});
