/**
 * Availability and p95 per time bucket, against values worked out by hand, and the closing row at
 * the end of each run's last bucket: the chart draws a step from each row to the next, so without
 * it the last bucket (an outage in the final minutes) had no width on the chart.
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
      (2, 5.0, true, 50.0, NULL)
    ) t(run_no, scheduled_ms, success, latency_ms, last_error)`);
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

  it('failure layers per bucket, closed the same way', async () => {
    expect(await failureLayers(store, 1000)).toEqual([
      { run_no: 1, t_ms: 0, layer: 'provider', rate: 1 / 3 },
      { run_no: 1, t_ms: 1000, layer: 'gateway', rate: 1 / 2 },
      { run_no: 1, t_ms: 1000, layer: 'provider', rate: 1 / 2 },
      { run_no: 1, t_ms: 2000, layer: 'gateway', rate: 1 / 2 },
      { run_no: 1, t_ms: 2000, layer: 'provider', rate: 1 / 2 },
      { run_no: 2, t_ms: 0, layer: 'provider', rate: 0 },
      { run_no: 2, t_ms: 1000, layer: 'provider', rate: 0 },
    ]);
  });

  it('target shares per bucket (against the attempt rows counted in JavaScript), closed the same way', async () => {
    const ran = await runYaml(twoTargetYaml({ count: 300, strategies: '  w: { use: weighted, options: { targets: [{ target: a, weight: 1 }, { target: b, weight: 1 }] } }' }));
    const runNo = ran.run('w');
    const bucket = 5000;
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
    const last = Math.max(...totals.keys());
    const body = rows.filter((r) => r.t_ms <= last);
    expect(body.length).toBe(counts.size);
    for (const r of body) expect(r.share).toBeCloseTo(counts.get(`${r.t_ms}|${r.target}`)! / totals.get(r.t_ms)!, 12);
    const close = rows.filter((r) => r.t_ms > last);
    expect(close.map((r) => ({ ...r, t_ms: r.t_ms - bucket }))).toEqual(body.filter((r) => r.t_ms === last));
    ran.store.close();
  });
});
