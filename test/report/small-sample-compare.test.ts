/**
 * A compare of two tiny runs whose requests all look alike: the sample variance of attempts is 0 on
 * both sides, which once gave a zero-width interval and a "significant" loss from 2 requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/report/compare-runs.js';
import { runYaml, twoTargetYaml, type Ran } from '../helpers/run-yaml.js';

let ran: Ran;
beforeAll(async () => {
  ran = await runYaml(
    twoTargetYaml({
      count: 2,
      a: '{ profile: perfect }',
      incidents: '[{ kind: outage, targets: [b], start: 0s, duration: 1h }]',
      strategies: `  direct: { use: single, options: { target: a } }
  via-b: { use: fallback, options: { targets: [b, a] } }`,
    }),
  );
});
afterAll(() => ran.store.close());

describe('compare of 2 requests a side', () => {
  it('does not call 1,1 against 2,2 attempts a certain loss', async () => {
    const [attempts] = await ran.store.all<{ direct: number[]; via: number[] }>(`
      SELECT list(attempts ORDER BY request_no) FILTER (WHERE run_no = ${ran.run('direct')}) AS direct,
        list(attempts ORDER BY request_no) FILTER (WHERE run_no = ${ran.run('via-b')}) AS via FROM requests`);
    // the premise: every request took one attempt directly and two through the dead b
    expect([...attempts!.direct]).toEqual([1, 1]);
    expect([...attempts!.via]).toEqual([2, 2]);
    const rows = await compareRuns({ store: ran.store, runNo: ran.run('direct') }, { store: ran.store, runNo: ran.run('via-b') });
    const row = rows.find((r) => r.metric === 'mean_attempts')!;
    expect(row.delta).toBe(1);
    // Hand-computed (see mean-ci.test.ts): variance floor 0.25 a side, se 0.5, ν = 2, t = 4.302653
    expect(row.ci!.lo).toBeCloseTo(1 - 2.151326, 5);
    expect(row.ci!.hi).toBeCloseTo(1 + 2.151326, 5);
    expect(row.verdict).toBe('tie');
  });
});
