/**
 * Incidents at the very start and the very end of a recording, checked by hand and through the
 * simulation. An outage the recording ends in has no success after it: its window ended at the
 * last failure's time, exclusive, so that failure was not the incident's (299 of 300 calls) and
 * the simulation answered it. An outage edge written to the file was rounded to the nearest ms,
 * so a first failure at 5.6 ms (no success before it) sat outside the incident the scenario read.
 * An outage that does not fill its first and last bucket (30 s from 102.5 s in 5 s buckets: 300
 * of the 350 calls in the flagged buckets) was an error_rate incident at 86% over 35 s, not an
 * outage with call-precise edges, and one shorter than a bucket likewise.
 * Calls every 100 ms for 600 s; the expected windows and failed requests are those numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { runYaml } from '../helpers/run-yaml.js';
import { wilsonOracle } from './trace-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-incident-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (t: number, target: string, down: boolean, i: number) => {
  const ttft = 400 * (1 + 0.3 * Math.sin(i * 12.9898));
  const recorded = down ? { ok: false, status: 503, error_kind: 'unavailable', latency_ms: 20, target } : { ok: true, status: 200, latency_ms: ttft + 500, ttft_ms: ttft, target };
  return JSON.stringify({ arrival_ms: t, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: down ? 0 : 50, stream: true, recorded });
};

/** Calibrates `lines`, simulates every row on target x from the calibration, and returns the failed request numbers. */
async function roundTrip(name: string, lines: string[]) {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const cal = await calibrate([file]);
  writeFileSync(join(dir, `${name}.cal.yaml`), calibrationYaml(cal, `${name}.jsonl`));
  const text = `name: ${name}\ntraffic: { trace: { path: ${name}.jsonl } }\ncalibration: ${name}.cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: x } }\n`;
  const ran = await runYaml(text, {}, join(dir, `${name}.yaml`));
  try {
    const failed = await ran.store.all<{ request_no: number }>(`SELECT request_no FROM requests WHERE run_no = ${ran.run('deployed')} AND NOT success ORDER BY request_no`);
    return { cal, failed: failed.map((f) => f.request_no) };
  } finally {
    ran.store.close();
  }
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);

