/**
 * Recorded timeouts are an everyday error share like any other. calibrate counted them (the fit
 * report listed them) but left them out of the mock, so a recording where 5% of calls timed out was
 * simulated at 100% success and the backtest failed by 5 pp with nothing to say why. Hand-built
 * trace: 4,000 calls, one in twenty a timeout after 30 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { planScenario } from '../../src/engine/plan-scenario.js';
import { backtest } from '../../src/report/backtest.js';
import { runYaml } from '../helpers/run-yaml.js';
import { wilsonOracle } from './trace-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-timeouts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recorded timeouts', () => {
  it('are simulated at their share, and the backtest of the deployed strategy agrees with the recording', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => {
      const timedOut = i % 20 === 7;
      const ttft = 400 * (1 + 0.3 * Math.sin(i * 12.9898));
      const recorded = timedOut ? { ok: false, status: 0, error_kind: 'timeout', latency_ms: 30_000, target: 'x' } : { ok: true, status: 200, ttft_ms: ttft, latency_ms: ttft + 500, target: 'x' };
      return JSON.stringify({ arrival_ms: i * 250, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: timedOut ? 0 : 50, stream: true, recorded });
    });
    const trace = join(dir, 'timeouts.jsonl');
    writeFileSync(trace, `${lines.join('\n')}\n`);
    const cal = await calibrate([trace]);
    const yaml = calibrationYaml(cal, 'timeouts.jsonl');
    expect((parse(yaml) as { targets: { x: { mock: { errors?: Record<string, number> } } } }).targets.x.mock.errors).toEqual({ timeout: 0.05 });
    writeFileSync(join(dir, 'timeouts.cal.yaml'), yaml);
    const text = `name: timeouts\ntraffic: { trace: { path: timeouts.jsonl } }\ncalibration: timeouts.cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: x } }\n`;
    const ran = await runYaml(text, {}, join(dir, 'timeouts.yaml'));
    try {
      const [sim] = await ran.store.all<{ n: number; timeouts: number }>(
        `SELECT count(DISTINCT request_no)::INTEGER AS n, count(DISTINCT request_no) FILTER (WHERE outcome = 'timeout')::INTEGER AS timeouts FROM attempts WHERE run_no = ${ran.run('deployed')}`,
      );
      // 5% is inside the 99.9% Wilson interval of the simulated share of timed-out requests
      const [lo, hi] = wilsonOracle(sim!.timeouts, sim!.n, 3.2905267314919255);
      expect(lo <= 0.05 && 0.05 <= hi, `${sim!.timeouts} of ${sim!.n} timed out: [${lo}, ${hi}]`).toBe(true);
      const prices = new Map(planScenario(ran.loaded).targets.map((t) => [t.id, t.price]));
      const bt = await backtest(ran.store, ran.run('deployed'), [trace], prices, { successPp: 1, latencyPct: 10 });
      expect(bt.rows.find((r) => r.metric === 'success rate')!.within).toBe(true);
    } finally {
      ran.store.close();
    }
  });

  it('an outage of timeouts is simulated as calls that hang until the attempt timeout, not as fast failures', async () => {
    // a call every 100 ms for 300 s; from 100 s to 130 s every call timed out after 10 s
    const lines = Array.from({ length: 3000 }, (_, i) => {
      const t = i * 100;
      const hung = t >= 100_000 && t < 130_000;
      const recorded = hung ? { ok: false, status: 0, error_kind: 'timeout', latency_ms: 10_000, target: 'x' } : { ok: true, status: 200, ttft_ms: 400, latency_ms: 900, target: 'x' };
      return JSON.stringify({ arrival_ms: t, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: hung ? 0 : 50, stream: true, recorded });
    });
    const trace = join(dir, 'hung.jsonl');
    writeFileSync(trace, `${lines.join('\n')}\n`);
    const cal = await calibrate([trace]);
    expect(cal.incidents.map((i) => [i.kind, i.startMs, i.startMs + i.durationMs, i.failed])).toEqual([['outage', 99_950, 129_950, 300]]);
    const yaml = calibrationYaml(cal, 'hung.jsonl');
    expect((parse(yaml) as { incidents: { error?: string }[] }).incidents[0]!.error).toBe('timeout');
    writeFileSync(join(dir, 'hung.cal.yaml'), yaml);
    const text = `name: hung\ntraffic: { trace: { path: hung.jsonl } }\ncalibration: hung.cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: x, timeout_ms: 10000 } }\n`;
    const ran = await runYaml(text, {}, join(dir, 'hung.yaml'));
    try {
      const outcomes = await ran.store.all<{ outcome: string; n: number; longest: number }>(
        `SELECT outcome::VARCHAR AS outcome, count(*)::INTEGER AS n, max(end_ms - sent_ms) AS longest FROM attempts WHERE run_no = ${ran.run('deployed')} AND outcome <> 'gave_up' AND NOT outcome = 'ok' GROUP BY 1`,
      );
      // the 300 calls of the window, each ended by the strategy's 10 s timeout
      expect(outcomes).toEqual([{ outcome: 'timeout', n: 300, longest: 10_000 }]);
    } finally {
      ran.store.close();
    }
  });
});
