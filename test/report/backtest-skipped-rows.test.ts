/**
 * With `on_bad_row: skip` the simulation leaves out the rows its trace reader refuses, and the
 * backtest's recorded side must leave out the same rows (docs/calibrate.md). It read the trace with
 * DuckDB's JSON reader, which skips only lines that are not JSON: a row out of arrival order, or
 * one the routebench format refuses (a dialect it does not know, cached_tokens above
 * input_tokens), stayed on the recorded side, so the two sides counted different calls. Hand-built
 * trace: 100 calls every 100 ms, the odd-numbered ones failed; three rows the reader refuses,
 * each a failure; the expected counts and rates are counted here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest } from '../../src/report/backtest.js';
import { runYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-bt-skipped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backtest with on_bad_row: skip', () => {
  it('leaves the rows the simulation skipped out of the recorded side', async () => {
    const lines: string[] = [];
    const bad = new Map<number, Record<string, unknown>>([
      [30, { arrival_ms: 100 }], // earlier than the row before it
      [50, { dialect: 'gemini' }],
      [70, { input_tokens: 10, cached_tokens: 20 }],
    ]);
    for (let i = 0; i < 100; i++) {
      const ok = i % 2 === 0 && !bad.has(i);
      lines.push(JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: ok ? 20 : 0, stream: false, recorded: { ok, status: ok ? 200 : 500, latency_ms: 300, target: 'x', ...(ok ? {} : { error_kind: 'server_error' }) }, ...bad.get(i) }));
    }
    const trace = join(dir, 'with-bad-rows.jsonl');
    writeFileSync(trace, `${lines.join('\n')}\n`);
    const text = `name: skipped
traffic: { trace: { path: with-bad-rows.jsonl, on_bad_row: skip } }
targets:
  x: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
  deployed: { use: single, options: { target: x } }
`;
    const ran = await runYaml(text, {}, join(dir, 'skipped.yaml'));
    try {
      const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
      const bt = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: 10 }, { skipBadRows: true });
      // 97 rows read; 50 of them succeeded (the even rows; 30, 50 and 70 were among them, but are skipped)
      expect(bt.requests).toEqual({ recorded: 97, simulated: 97 });
      expect(bt.rows.find((r) => r.metric === 'success rate')!.recorded).toBeCloseTo(47 / 97, 12);
    } finally {
      ran.store.close();
    }
  });

  it('a trace without outcomes is named as given, not by the copy the recorded side was read from', async () => {
    const trace = join(dir, 'no-outcomes.jsonl');
    writeFileSync(trace, `${Array.from({ length: 5 }, (_, i) => JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5 })).join('\n')}\n`);
    const text = `name: none\ntraffic: { trace: { path: no-outcomes.jsonl, on_bad_row: skip } }\ntargets:\n  x: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  deployed: { use: single, options: { target: x } }\n`;
    const ran = await runYaml(text, {}, join(dir, 'none.yaml'));
    try {
      await expect(backtest(ran.store, ran.run('deployed'), [trace], new Map(), { successPp: 1, latencyPct: 10 }, { skipBadRows: true })).rejects.toThrow(`${trace} has no rows with an observed outcome`);
    } finally {
      ran.store.close();
    }
  });
});
