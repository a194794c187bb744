/**
 * `calibration:` in a scenario: what a calibration file may hold and how a scenario's own targets
 * override it. Files written here by hand; the expected merge is read off the inputs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { includeCalibration } from '../../src/scenario/include-calibration.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import type { Problem } from '../../src/errors.js';

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
  const source = { value: { calibration: 'cal.yaml', ...value }, problems: [], locate: () => ({ line: 3, col: 14 }) };
  return includeCalibration(source, scenario);
};

describe('calibration: includes', () => {
  it('a problem in a calibration file given by an absolute path is located in that file (its path was joined onto the scenario folder again)', () => {
    const abs = join(dir, 'cal.yaml');
    writeFileSync(abs, 'targetz: {}\n');
    const source = { value: { calibration: abs }, problems: [], locate: () => ({ line: 3, col: 14 }) };
    const r = includeCalibration(source, scenario);
    expect(r.problems).toEqual([expect.objectContaining({ file: abs, line: 1, path: 'targetz' })]);
  });

  it('a key calibrate never writes is a problem naming it, not silently dropped', () => {
    const r = include('targetz:\n  a: { provider: openai, model: gpt-4o-mini }\n');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: join(dir, 'cal.yaml'), line: 1, col: 1, path: 'targetz' });
    expect(r.problems[0]!.message).toMatch(/unknown key "targetz"/);
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

  it('a mock field the scenario sets holds for every calibrated model of the target; models merge model by model', () => {
    const cal = `targets:
  a:
    provider: openai
    model: gpt-4o
    mock:
      profile: perfect
      errors: { server_error: 0.05 }
      models:
        gpt-4o: { ttft_ms: { p50: 800, p99: 1600 }, errors: { server_error: 0.1 } }
        gpt-4o-mini: { ttft_quantiles_ms: [100, 200, 300], tokens_per_s_quantiles: [50, 60, 70], errors: {} }
`;
    const r = include(cal, { targets: { a: { mock: { errors: { server_error: 0.5 }, ttft_ms: { p50: 300, p99: 900 }, models: { 'gpt-4o': { price: { input: 1, output: 2 } } } } } } });
    expect(r.problems).toEqual([]);
    // the what-if's errors and TTFT replace the models' own (their quantile table too); the price joins gpt-4o's entry
    expect((r.value as { targets: Record<string, unknown> }).targets.a).toEqual({
      provider: 'openai',
      model: 'gpt-4o',
      mock: {
        profile: 'perfect',
        errors: { server_error: 0.5 },
        ttft_ms: { p50: 300, p99: 900 },
        models: { 'gpt-4o': { price: { input: 1, output: 2 } }, 'gpt-4o-mini': { tokens_per_s_quantiles: [50, 60, 70] } },
      },
    });
  });
});

describe('problems in a calibration file', () => {
  const scenarioText = (mineErrors: string) => `name: own
calibration: cal.yaml
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 5 }, count: 10 } }
targets:
  mine: { provider: openai, model: gpt-4o-mini, mock: { profile: typical, errors: { server_error: ${mineErrors} } } }
strategies:
  one: { use: single, options: { target: a } }
`;
  const calText = (rate: string, incidentTarget: string) => `targets:
  a:
    provider: openai
    model: gpt-4o-mini
    mock:
      profile: typical
      errors: { server_error: ${rate} }
incidents:
  - { name: observed-a-1, kind: outage, targets: [${incidentTarget}], start: 1m, duration: 1m }
`;
  const problems = (scenarioYaml: string, cal: string): Problem[] => {
    writeFileSync(join(dir, 'cal.yaml'), cal);
    try {
      parseScenario(scenarioYaml, scenario);
    } catch (e) {
      return (e as { problems: Problem[] }).problems;
    }
    throw new Error('the scenario was accepted');
  };

  it("a calibrated target's field is located at the calibration file's own line", () => {
    const all = problems(scenarioText('0.01'), calText('7', 'a'));
    expect(all.find((p) => p.path === 'targets.a.mock.errors.server_error'), JSON.stringify(all)).toMatchObject({ file: join(dir, 'cal.yaml'), line: 7, message: 'must be between 0 and 1' });
    expect(all.every((p) => p.file === join(dir, 'cal.yaml')), JSON.stringify(all)).toBe(true);
  });

  it('a calibrated incident naming an unknown target is located in the calibration file', () => {
    const all = problems(scenarioText('0.01'), calText('0.02', 'nowhere'));
    expect(all, JSON.stringify(all)).toEqual([expect.objectContaining({ file: join(dir, 'cal.yaml'), line: 9 })]);
    expect(all[0]!.message).toMatch(/nowhere/);
  });

  it("the scenario's own fields stay located in the scenario", () => {
    const all = problems(scenarioText('9'), calText('0.02', 'a'));
    expect(all.find((p) => p.path === 'targets.mine.mock.errors.server_error'), JSON.stringify(all)).toMatchObject({ file: scenario, line: 5 });
    expect(all.every((p) => p.file === scenario), JSON.stringify(all)).toBe(true);
  });
});
