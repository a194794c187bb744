/**
 * A trace given where a scenario belongs (`routebench backtest trace.jsonl`, `validate
 * recording.jsonl`): YAML cannot read JSON Lines and said so at every token, 441 problems for a
 * ten-row trace. Now it is one problem at its second line saying what the file is (exit 2). A
 * one-line JSON object is still read as a scenario (JSON is YAML).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-scenario-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
const rows = Array.from({ length: 10 }, (_, i) => JSON.stringify({ arrival_ms: i * 100, route: 'm', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100, target: 'a' } }));
writeFileSync(at('t.jsonl'), `\n${rows.join('\n')}\n`);
const MESSAGE = 'one JSON object per line: a trace or a log, not a scenario; give the scenario that reads it (traffic.trace.path), e.g. one made with routebench init';

describe('a trace given as the scenario', () => {
  it.each([['backtest'], ['validate'], ['run']])('%s: one problem at its second row (exit 2)', async (command) => {
    const r = await cli([command, at('t.jsonl'), ...(command === 'validate' ? [] : ['--db', at(`${command}.duckdb`), '--out', at(`${command}-reports`)])]);
    expect(r.err).toBe(`${at('t.jsonl')}:3:1  ${MESSAGE}\n1 problem found.\n`);
    expect(r.code).toBe(2);
  });

  it('a scenario written as one JSON object still loads', async () => {
    writeFileSync(at('s.json'), JSON.stringify({ name: 's', traffic: { synthetic: { arrival: { process: 'constant', rate_per_s: 5 }, count: 3 } }, targets: { a: { provider: 'openai', model: 'gpt-4o-mini' } }, strategies: { one: { use: 'single', options: { target: 'a' } } } }));
    const r = await cli(['validate', at('s.json')]);
    expect(r.code).toBe(0);
  });
});
