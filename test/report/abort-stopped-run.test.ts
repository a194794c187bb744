/**
 * A run an abort_on_fail threshold stopped holds only the requests that finished before the stop.
 * Its figures must not be read as if it had seen the whole traffic: its traffic span (monthly cost
 * scaling), the answer's "cheapest" (its spend covers part of the traffic) and comparisons with it
 * (common traffic window only). The oracles are computed here in plain JavaScript from the attempt
 * rows, not with the report's SQL.
 */
import { describe, expect, it } from 'vitest';
import { outageOfAYaml, runYaml } from '../helpers/run-yaml.js';
import { summary } from '../../src/store/queries.js';
import { verdict } from '../../src/report/verdict.js';
import { loadThresholdResults } from '../../src/report/thresholds.js';
import { runInfo } from '../../src/report/run-identity.js';
import { commonWindow, partialSides } from '../../src/report/compare-partial.js';
import { compareRuns } from '../../src/report/compare-runs.js';
import { summaryMarkdown } from '../../src/report/summary-markdown.js';
import { eligibleForBest } from '../../src/report/best-in-column.js';
import { reportHtml } from '../../src/report/html-page.js';

describe('a run stopped by abort_on_fail', () => {
  it('is noted, spans the traffic up to the stop, is left out of the answer and compared over the common window only', async () => {
    const { result, store, run } = await runYaml(
      outageOfAYaml({
        count: 60_000,
        delay: '2m',
        others: `  fallback:
    use: fallback
    options: { targets: [a, b] }
  only-b:
    use: single
    options: { target: b }`,
      }),
    );
    const stopped = result.runs.find((r) => r.strategy === 'single')!;
    expect(stopped.status).toBe('thresholds_failed');
    expect(stopped.abortedAtMs).toBeGreaterThanOrEqual(120_000);
    const runNos = ['single', 'fallback', 'only-b'].map(run);

    // Independent per-request figures from the raw attempt rows.
    const rows = await store.all<{ run_no: number; request_no: number; scheduled_ms: number; outcome: string; cost_usd: number }>(
      `SELECT run_no, request_no, scheduled_ms, outcome::VARCHAR AS outcome, cost_usd FROM attempts ORDER BY run_no, request_no, attempt_no`,
    );
    const perRun = new Map<number, Map<number, { t: number; ok: boolean; cost: number }>>();
    for (const r of rows) {
      const m = perRun.get(r.run_no) ?? perRun.set(r.run_no, new Map()).get(r.run_no)!;
      const q = m.get(r.request_no) ?? { t: r.scheduled_ms, ok: false, cost: 0 };
      q.ok ||= r.outcome === 'ok';
      q.cost += r.cost_usd;
      m.set(r.request_no, q);
    }
    const cost = (n: number) => [...perRun.get(n)!.values()].reduce((a, q) => a + q.cost, 0);
    // The stopped run spent least: on total cost alone it would be "the cheapest".
    expect(cost(run('single'))).toBeLessThan(Math.min(cost(run('fallback')), cost(run('only-b'))));

    // The note and the traffic span.
    const spans = await store.all<{ run_no: number; traffic_ms: number; error: string | null }>(`SELECT run_no, traffic_ms, error FROM runs ORDER BY run_no`);
    const span = (n: number) => spans.find((s) => s.run_no === n)!;
    expect(span(run('single')).traffic_ms).toBe(stopped.abortedAtMs);
    expect(span(run('single')).error).toMatch(/^stopped at \d+m\d+s of traffic by abort_on_fail success_rate > 0\.9 \(actual 0\.\d+\): its figures cover/);
    expect(span(run('fallback')).traffic_ms).toBeGreaterThan(stopped.abortedAtMs! + 60_000);
    expect(span(run('fallback')).error).toBeNull();

    // The answer: the cheapest of the runs that saw all the traffic; the header counts all of it.
    const srows = await summary(store, runNos);
    const thresholds = new Map(await Promise.all(srows.map(async (r) => [r.run_id, await loadThresholdResults(store, r.run_no)] as const)));
    const v = verdict(srows, thresholds, [])!;
    // "cheapest" is per successful request
    const oks = (n: number) => [...perRun.get(n)!.values()].filter((q) => q.ok).length;
    const perOk = (n: number) => cost(n) / oks(n);
    const cheaperComplete = perOk(run('fallback')) < perOk(run('only-b')) ? 'fallback' : 'only-b';
    expect(v.cheapest.strategy).toBe(cheaperComplete);
    expect(v.most_available.strategy).not.toBe('single');
    // nor does it compete for "best in column" (its latency and cost cover part of the traffic)
    expect(eligibleForBest(srows, thresholds).runNos).toEqual([run('fallback'), run('only-b')]);
    const md = summaryMarkdown({ scenario: 't', runGroup: 'g', traffic: 'x', rows: srows, thresholds, errors: [], reasons: [], skippedRows: 0, interrupted: false });
    expect(md).toContain('· 60,000 requests ·');
    expect(md).toContain('> **Note**: single: stopped at ');
    // the HTML page says it too (it showed no run note at all: a spend cap, a failure or this stop)
    const html = reportHtml({ scenario: 't', runGroup: 'g', traffic: 'x', rows: srows, winners: [], bestRule: '', thresholds, charts: [], errors: [], reasons: [], incidents: [], footer: '' });
    expect(html).toMatch(/<p class="warn"><strong>Note:<\/strong> single: stopped at \d+m\d+s of traffic by abort_on_fail success_rate &gt; 0\.9 /);
    expect(html).toContain('· 60,000 requests ·');

    // Compared over the common window: requests scheduled before the first request number the
    // stopped run never wrote (in flight at the stop), in both runs.
    const [bi, ci] = [await runInfo(store, run('single'), 'baseline'), await runInfo(store, run('fallback'), 'candidate')];
    const partial = partialSides(bi, ci);
    expect(partial.map((p) => p.role)).toEqual(['baseline']);
    const untilMs = await commonWindow({ store, info: bi }, { store, info: ci }, partial);
    const stoppedReqs = perRun.get(run('single'))!;
    let firstMissing = 0;
    while (stoppedReqs.has(firstMissing)) firstMissing++;
    expect(untilMs).toBe(stoppedReqs.get(firstMissing - 1)!.t);
    const rate = (n: number) => {
      const inWindow = [...perRun.get(n)!.values()].filter((q) => q.t < untilMs);
      return inWindow.filter((q) => q.ok).length / inWindow.length;
    };
    const cmp = await compareRuns({ store, runNo: run('single') }, { store, runNo: run('fallback') }, { untilMs });
    const success = cmp.find((r) => r.metric === 'success_rate')!;
    expect(success.baseline).toBeCloseTo(rate(run('single')), 12);
    expect(success.candidate).toBeCloseTo(rate(run('fallback')), 12);
    store.close();
  }, 60_000);
});
