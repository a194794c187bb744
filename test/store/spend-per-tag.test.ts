/**
 * Spend per tag value per time bucket, against sums written out by hand: two tag sets share a
 * project (they differ in team), a tag set without the key counts as "(none)", costs that a
 * float sum would round (0.1 + 0.2) come out exact, and two runs stay apart. Every bucket up to
 * the run's last has a row per tag value of the run, $0 where it spent nothing, and a $0 row
 * closes the last bucket: the chart's step area runs from one row to the next, so it drew run 2's
 * $1.50 across the empty 1000-2000 ms bucket and its last bucket with no width (checked on the
 * rendered SVG).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open-store.js';
import { spendPerTag } from '../../src/store/report-queries.js';

describe('spendPerTag', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(':memory:');
    await store.run(`INSERT INTO tagsets VALUES
      (1, 0, '{"project":"search","team":"a"}'), (1, 1, '{"project":"search","team":"b"}'), (1, 2, '{"team":"a"}'), (1, 3, '{"project":"chat"}'),
      (2, 0, '{"project":"chat"}')`);
    // run_no, scheduled_ms, tagset_no, cost_usd; buckets of 1,000 ms
    await store.run(`CREATE TEMP TABLE rq AS SELECT * FROM (VALUES
      (1, 10.0, 0, 0.1), (1, 20.0, 1, 0.2), (1, 999.0, 3, 0.5), (1, 1000.0, 0, 0.25), (1, 1500.0, 2, 0.125), (1, 1600.0, 2, NULL),
      (2, 5.0, 0, 1.5), (2, 2500.0, 0, 0.75)
    ) t(run_no, scheduled_ms, tagset_no, cost_usd)`);
  });
  afterAll(() => store.close());

  it('sums each tag value per bucket and run, exactly', async () => {
    expect(await spendPerTag(store, 'project', 1000)).toEqual([
      { run_no: 1, t_ms: 0, tag: '(none)', cost_usd: 0 },
      { run_no: 1, t_ms: 0, tag: 'chat', cost_usd: 0.5 },
      { run_no: 1, t_ms: 0, tag: 'search', cost_usd: 0.3 }, // 0.1 + 0.2 from two tag sets; 0.30000000000000004 as doubles
      { run_no: 1, t_ms: 1000, tag: '(none)', cost_usd: 0.125 }, // a NULL cost adds nothing
      { run_no: 1, t_ms: 1000, tag: 'chat', cost_usd: 0 },
      { run_no: 1, t_ms: 1000, tag: 'search', cost_usd: 0.25 },
      { run_no: 1, t_ms: 2000, tag: '(none)', cost_usd: 0 }, // the end of the last bucket
      { run_no: 1, t_ms: 2000, tag: 'chat', cost_usd: 0 },
      { run_no: 1, t_ms: 2000, tag: 'search', cost_usd: 0 },
      { run_no: 2, t_ms: 0, tag: 'chat', cost_usd: 1.5 },
      { run_no: 2, t_ms: 1000, tag: 'chat', cost_usd: 0 }, // no request in this bucket
      { run_no: 2, t_ms: 2000, tag: 'chat', cost_usd: 0.75 },
      { run_no: 2, t_ms: 3000, tag: 'chat', cost_usd: 0 },
    ]);
  });

  it('by another key, the same requests fall into other groups', async () => {
    const rows = await spendPerTag(store, 'team', 1000);
    expect(rows.filter((r) => r.run_no === 1)).toEqual([
      { run_no: 1, t_ms: 0, tag: '(none)', cost_usd: 0.5 },
      { run_no: 1, t_ms: 0, tag: 'a', cost_usd: 0.1 },
      { run_no: 1, t_ms: 0, tag: 'b', cost_usd: 0.2 },
      { run_no: 1, t_ms: 1000, tag: '(none)', cost_usd: 0 },
      { run_no: 1, t_ms: 1000, tag: 'a', cost_usd: 0.375 },
      { run_no: 1, t_ms: 1000, tag: 'b', cost_usd: 0 },
      { run_no: 1, t_ms: 2000, tag: '(none)', cost_usd: 0 },
      { run_no: 1, t_ms: 2000, tag: 'a', cost_usd: 0 },
      { run_no: 1, t_ms: 2000, tag: 'b', cost_usd: 0 },
    ]);
  });
});
