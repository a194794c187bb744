/**
 * Option values that could never work, said before any work (exit 2):
 * - `run --run-group a/b` made nested report folders, and `../x` one outside --out;
 * - `import --start 10m --end 1m` read the whole input and then said it "produced no requests";
 * - `calibrate --bucket 0s` was called "not a duration".
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-option-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
writeFileSync(at('s.yaml'), 'name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n');
writeFileSync(at('t.jsonl'), `${Array.from({ length: 20 }, (_, i) => JSON.stringify({ arrival_ms: i * 1000, input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100, target: 'a' } })).join('\n')}\n`);

async function cli(args: string[]) {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, err: io.stderr };
}

describe('option values that cannot work', () => {
  it.each(['a/b', '../escape', '.hidden'])('run --run-group %s: exit 2, nothing written', async (group) => {
    const r = await cli(['run', at('s.yaml'), '--db', at('g.duckdb'), '--out', at('reports'), '--run-group', group]);
    expect(r.err).toBe(`error: --run-group ${JSON.stringify(group)}: use letters, digits, ".", "_" or "-" (starting with a letter or digit); it names run ids and report folders\nhint: e.g. --run-group pr-123\n`);
    expect(r.code).toBe(2);
    expect(existsSync(at('g.duckdb'))).toBe(false);
    expect(existsSync(at('escape'))).toBe(false);
  });

  it('run --run-group pr-123.1 is fine', async () => {
    expect((await cli(['run', at('s.yaml'), '--db', at('g.duckdb'), '--out', at('reports'), '--run-group', 'pr-123.1', '--quiet'])).code).toBe(0);
    expect(existsSync(at('reports/s/s-pr-123.1/index.html'))).toBe(true);
  }, 60_000);

  it('import --start 10s --end 5s: exit 2 before reading', async () => {
    const r = await cli(['import', at('t.jsonl'), '--format', 'routebench', '-o', at('w.jsonl'), '--start', '10s', '--end', '5s']);
    expect(r.err).toBe('error: --end 5s is not after --start 10s: the window holds no requests\nhint: both are offsets from the start of the trace, e.g. --start 10m --end 40m\n');
    expect(r.code).toBe(2);
    expect((await cli(['import', at('t.jsonl'), '--format', 'routebench', '-o', at('w.jsonl'), '--start', '5s', '--end', '10s'])).code).toBe(0);
  });

  it('calibrate --bucket 0s: "must be longer than 0"', async () => {
    const r = await cli(['calibrate', at('t.jsonl'), '-o', at('c.yaml'), '--bucket', '0s']);
    expect(r.err).toBe('error: --bucket 0s must be longer than 0\nhint: e.g. --bucket 30s\n');
    expect(r.code).toBe(2);
  });
});
