/**
 * `calibration:` in a scenario: what a calibration file may hold and how a scenario's own targets
 * override it. Files written here by hand; the expected merge is read off the inputs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { includeCalibration } from '../../src/scenario/include-calibration.js';

let dir: string;
let scenario: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-include-cal-'));
  scenario = join(dir, 'own.yaml');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const include = (calibration: string, value: Record<string, unknown> = {}) => {
  writeFileSync(join(dir, 'cal.yaml'), calibration);
  return includeCalibration({ calibration: 'cal.yaml', ...value }, scenario, { line: 3, col: 14 });
};

describe('calibration: includes', () => {
  it('a key calibrate never writes is a problem naming it, not silently dropped', () => {
    const r = include('targetz:\n  a: { provider: openai, model: gpt-4o-mini }\n');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.path).toBe('calibration');
    expect(r.problems[0]!.message).toMatch(/cal\.yaml: unknown key "targetz"/);
    const extra = include('targets:\n  a: { provider: openai, model: gpt-4o-mini }\nversion: 2\n');
    expect(extra.problems.map((p) => p.message)).toEqual([expect.stringMatching(/unknown key "version"/)]);
  });

  it('a scenario target overrides the calibrated one field by field, its mock key by key', () => {
    const r = include('targets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 700, p99: 3000 }, errors: { server_error: 0.02 } } }\nincidents:\n  - { name: observed-a-1, kind: outage, targets: [a], start: 1m, duration: 1m }\n', {
      targets: { a: { model: 'gpt-4o', mock: { errors: { server_error: 0.05 } } }, c: { provider: 'anthropic', model: 'claude-3-5-haiku' } },
      incidents: [{ name: 'own', kind: 'outage', targets: ['c'], start: '2m', duration: '1m' }],
    });
    expect(r.problems).toEqual([]);
    const v = r.value as { targets: Record<string, unknown>; incidents: { name: string }[] };
    expect(v.targets.a).toEqual({ provider: 'openai', model: 'gpt-4o', mock: { profile: 'perfect', ttft_ms: { p50: 700, p99: 3000 }, errors: { server_error: 0.05 } } });
    expect(v.targets.c).toEqual({ provider: 'anthropic', model: 'claude-3-5-haiku' });
    expect(v.incidents.map((i) => i.name)).toEqual(['own', 'observed-a-1']);
  });
});
