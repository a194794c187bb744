/**
 * The report's materialisation (`rq`) in batches of small runs, its last error only where a
 * gateway makes the report read it, and the attempts histogram over it: worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open-store.js';
import { attemptsHistogram } from '../../src/store/report-queries.js';
import { prepareReport, runBatches } from '../../src/store/report-rq.js';

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

describe('prepareReport', () => {
  it('keeps each request’s last error when a target is reached through a gateway, and leaves it out otherwise', async () => {
    // runs 1 and 2 (40,000 and 60,000 attempt rows on record): one batch. Request 0 fails over
    // (overloaded, then unavailable, then ok), request 1 fails (rate_limited, then server_error).
    const attempt = (run: number, req: number, no: number, outcome: string, kind: string | null) =>
      `(${run}, ${req}, ${no}, 0, ${req * 1000}, ${req * 1000 + no * 10}, ${req * 1000 + no * 10 + 5}, '${outcome}', ${kind ? `'${kind}'` : 'NULL'}, false, 1, 0, 1, 0.001, 0, 0, 0, false)`;
    const rows = (run: number) => [
      attempt(run, 0, 0, 'error', 'overloaded'), attempt(run, 0, 1, 'error', 'unavailable'), attempt(run, 0, 2, 'ok', null),
      attempt(run, 1, 0, 'error', 'rate_limited'), attempt(run, 1, 1, 'error', 'server_error'),
    ];
    await store.run(`INSERT INTO attempts (run_no, request_no, attempt_no, target_no, scheduled_ms, sent_ms, end_ms, outcome, error_kind, retryable,
      tokens_in, tokens_cached, tokens_out, cost_usd, reason_no, tagset_no, route_no, stream) VALUES ${[...rows(1), ...rows(2)].join(', ')}`);
    const lastErrors = async () =>
      store.all<{ run_no: number; request_no: number; last_error: string | null; success: boolean }>(
        'SELECT run_no, request_no, last_error::VARCHAR AS last_error, success FROM rq ORDER BY run_no, request_no',
      );
    const expected = (withErrors: boolean) =>
      [1, 2].flatMap((run) => [
        { run_no: run, request_no: 0, last_error: withErrors ? 'unavailable' : null, success: true },
        { run_no: run, request_no: 1, last_error: withErrors ? 'server_error' : null, success: false },
      ]);
    await prepareReport(store, [1, 2]);
    expect(await lastErrors()).toEqual(expected(false));
    await store.run(`INSERT INTO targets (run_no, target_no, target_id, via) VALUES (2, 0, 'a', 'gw')`);
    await prepareReport(store, [1, 2]);
    expect(await lastErrors()).toEqual(expected(true));
  });
});
