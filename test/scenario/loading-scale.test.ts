/**
 * Scenario loading is linear in the file size: a map of 200k keys loads (the yaml package's own
 * duplicate-key check made this quadratic: 20k keys took 17 s, 80k 135 s), duplicates are still
 * found with both lines named, and a file over the size limit is refused with a message that
 * says the limit and where requests belong.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, HarnessError } from '../../src/errors.js';
import { loadScenario, MAX_SCENARIO_BYTES, parseScenario } from '../../src/scenario/load-scenario.js';

const HEAD = 'name: big\ntraffic:\n  synthetic:\n    arrival: { process: constant, rate_per_s: 10 }\n    count: 10\n    tags:\n      user:\n';
const TAIL = 'targets:\n  a: { provider: openai, model: gpt-4o-mini }\nstrategies:\n  s: { use: single, options: { target: a } }\n';
/** Lines 8 .. 8+n-1 are the tag values u0..u(n-1). */
const bigScenario = (n: number, extra = '') => {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`        u${i}: ${(i % 7) + 1}\n`);
  return HEAD + lines.join('') + extra + TAIL;
};

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HarnessError);
    expect((e as HarnessError).exitCode).toBe(2);
    return (e as HarnessError).problems.map(formatProblem);
  }
  throw new Error('expected the scenario to be rejected');
}

const dir = mkdtempSync(path.join(tmpdir(), 'rb-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scenario loading at scale', () => {
  it('loads a scenario with 200,000 tag values (minutes with the quadratic duplicate check)', { timeout: 120_000 }, () => {
    const n = 200_000;
    const loaded = parseScenario(bigScenario(n), 'big.yaml');
    const users = loaded.scenario.traffic.synthetic!.tags.user!;
    const keys = Object.keys(users);
    expect(keys.length).toBe(n);
    expect([keys[0], keys[n - 1], users.u0, users.u6, users.u7, users[`u${n - 1}`]]).toEqual(['u0', `u${n - 1}`, 1, 7, 1, ((n - 1) % 7) + 1]);
    // Positions still resolve (through the per-map key index), for the last key too.
    expect(loaded.source.locate(['traffic', 'synthetic', 'tags', 'user', `u${n - 1}`], true)).toEqual({ line: 8 + n - 1, col: 9 });
  });

  it('still finds a duplicate among 200,000 keys, naming both lines', { timeout: 120_000 }, () => {
    const n = 200_000;
    expect(problemsOf(() => parseScenario(bigScenario(n, '        u17: 3\n'), 'dup.yaml'))).toEqual([
      `dup.yaml:${8 + n}:9  Map keys must be unique ("u17" first defined at line ${8 + 17}) (DUPLICATE_KEY)`,
    ]);
  });

  it('finds duplicates in flow maps, in maps inside lists, and several at once, with the schema problems; 1 and "1" are different keys', () => {
    const yaml = `name: d\nseed: 1\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 1, rate_per_s: 2 }, count: 1 } }
targets:
  a: { provider: openai, model: gpt-4o-mini }
incidents:
  - { kind: outage, targets: [a], start: 1m, duration: 1m }
  - kind: outage
    start: 1m
    kind: brownout
strategies:
  s: { use: single, options: { target: a } }
seed: 2
`;
    expect(problemsOf(() => parseScenario(yaml, 'd.yaml'))).toEqual([
      'd.yaml:3:70  Map keys must be unique ("rate_per_s" first defined at line 3) (DUPLICATE_KEY)',
      'd.yaml:8:5  incidents[1].duration  expected a duration string such as "30s", "250ms" or "4h22m"',
      'd.yaml:10:5  Map keys must be unique ("kind" first defined at line 8) (DUPLICATE_KEY)',
      // The last definition is the one checked (and pointed at), and its problems are listed beside the duplicate.
      'd.yaml:10:11  incidents[1].kind  "brownout" is not allowed; expected one of outage, error_rate, latency, overload, rate_limit_storm, credits_exhausted',
      'd.yaml:13:1  Map keys must be unique ("seed" first defined at line 2) (DUPLICATE_KEY)',
    ]);
    const distinct = parseScenario(bigScenario(0, '        1: 1\n        "1": 2\n'), 'ok.yaml');
    expect(distinct.scenario.traffic.synthetic!.tags.user).toEqual({ 1: 2 });
  });

  it('refuses a scenario over the size limit, saying the limit and that requests belong in a trace file', async () => {
    const filler = `# ${'x'.repeat(1000)}\n`.repeat(Math.ceil(MAX_SCENARIO_BYTES / 1000));
    const text = bigScenario(1) + filler;
    const expected = /the scenario is 8\.\d MB, over the 8\.0 MB limit for scenario files; put recorded requests in a trace file \(traffic\.trace\.path/;
    expect(problemsOf(() => parseScenario(text, 'huge.yaml'))).toEqual([expect.stringMatching(new RegExp(`^huge\\.yaml:1:1  ${expected.source}`))]);
    const file = path.join(dir, 'huge.yaml');
    writeFileSync(file, text);
    const err = await loadScenario(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HarnessError);
    expect((err as HarnessError).exitCode).toBe(2);
    expect((err as HarnessError).code).toBe('SCENARIO_TOO_LARGE');
    expect((err as HarnessError).message).toMatch(expected);
    // Just under the limit is fine (comments are ignored).
    expect(parseScenario(bigScenario(1) + filler.slice(0, MAX_SCENARIO_BYTES - bigScenario(1).length - 10), 'ok.yaml').scenario.name).toBe('big');
  });
});
