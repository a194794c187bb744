/**
 * A calibrated target whose model routebench has no price for (an imported log's own model name)
 * was reported at the calibration file's line with "set targets.<id>.price": an edit to a file
 * whose header says to re-run calibrate rather than edit it, and which the next calibrate replaces
 * (the price lost, the problem back). The problem now names the scenario as the place for the
 * price; a target the scenario itself declares keeps its message. Setting the price in the
 * scenario, as said, validates.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-unpriced-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
const rows = Array.from({ length: 10 }, (_, i) => JSON.stringify({ arrival_ms: i * 100, route: 'my-finetune', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100 + i, target: 'a' } }));
writeFileSync(at('t.jsonl'), `${rows.join('\n')}\n`);
const scenario = (extra = '') => `name: s\ntraffic:\n  trace: { path: t.jsonl }\ncalibration: cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: a } }\n${extra}`;

describe('a calibrated target with no price', () => {
  it('is reported at the calibration file, saying to set the price in the scenario', async () => {
    expect((await cli(['calibrate', at('t.jsonl'), '-o', at('cal.yaml')])).code).toBe(0);
    writeFileSync(at('s.yaml'), scenario());
    const r = await cli(['validate', at('s.yaml')]);
    expect(r.err).toMatch(
      new RegExp(`^${at('cal.yaml').replace(/[.]/g, '\\.')}:\\d+:\\d+  targets\\.a\\.model  no price for "my-finetune" in the price table; set it in the scenario ${at('s.yaml').replace(/[.]/g, '\\.')}, not in this file \\(calibrate rewrites it\\): targets: \\{ a: \\{ price: \\{input, output, cached_input\\} \\} \\} in USD per 1M tokens, or a known key\\n`),
    );
    expect(r.code).toBe(2);
  });

  it('set in the scenario as said, it validates', async () => {
    writeFileSync(at('s2.yaml'), scenario('targets:\n  a: { price: { input: 0.15, output: 0.6 } }\n'));
    const r = await cli(['validate', at('s2.yaml')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
