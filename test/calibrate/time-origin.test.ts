/**
 * Calibrate and the simulation must count time from the same moment. The simulation counts a
 * trace's time from its first row (trace reader); calibrate counted from the first row with an
 * observed outcome. A recording that starts with rows that say nothing about a provider (no
 * outcome, a cache hit, a call the app hung up on) put every calibrated incident that much too
 * early in the backtest's simulation: other calls failed than the ones that failed, and the
 * backtest still said "within tolerance". Hand-built trace: 60 rows without an outcome, one a
 * second, then 6,000 calls every 100 ms; target x is down for the 300 calls from 160,000 to
 * 189,900 ms after the trace's first row. The expected window and the failed requests are those
 * numbers, not a query over the same tables.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest } from '../../src/report/backtest.js';
import { runYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-time-origin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DOWN_FROM = 160_000;
const DOWN_TO = 190_000;

function writeTrace(file: string): void {
  const lines: string[] = [];
  const base = (t: number) => ({ arrival_ms: t, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: 50, stream: true });
  for (let i = 0; i < 60; i++) lines.push(JSON.stringify(base(i * 1000)));
  for (let i = 0; i < 6000; i++) {
    const t = 60_000 + i * 100;
    const ttft = 400 * (1 + 0.3 * Math.sin(i * 12.9898));
    const down = t >= DOWN_FROM && t < DOWN_TO;
    const recorded = down ? { ok: false, status: 503, error_kind: 'unavailable', latency_ms: 20, target: 'x' } : { ok: true, status: 200, latency_ms: ttft + 500, ttft_ms: ttft, target: 'x' };
    lines.push(JSON.stringify({ ...base(t), output_tokens: down ? 0 : 50, recorded }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('calibrate counts time from the trace\'s first row, as the simulation does', () => {
  it('an outage after a minute of rows without an outcome lands on the calls that failed', async () => {
    const trace = join(dir, 'late-start.jsonl');
    writeTrace(trace);
    const cal = await calibrate([trace]);
    expect(cal.incidents).toHaveLength(1);
    const [o] = cal.incidents;
    // half-way between the last success (159,900) and the first failure (160,000), and between the last failure and the next success
    expect([o!.kind, o!.startMs, o!.startMs + o!.durationMs, o!.calls]).toEqual(['outage', DOWN_FROM - 50, DOWN_TO - 50, 300]);

    writeFileSync(join(dir, 'late-start.cal.yaml'), calibrationYaml(cal, 'late-start.jsonl'));
    const text = `name: late-start\ntraffic: { trace: { path: late-start.jsonl } }\ncalibration: late-start.cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: x } }\n`;
    const ran = await runYaml(text, {}, join(dir, 'late-start.yaml'));
    try {
      // the simulated failures are the 300 requests of the trace's outage, rows 60 + 1000 … 60 + 1299
      const failed = await ran.store.all<{ request_no: number; scheduled_ms: number }>(`SELECT request_no, scheduled_ms FROM requests WHERE run_no = ${ran.run('deployed')} AND NOT success ORDER BY request_no`);
      expect(failed.map((f) => f.request_no)).toEqual(Array.from({ length: 300 }, (_, k) => 1060 + k));
      const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
      const bt = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: 10 });
      // success over time: every bucket agrees (the recording and its simulation fail the same calls)
      const compared = bt.overTime.filter((b) => b.recorded !== null && b.simulated !== null);
      expect(compared.length).toBeGreaterThan(20);
      for (const b of compared) expect(b.simulated, `bucket at ${b.t_ms} ms`).toBe(b.recorded);
    } finally {
      ran.store.close();
    }
  });
});
