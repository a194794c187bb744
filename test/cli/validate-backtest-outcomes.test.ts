/**
 * A scenario with a `backtest:` block over a trace that has no observed outcomes (no `recorded`
 * on any row: a synthetic or public trace) passed `validate` ("ok"), and then `run` and
 * `backtest` simulated it all and failed at the end (exit 2, "has no rows with an observed
 * outcome"). validate now says so, at `backtest`; a recording still validates.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-validate-backtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
const row = (i: number, recorded: boolean) =>
  JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, ...(recorded ? { recorded: { ok: true, status: 200, latency_ms: 100, target: 'a' } } : {}) });
writeFileSync(at('plain.jsonl'), `${[0, 1, 2].map((i) => row(i, false)).join('\n')}\n`);
writeFileSync(at('recording.jsonl'), `${[0, 1, 2].map((i) => row(i, true)).join('\n')}\n`);
const scenario = (trace: string) =>
  `name: bt\ntraffic:\n  trace: { path: ${trace} }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini }\nbacktest: { strategy: deployed }\nstrategies:\n  deployed: { use: single, options: { target: a } }\n`;
writeFileSync(at('plain.yaml'), scenario('plain.jsonl'));
writeFileSync(at('recording.yaml'), scenario('recording.jsonl'));

describe('validate: a backtest over a trace without observed outcomes', () => {
  it('is a problem at backtest (exit 2)', async () => {
    const r = await cli(['validate', at('plain.yaml')]);
    expect(r.err).toBe(`${at('plain.yaml')}  backtest  the trace ${at('plain.jsonl')} has no rows with an observed outcome ("recorded"), so there is nothing to backtest against: record traffic with routebench record, or import logs that carry outcomes\n1 problem found.\n`);
    expect(r.code).toBe(2);
  });

  it('a recording validates', async () => {
    const r = await cli(['validate', at('recording.yaml')]);
    expect(r.out).toBe(`ok  ${at('recording.yaml')} (1 strategy, 1 target, 3 requests)\n`);
    expect(r.code).toBe(0);
  });
});
