/**
 * Error kinds the mock cannot give. An imported log's own kind name, or a gateway's refusal or
 * failure recorded behind `serve` (gateway_blocked, gateway_error), was written into the
 * calibration file as observed, and the scenario including it was refused
 * (`targets.x.mock.errors.gateway_error  unknown key`). An unknown kind now counts as server_error
 * (as a failure without a kind does); a gateway's kinds are left out; the fit report says so.
 * Hand-built trace: 200 calls, 10 gateway_error and 10 of an unknown kind.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { fitReport } from '../../src/calibrate/fit-report.js';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-error-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('error kinds the mock cannot give', () => {
  it('make a calibration file the scenario accepts, and the fit report says what became of them', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => {
      const kind = i % 20 === 3 ? 'gateway_error' : i % 20 === 5 ? 'upstream_weirdness' : undefined;
      const recorded = kind ? { ok: false, status: 502, error_kind: kind, latency_ms: 30, target: 'x' } : { ok: true, status: 200, ttft_ms: 400, latency_ms: 900, target: 'x' };
      return JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: kind ? 0 : 50, stream: true, recorded });
    });
    writeFileSync(join(dir, 'kinds.jsonl'), `${lines.join('\n')}\n`);
    const cal = await calibrate([join(dir, 'kinds.jsonl')]);
    expect(cal.targets[0]!.errors.map((e) => [e.kind, e.count])).toEqual([['gateway_error', 10], ['upstream_weirdness', 10]]);
    const yaml = calibrationYaml(cal, 'kinds.jsonl');
    expect((parse(yaml) as { targets: { x: { mock: { errors: Record<string, number> } } } }).targets.x.mock.errors).toEqual({ server_error: 0.05 });
    expect(fitReport(cal)).toContain("In the mock: gateway_error is the gateway's, not the provider's, and is left out; upstream_weirdness is not a kind the mock knows and counts as server_error.");
    writeFileSync(join(dir, 'kinds.cal.yaml'), yaml);
    writeFileSync(join(dir, 'kinds.yaml'), `name: kinds\ntraffic: { trace: { path: kinds.jsonl } }\ncalibration: kinds.cal.yaml\nstrategies:\n  deployed: { use: single, options: { target: x } }\n`);
    const io = memoryIo();
    expect(await runCli(['validate', join(dir, 'kinds.yaml')], io), io.stderr).toBe(0);
  });
});
