/**
 * The report's materialisation (`rq`) in batches of small runs, and the attempts histogram over
 * it: batches and counts worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open-store.js';
import { attemptsHistogram, runBatches } from '../../src/store/report-queries.js';

let store: Store;
beforeAll(async () => {
  store = await openStore(':memory:');
  // attempt_rows per run: 1 and 2 fit one batch (100,000 rows), 3 is over it alone, 4 + 5 fit, 6 is not recorded
  const sizes: [number, number | null][] = [[1, 40_000], [2, 60_000], [3, 250_000], [4, 70_000], [5, 30_000], [6, null], [7, 10]];
  for (const [n, rows] of sizes)
    await store.run(
      `INSERT INTO runs (run_no, run_id, run_group, scenario, scenario_hash, strategy, strategy_use, mode, transport, seed, status, attempt_rows)
       VALUES (${n}, 'r${n}', 'g', 's', 'h', 'x', 'single', 'simulate', 'none', 1, 'ok', ${rows ?? 'NULL'})`,
    );
});
afterAll(() => store.close());

describe('runBatches', () => {
  it('groups consecutive runs up to 100,000 attempt rows, in the order given; a larger or unrecorded run goes alone', async () => {
    expect(await runBatches(store, [1, 2, 3, 4, 5, 6, 7])).toEqual([[1, 2], [3], [4, 5], [6], [7]]);
    expect(await runBatches(store, [7, 1, 2])).toEqual([[7, 1], [2]]);
    // a run the table does not hold is asked for alone (it adds no row)
    expect(await runBatches(store, [99, 7])).toEqual([[99], [7]]);
    expect(await runBatches(store, [])).toEqual([]);
  });
});

describe('attemptsHistogram', () => {
  it('counts requests by attempts, four and more as 4+, with each run’s shares', async () => {
    await store.run(`CREATE OR REPLACE TEMP TABLE rq AS SELECT * FROM (VALUES
      (1, 0), (1, 1), (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 12),
      (2, 1), (2, 10)) t(run_no, attempts)`);
    expect(await attemptsHistogram(store)).toEqual([
      { run_no: 1, attempts: '0', requests: 1, share: 1 / 8 },
      { run_no: 1, attempts: '1', requests: 2, share: 2 / 8 },
      { run_no: 1, attempts: '2', requests: 1, share: 1 / 8 },
      { run_no: 1, attempts: '3', requests: 1, share: 1 / 8 },
      { run_no: 1, attempts: '4+', requests: 3, share: 3 / 8 },
      { run_no: 2, attempts: '1', requests: 1, share: 1 / 2 },
      { run_no: 2, attempts: '4+', requests: 1, share: 1 / 2 },
    ]);
  });
});
