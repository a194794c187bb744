/**
 * An option that takes one value, given twice: yargs passes both as an array, which the commands
 * took for one value. `import -o a -o b`, `calibrate -o a -o b` and `record --out a --out b` were
 * internal errors (exit 1); `record --openai A --openai B` started a recorder relaying to the URL
 * "A,B"; `backtest --strategy a --strategy b` looked for a strategy "a,b". Each is exit 2 now,
 * before any work; an option declared repeatable (`import --tag`) still takes several.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-option-twice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
const rows = Array.from({ length: 5 }, (_, i) => JSON.stringify({ arrival_ms: i * 100, route: 'm', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100 + i, target: 'a' } }));
writeFileSync(at('t.jsonl'), `${rows.join('\n')}\n`);

describe('an option that takes one value, given twice', () => {
  it.each([
    ['import -o', ['import', at('t.jsonl'), '--format', 'routebench', '-o', at('a.jsonl'), '-o', at('b.jsonl')], `-o/--output takes one value and was given 2 ("${at('a.jsonl')}", "${at('b.jsonl')}")`, 'give -o/--output once'],
    ['calibrate -o', ['calibrate', at('t.jsonl'), '-o', at('a.yaml'), '-o', at('b.yaml')], `-o/--output takes one value and was given 2 ("${at('a.yaml')}", "${at('b.yaml')}")`, 'give -o/--output once'],
    ['calibrate --bucket', ['calibrate', at('t.jsonl'), '-o', at('c.yaml'), '--bucket', '1s', '--bucket', '2s'], '--bucket takes one value and was given 2 ("1s", "2s")', 'give --bucket once'],
    ['record --out', ['record', '--openai', 'http://127.0.0.1:9', '--out', at('r1'), '--out', at('r2')], `--out takes one value and was given 2 ("${at('r1')}", "${at('r2')}")`, 'give --out once'],
    // --out /proc/x would be exit 4 before listening: the refusal comes first, and no recorder starts
    ['record --openai', ['record', '--openai', 'http://127.0.0.1:9', '--openai', 'http://127.0.0.1:10', '--out', '/proc/x'], '--openai takes one value and was given 2 ("http://127.0.0.1:9", "http://127.0.0.1:10")', 'give --openai once'],
    ['backtest --strategy', ['backtest', at('none.yaml'), '--strategy', 'a', '--strategy', 'b'], '--strategy takes one value and was given 2 ("a", "b")', 'give --strategy once'],
    ['backtest --db', ['backtest', at('none.yaml'), '--db', at('a.duckdb'), '--db', at('b.duckdb')], `--db takes one value and was given 2 ("${at('a.duckdb')}", "${at('b.duckdb')}")`, 'give --db once'],
  ])('%s: exit 2 naming the option and both values, nothing written', async (_name, args, message, hint) => {
    const r = await cli(args);
    expect(r.err).toBe(`error: ${message}\nhint: ${hint}\n`);
    expect(r.code).toBe(2);
    for (const f of ['a.jsonl', 'b.jsonl', 'a.yaml', 'b.yaml', 'c.yaml', 'r1', 'r2', 'a.duckdb', 'b.duckdb']) expect(existsSync(at(f))).toBe(false);
  });

  it('a repeatable option still takes several values (import --tag)', async () => {
    const r = await cli(['import', at('t.jsonl'), '--format', 'routebench', '-o', at('tagged.jsonl'), '--tag', 'team=x', '--tag', 'env=y']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(at('tagged.jsonl'), 'utf8').split('\n')[0]!).tags).toEqual({ team: 'x', env: 'y' });
  });
});
