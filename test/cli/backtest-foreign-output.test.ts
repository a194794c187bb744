/**
 * `backtest` writes backtest.md and backtest.json into <out>/<scenario>/. A file of that name that
 * routebench did not write (a team's notes) was overwritten after the simulation. Now it is
 * refused before the simulation (exit 2, no run in the results file) and left byte for byte; the
 * command's own earlier report is replaced as before.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-backtest-foreign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
const rows = Array.from({ length: 20 }, (_, i) => JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100 + i, target: 'a' } }));
writeFileSync(at('t.jsonl'), `${rows.join('\n')}\n`);
writeFileSync(at('bt.yaml'), 'name: bt\ntraffic:\n  trace: { path: t.jsonl }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nbacktest: { strategy: deployed, latency_pct: 100000 }\nstrategies:\n  deployed: { use: single, options: { target: a } }\n');
const NOTES = 'my notes about the backtest: do not lose\n';

describe('backtest: a report file in the way that routebench did not write', () => {
  it.each(['backtest.md', 'backtest.json'])('%s: exit 2 before the simulation, the file left as it was', async (name) => {
    const out = at(`out-${name}`);
    mkdirSync(path.join(out, 'bt'), { recursive: true });
    const file = path.join(out, 'bt', name);
    writeFileSync(file, NOTES);
    const db = at(`${name}.duckdb`);
    const r = await cli(['backtest', at('bt.yaml'), '--db', db, '--out', out]);
    expect(r.err).toBe(`error: ${file} exists and is not a backtest report routebench wrote; it was left untouched\nhint: give --out another folder, or remove that file first\n`);
    expect(r.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(NOTES);
    expect(existsSync(db)).toBe(false); // refused before the simulation: no results file
  }, 60_000);

  it('its own earlier report is replaced', async () => {
    const out = at('own');
    const first = await cli(['backtest', at('bt.yaml'), '--db', at('own.duckdb'), '--out', out]);
    expect(first.code).toBe(0);
    const again = await cli(['backtest', at('bt.yaml'), '--db', at('own.duckdb'), '--out', out]);
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(out, 'bt', 'backtest.md'), 'utf8')).toMatch(/^# bt\n\n## Backtest: deployed against the recording\n/);
    expect(JSON.parse(readFileSync(path.join(out, 'bt', 'backtest.json'), 'utf8')).scenario).toBe('bt');
  }, 60_000);
});