describe('incidents at the edges of a recording', () => {
  it('an outage the recording ends in holds its last failure, and the simulation fails all 300 calls', async () => {
    const lines = Array.from({ length: 6000 }, (_, i) => row(i * 100, 'x', i * 100 >= 570_000, i));
    const { cal, failed } = await roundTrip('ends-down', lines);
    expect(cal.incidents).toHaveLength(1);
    const [o] = cal.incidents;
    // from half-way between the last success (569,900) and the first failure (570,000) to just past the last failure (599,900)
    expect([o!.kind, o!.startMs, o!.calls, o!.failed]).toEqual(['outage', 569_950, 300, 300]);
    expect(o!.startMs + o!.durationMs).toBeGreaterThan(599_900);
    expect(o!.startMs + o!.durationMs).toBeLessThanOrEqual(599_901);
    expect(cal.targets[0]!.errors).toEqual([]);
    expect(failed).toEqual(range(5700, 300));
  });

  it('an outage from the first call on, at fractional times after another target\'s first call, holds its first failure', async () => {
    // y answers at 0 ms; x's calls come at 5.6 + 100·i ms and fail for the first 30 s (the file's start: 5 ms, whole ms outward)
    const lines = [row(0, 'y', false, 0), ...Array.from({ length: 3000 }, (_, i) => row(5.6 + i * 100, 'x', i < 300, i))];
    const { cal, failed } = await roundTrip('starts-down', lines);
    const o = cal.incidents.find((i) => i.target === 'x')!;
    expect([o.kind, o.startMs, o.calls, o.failed]).toEqual(['outage', 5.6, 300, 300]);
    // the simulation: row 0 is y's call (sent to x here, before the outage's first failure), rows 1-300 are x's failures
    expect(failed).toEqual(range(1, 300));
  });

  it('an outage that does not fill its buckets, or is shorter than one, gets call-precise edges; an error rate keeps its buckets', async () => {
    // down 102.5-132.5 s (buckets of 5 s: it starts and ends mid-bucket) and 200.95-202.95 s (inside one bucket);
    // from 300 s to 360 s three calls in ten fail (an error rate, not an outage)
    const lines = Array.from({ length: 6000 }, (_, i) => {
      const t = i * 100;
      const down = (t >= 102_500 && t < 132_500) || (t >= 201_000 && t < 203_000) || (t >= 300_000 && t < 360_000 && [0, 3, 7].includes(i % 10));
      return row(t, 'x', down, i);
    });
    const { cal, failed } = await roundTrip('mid-bucket', lines);
    expect(cal.bucketMs).toBe(5000);
    expect(cal.incidents.map((o) => [o.kind, o.startMs, o.startMs + o.durationMs, o.failed, o.calls])).toEqual([
      ['outage', 102_450, 132_450, 300, 300],
      ['outage', 200_950, 202_950, 20, 20],
      ['error_rate', 300_000, 360_000, 180, 600],
    ]);
    expect(cal.incidents[2]!.rate).toBeCloseTo(0.3, 12);
    // the simulation fails exactly the outages' calls (the error rate's are drawn at 30%, not at these rows)
    const outageRows = [...range(1025, 300), ...range(2010, 20)];
    expect(failed.filter((r) => r < 3000)).toEqual(outageRows);
  });

  it('an error-rate incident over an everyday error rate is simulated at the share observed in its window, not that plus the baseline', async () => {
    // a call every 20 ms for 1,000 s; one call in ten fails everywhere, and from 300 s to 400 s three more in ten: 40% there
    const lines = Array.from({ length: 50_000 }, (_, i) => {
      const t = i * 20;
      return row(t, 'x', i % 10 === 5 || (t >= 300_000 && t < 400_000 && [0, 3, 7].includes(i % 10)), i);
    });
    const file = join(dir, 'over-baseline.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const cal = await calibrate([file]);
    expect(cal.incidents.map((o) => [o.kind, o.failed, o.calls])).toEqual([['error_rate', 2000, 5000]]);
    expect(cal.targets[0]!.errors.map((e) => [e.kind, e.rate])).toEqual([['unavailable', 0.1]]);
    // the mock fails the everyday 10% of the calls the incident spares: (0.4 − 0.1) / (1 − 0.1) = 1/3
    const yaml = calibrationYaml(cal, 'over-baseline.jsonl');
    expect(yaml).toMatch(/kind: error_rate\n(.*\n)*?\s+rate: 0\.333\n/);
    writeFileSync(join(dir, 'over-baseline.cal.yaml'), yaml);
    const text = `name: over-baseline\ntraffic: { trace: { path: over-baseline.jsonl } }\ncalibration: over-baseline.cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: x } }\n`;
    const ran = await runYaml(text, {}, join(dir, 'over-baseline.yaml'));
    try {
      const [w] = await ran.store.all<{ n: number; failed: number }>(
        `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE NOT success)::INTEGER AS failed FROM requests WHERE run_no = ${ran.run('deployed')} AND scheduled_ms >= 300000 AND scheduled_ms < 400000`,
      );
      // 0.4 is inside the 99.9% Wilson interval of the simulated share (z = 3.29: about ±0.023 at n = 5,000); 0.46 was not
      const [lo, hi] = wilsonOracle(w!.failed, w!.n, 3.2905267314919255);
      expect(w!.n).toBe(5000);
      expect(lo <= 0.4 && 0.4 <= hi, `simulated ${w!.failed} / ${w!.n}, interval [${lo}, ${hi}]`).toBe(true);
    } finally {
      ran.store.close();
    }
  });
});
