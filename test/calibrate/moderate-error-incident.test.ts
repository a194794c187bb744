/**
 * An error-rate incident too mild for any one bucket: 1,200 calls, one every 100 ms, 5% failing
 * (every 20th) except from 40 s to 70 s, where 40% fail (2 of every 5: 120 of 300). calibrate picks
 * 2 s buckets (20 calls each); a bucket's 8 of 20 failures against the 13.75% pooled baseline has a
 * binomial tail of about 1e-3, above the 1e-4 a bucket must reach, so no bucket was flagged: no
 * incident, and the 120 failures were folded into an everyday server_error of 13.75% (165 of
 * 1,200), which the simulation spread over the whole recording. A run of raised buckets is now
 * tested pooled: one error_rate incident from 40 s for 30 s, 120 of 300 failed, and everyday errors
 * of 5%. Hand-computed; the premise's binomial tail from an exact sum.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { fitReport } from '../../src/calibrate/fit-report.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-moderate-incident-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = Array.from({ length: 1200 }, (_, i) => {
  const t = i * 100;
  const fail = t >= 40_000 && t < 70_000 ? i % 5 < 2 : i % 20 === 0;
  const recorded = fail
    ? { ok: false, status: 500, error_kind: 'server_error', latency_ms: 300, target: 'a' }
    : { ok: true, status: 200, latency_ms: 1000 + (i % 13) * 7, ttft_ms: 200 + (i % 17), target: 'a' };
  return JSON.stringify({ arrival_ms: t, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: fail ? 0 : 50, stream: true, recorded });
});
const file = join(dir, 'moderate.jsonl');
writeFileSync(file, `${lines.join('\n')}\n`);

/** log10 P(X >= k), X ~ Binomial(n, p), summed exactly. */
function log10Tail(k: number, n: number, p: number): number {
  const lnC = (m: number) => {
    let s = 0;
    for (let x = 1; x <= m; x++) s += Math.log(n - m + x) - Math.log(x);
    return s;
  };
  let sum = 0;
  for (let x = k; x <= n; x++) sum += Math.exp(lnC(x) + x * Math.log(p) + (n - x) * Math.log(1 - p));
  return Math.log10(sum);
}

describe('a moderate error rate over many buckets', () => {
  it('no single 2 s bucket is significant on its own (the premise)', () => {
    expect(log10Tail(8, 20, 165 / 1200)).toBeGreaterThan(-4);
  });

  it('is found as one error_rate incident from 40 s for 30 s, and the everyday rate is the 5% outside it', async () => {
    const c = await calibrate([file]);
    expect(c.bucketMs).toBe(2000);
    expect(c.incidents).toHaveLength(1);
    const [inc] = c.incidents;
    expect(inc).toMatchObject({ target: 'a', kind: 'error_rate', startMs: 40_000, durationMs: 30_000, calls: 300, failed: 120 });
    expect(inc!.rate).toBeCloseTo(0.4, 12);
    // outside the incident and its ±2 s band (38-72 s): 1,200 - 340 = 860 calls, every 20th failed: 43
    const a = c.targets[0]!;
    expect(a.baselineCalls).toBe(860);
    expect(a.errors).toMatchObject([{ kind: 'server_error', count: 43 }]);
    expect(a.errors[0]!.rate).toBeCloseTo(43 / 860, 12);
    // the fit report says which calls the everyday rates are over: 1,200 - 300 in the incident would read 900
    expect(fitReport(c)).toContain('1,200 calls (860 for the everyday error rates: outside incidents and their resolution either side), model gpt-4o-mini');
    // the file: the incident's rate net of the everyday errors the mock still draws, (0.4 - p) / (1 - p)
    const yaml = calibrationYaml(c, 'moderate.jsonl');
    expect(yaml).toContain('    kind: error_rate\n    targets:\n      - a\n    start: 40s\n    duration: 30s\n');
    expect(yaml).toContain(`    rate: ${+((0.4 - 43 / 860) / (1 - 43 / 860)).toPrecision(3)}\n`);
  });
});
