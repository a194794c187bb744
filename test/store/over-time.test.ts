/**
 * Availability and p95 per time bucket, against values worked out by hand, and the closing row at
 * the end of each run's last bucket: the chart draws a step from each row to the next, so without
 * it the last bucket (an outage in the final minutes) had no width on the chart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open-store.js';
import { overTime } from '../../src/store/report-queries.js';

describe('overTime', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(':memory:');
    // run_no, scheduled_ms, success, latency_ms; buckets of 1,000 ms
    await store.run(`CREATE TEMP TABLE rq AS SELECT * FROM (VALUES
      (1, 10.0, true, 100.0), (1, 20.0, true, 300.0), (1, 900.0, false, NULL), (1, 1500.0, false, NULL), (1, 1600.0, false, NULL),
      (2, 5.0, true, 50.0)
    ) t(run_no, scheduled_ms, success, latency_ms)`);
  });
  afterAll(() => store.close());

  it('per bucket, plus a closing row with the last bucket\'s values at its end', async () => {
    expect(await overTime(store, 1000)).toEqual([
      // p95 of 100 and 300 (type 7): 100 + 0.95 × 200 = 290
      { run_no: 1, t_ms: 0, requests: 3, success_rate: 2 / 3, p95_latency_ms: 290 },
      { run_no: 1, t_ms: 1000, requests: 2, success_rate: 0, p95_latency_ms: null },
      { run_no: 1, t_ms: 2000, requests: null, success_rate: 0, p95_latency_ms: null },
      { run_no: 2, t_ms: 0, requests: 1, success_rate: 1, p95_latency_ms: 50 },
      { run_no: 2, t_ms: 1000, requests: null, success_rate: 1, p95_latency_ms: 50 },
    ]);
  });
});
