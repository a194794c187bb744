/**
 * An outage's edges, as docs/calibrate.md states them: half-way between the last success and the
 * first failure, and between the last failure and the next success, as precise as the gap between
 * those calls. Calls every 100 ms; the outage covers 59,750 – 120,250 ms, so its first and last
 * failures (59,800 and 120,200) sit in 5 s buckets too sparse in failures to be flagged on their
 * own. Hand-computed: start 59,750, end 120,250, 605 calls, all failed, resolution 100 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-outage-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('outage edges', () => {
  it('follow the run of failures into the neighbouring buckets, and count the calls the refined window holds', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const t = i * 100;
      const down = t >= 59_750 && t < 120_250;
      const recorded = down ? { ok: false, status: 503, error_kind: 'unavailable', latency_ms: 20, target: 'x' } : { ok: true, status: 200, latency_ms: 400, ttft_ms: 200, target: 'x' };
      lines.push(JSON.stringify({ arrival_ms: t, route: 'm', input_tokens: 10, output_tokens: down ? 0 : 20, stream: true, recorded }));
    }
    const file = join(dir, 'edges.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const cal = await calibrate([file]);
    expect(cal.bucketMs).toBe(5000);
    expect(cal.incidents).toHaveLength(1);
    const [o] = cal.incidents;
    expect({ kind: o!.kind, startMs: o!.startMs, endMs: o!.startMs + o!.durationMs, calls: o!.calls, failed: o!.failed, rate: o!.rate, errors: o!.errors, resolutionMs: o!.resolutionMs }).toEqual({
      kind: 'outage', startMs: 59_750, endMs: 120_250, calls: 605, failed: 605, rate: 1, errors: { unavailable: 605 }, resolutionMs: 100,
    });
    // no failure is left to the everyday error rate
    expect(cal.targets[0]!.errors).toEqual([]);
  });
});
