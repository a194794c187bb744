/**
 * 429s under a flat load cannot be told to follow load, and calibrate must give the same file on
 * every run. Minutes were ordered by their number of calls alone; with every minute equally busy,
 * which minutes made the "busiest quarter" came from DuckDB's parallel GROUP BY, so the same trace
 * was calibrated as a 60 rpm limit on 9 runs of 10 and as two error-rate incidents on the tenth.
 * Hand-built trace: 12 minutes of exactly 100 calls; in minutes 3 and 9, 40 of them answered 429.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-rate-limit-flat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('429s under a flat load', () => {
  it('are not a load-driven limit but two error-rate incidents, the same on every run', async () => {
    const lines: string[] = [];
    for (let m = 0; m < 12; m++)
      for (let k = 0; k < 100; k++) {
        const limited = (m === 3 || m === 9) && k % 5 < 2;
        const recorded = limited ? { ok: false, status: 429, error_kind: 'rate_limited', latency_ms: 30, target: 'x' } : { ok: true, status: 200, ttft_ms: 400, latency_ms: 900, target: 'x' };
        lines.push(JSON.stringify({ arrival_ms: m * 60_000 + k * 600, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: limited ? 0 : 50, stream: true, recorded }));
      }
    const file = join(dir, 'flat.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const files = new Set<string>();
    for (let run = 0; run < 10; run++) {
      const c = await calibrate([file]);
      expect(c.targets[0]!.rateLimit?.loadDriven, `run ${run}`).toBe(false);
      expect(c.incidents.map((i) => [i.kind, i.startMs, i.durationMs, i.failed, i.calls]), `run ${run}`).toEqual([
        ['error_rate', 180_000, 60_000, 40, 100],
        ['error_rate', 540_000, 60_000, 40, 100],
      ]);
      files.add(calibrationYaml(c, 'flat.jsonl'));
    }
    expect(files.size).toBe(1);
  });
});
