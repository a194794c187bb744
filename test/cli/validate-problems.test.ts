/**
 * `validate` says ok only for a file without problems, lists schema and plan problems of a file in
 * one go, suggests `duration` for an incident's `end:`, refuses a Unicode name with an ASCII
 * spelling to use, and `--limit` below 1 is a usage error rather than a run of no requests.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-validate-problems-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

const GOOD = `name: good
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 5 } }
targets:
  a: { provider: openai, model: gpt-4o-mini }
strategies:
  s: { use: single, options: { target: a } }
`;

async function validate(...files: string[]) {
  const io = memoryIo();
  const code = await runCli(['validate', ...files], io);
  return { code, out: io.stdout, err: io.stderr.trim().split('\n') };
}

describe('validate lists every problem, and says ok only when there is none', () => {
  it('no "ok" for a scenario whose trace has bad rows; ok for the good file beside it', async () => {
    write('rows.jsonl', '{"arrival_ms": 0, "input_tokens": 1, "output_tokens": 1}\n{"arrival_ms": 5, "input_tokens": -3, "output_tokens": 1}\n');
    const bad = write('rows.yaml', GOOD.replace('name: good', 'name: rows').replace(/traffic: .*\n/, 'traffic: { trace: { path: rows.jsonl } }\n'));
    const good = write('good.yaml', GOOD);
    const r = await validate(bad, good);
    expect(r.code).toBe(2);
    expect(r.out).toBe(`ok  ${good} (1 strategy, 1 target)\n`);
    expect(r.err).toContain(`${bad}  traffic.trace  1 bad row in the trace (first ones above); fix them or set on_bad_row: skip`);
  });

  it('schema problems do not hide the plan problems of the rest of the file', async () => {
    const file = write(
      'many.yaml',
      `name: many
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 5 } }
targets:
  a: { provider: openai, model: gpt-4o-mini }
  b: { provider: openai, model: my-finetune }
  c: { provider: anthropic, modle: claude-3-5-haiku }
incidents:
  - { kind: outage, targets: [a], start: 1m, end: 5m }
  - { kind: outage, targets: [zz], start: 1m, duration: 5m }
strategies:
  s: { use: single, options: { target: c } }
  f: { use: fallback, options: { targets: [a, nope] } }
  w: { use: fallbak, options: { targets: [a] } }
`,
    );
    const r = await validate(file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toEqual([
      `${file}:5:33  targets.b.model  no price for "my-finetune" in the price table; set targets.b.price to a known key or to {input, output, cached_input} in USD per 1M tokens`,
      `${file}:6:6  targets.c.model  required string is missing`,
      `${file}:6:29  targets.c.modle  unknown key "modle"; did you mean "model"?`,
      `${file}:8:5  incidents[0].duration  expected a duration string such as \"30s\", \"250ms\" or \"4h22m\"`,
      `${file}:8:46  incidents[0].end  unknown key "end"; did you mean "duration"?`,
      `${file}:9:31  incidents[1].targets[0]  unknown target "zz" (known: a, b)`,
      `${file}:12:47  strategies.f.options.targets[1]  unknown target "nope" (known: a, b)`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:13:13  strategies\\.w\\.use  unknown strategy "fallbak"; did you mean "fallback"\\?`)),
      '8 problems found.',
    ]);
    // run checks the same way before it opens anything.
    const io = memoryIo();
    const db = path.join(dir, 'many.duckdb');
    expect(await runCli(['run', file, '--db', db], io)).toBe(2);
    expect(io.stderr.trim().split('\n')).toEqual(r.err);
    expect(existsSync(db)).toBe(false);
  });

  it('a duplicate key does not hide schema problems', async () => {
    const file = write('dup.yaml', GOOD.replace('name: good', 'name: dup\nseed: 1\nseed: -2'));
    const r = await validate(file);
    expect(r.err).toEqual([
      `${file}:3:1  Map keys must be unique ("seed" first defined at line 2) (DUPLICATE_KEY)`,
      `${file}:3:7  seed  Too small: expected number to be >=0`,
      '2 problems found.',
    ]);
  });

  it('a Unicode scenario name is refused with an ASCII spelling to use', async () => {
    const file = write('cafe.yaml', GOOD.replace('name: good', 'name: café-tést 2'));
    const r = await validate(file);
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe(
      `${file}:1:7  name  "café-tést 2" has characters outside ASCII: names become run ids and report file names, so use A-Z, a-z, 0-9, ".", "_" or "-", e.g. "cafe-test-2" (a description can say anything)`,
    );
  });
});

describe('--limit must be a positive integer', () => {
  for (const value of ['-5', '0', '2.5']) {
    it(`run --limit ${value} is a usage error and writes nothing`, async () => {
      const file = write('limit.yaml', GOOD);
      const db = path.join(dir, `limit${value}.duckdb`);
      const io = memoryIo();
      expect(await runCli(['run', file, '--limit', value, '--db', db, '--out', path.join(dir, 'reports')], io)).toBe(2);
      expect(io.stderr).toContain(`--limit must be a positive integer, got ${value}`);
      expect(io.stderr).not.toMatch(/no requests/);
      expect(existsSync(db)).toBe(false);
    });
  }
});
