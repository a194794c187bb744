/**
 * Availability and p95 per time bucket, failure layers and target shares, against values worked
 * out by hand (or counted in JavaScript): one row per bucket from a run's first to its last, empty
 * buckets included with null values (a gap on the chart), and 0 for a layer or target that had
 * nothing in a bucket where others had something. The chart closes each step itself
 * (report/charts/step-points.ts; test/report/over-time-gaps.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open-store.js';
import { failureLayers, overTime, targetShare } from '../../src/store/report-queries.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

describe('overTime', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(':memory:');
    // run_no, scheduled_ms, success, latency_ms; buckets of 1,000 ms
    await store.run(`CREATE TEMP TABLE rq AS SELECT * FROM (VALUES
      (1, 10.0, true, 100.0, NULL), (1, 20.0, true, 300.0, NULL), (1, 900.0, false, NULL, 'server_error'), (1, 1500.0, false, NULL, 'gateway_error'), (1, 1600.0, false, NULL, 'timeout'),
      (2, 5.0, true, 50.0, NULL),
      (3, 100.0, false, NULL, 'gateway_error'), (3, 2500.0, true, 80.0, NULL)
    ) t(run_no, scheduled_ms, success, latency_ms, last_error)`);
  });
  afterAll(() => store.close());

  it('per bucket, empty buckets included with no values', async () => {
    expect(await overTime(store, 1000)).toEqual([
      // p95 of 100 and 300 (type 7): 100 + 0.95 × 200 = 290
      { run_no: 1, t_ms: 0, requests: 3, success_rate: 2 / 3, p95_latency_ms: 290 },
      { run_no: 1, t_ms: 1000, requests: 2, success_rate: 0, p95_latency_ms: null },
      { run_no: 2, t_ms: 0, requests: 1, success_rate: 1, p95_latency_ms: 50 },
      { run_no: 3, t_ms: 0, requests: 1, success_rate: 0, p95_latency_ms: null },
      { run_no: 3, t_ms: 1000, requests: 0, success_rate: null, p95_latency_ms: null },
      { run_no: 3, t_ms: 2000, requests: 1, success_rate: 1, p95_latency_ms: 80 },
    ]);
  });

  it('failure layers per bucket: 0 where a layer had no failure, null where there was no request', async () => {
    expect(await failureLayers(store, 1000)).toEqual([
      // run 1: the gateway failed 1 of 2 in bucket 1 and none of 3 in bucket 0
      { run_no: 1, t_ms: 0, layer: 'gateway', rate: 0 },
      { run_no: 1, t_ms: 1000, layer: 'gateway', rate: 1 / 2 },
      { run_no: 1, t_ms: 0, layer: 'provider', rate: 1 / 3 },
      { run_no: 1, t_ms: 1000, layer: 'provider', rate: 1 / 2 },
      // run 2: no gateway failure at all, so no gateway layer
      { run_no: 2, t_ms: 0, layer: 'provider', rate: 0 },
      // run 3: bucket 1 had no request
      { run_no: 3, t_ms: 0, layer: 'gateway', rate: 1 },
      { run_no: 3, t_ms: 1000, layer: 'gateway', rate: null },
      { run_no: 3, t_ms: 2000, layer: 'gateway', rate: 0 },
      { run_no: 3, t_ms: 0, layer: 'provider', rate: 0 },
      { run_no: 3, t_ms: 1000, layer: 'provider', rate: null },
      { run_no: 3, t_ms: 2000, layer: 'provider', rate: 0 },
    ]);
  });

  it('target shares per bucket (against the attempt rows counted in JavaScript), every target in every bucket', async () => {
    const ran = await runYaml(twoTargetYaml({ count: 300, strategies: '  w: { use: weighted, options: { targets: [{ target: a, weight: 1 }, { target: b, weight: 1 }] } }' }));
    const runNo = ran.run('w');
    const bucket = 100;
    const rows = await targetShare(ran.store, [runNo], bucket);
    const attempts = await ran.store.all<{ sent_ms: number; target: string }>(
      `SELECT a.sent_ms, t.target_id AS target FROM attempts a JOIN targets t ON t.run_no = a.run_no AND t.target_no = a.target_no WHERE a.run_no = ${runNo} AND a.outcome <> 'gave_up'`,
    );
    const counts = new Map<string, number>();
    const totals = new Map<number, number>();
    for (const a of attempts) {
      const t = Math.floor(a.sent_ms / bucket) * bucket;
      counts.set(`${t}|${a.target}`, (counts.get(`${t}|${a.target}`) ?? 0) + 1);
      totals.set(t, (totals.get(t) ?? 0) + 1);
    }
    const first = Math.min(...totals.keys());
    const last = Math.max(...totals.keys());
    const buckets = (last - first) / bucket + 1;
    expect(rows.length).toBe(2 * buckets);
    // 20 requests/s in 100 ms buckets: some buckets miss one target (share 0), some have no attempt (null)
    expect(rows.some((r) => r.share === 0)).toBe(true);
    expect(rows.some((r) => r.share === null)).toBe(true);
    for (const r of rows) {
      const total = totals.get(r.t_ms);
      if (total === undefined) expect(r.share, `${r.t_ms}`).toBeNull();
      else expect(r.share!).toBeCloseTo((counts.get(`${r.t_ms}|${r.target}`) ?? 0) / total, 12);
    }
    ran.store.close();
  });
});
