/**
 * How compare (and the report's and PR comment's comparisons) know that an abort_on_fail threshold
 * stopped a run: runs.stopped_at_ms, written with the stop, not the wording of the run's note. A
 * note reworded (or replaced) must not turn a run that covers 2 minutes of traffic into a complete
 * one; runs written before the column still have the note. The stop time is checked against the
 * runner's own result, and the request counts against the attempt rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outageOfAYaml, runYaml } from '../helpers/run-yaml.js';
import { runInfo } from '../../src/report/run-identity.js';
import { partialSides } from '../../src/report/compare-partial.js';
import { loadThresholdResults } from '../../src/report/thresholds.js';
import { exportRuns, loadExport } from '../../src/store/parquet-export.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-stopped-signal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a run stopped by abort_on_fail, as compare sees it', () => {
  it('is partial by runs.stopped_at_ms, whatever its note says', async () => {
    const { result, store, run } = await runYaml(
      // abort thresholds are checked every 8 traffic batches (32,768 requests), so past the 2m delay
      outageOfAYaml({ count: 40_000, delay: '2m', others: '  only-b:\n    use: single\n    options: { target: b }' }),
    );
    const stopped = result.runs.find((r) => r.strategy === 'single')!;
    expect(stopped.abortedAtMs).toBeGreaterThanOrEqual(120_000);
    const rows = await store.all<{ run_no: number; stopped_at_ms: number | null; n: number }>(
      `SELECT run_no, stopped_at_ms, (SELECT count(DISTINCT request_no) FROM attempts a WHERE a.run_no = r.run_no)::INTEGER AS n FROM runs r ORDER BY run_no`,
    );
    const single = rows.find((r) => r.run_no === run('single'))!;
    const onlyB = rows.find((r) => r.run_no === run('only-b'))!;
    expect(single.stopped_at_ms).toBe(stopped.abortedAtMs);
    expect(onlyB.stopped_at_ms).toBeNull();
    expect(single.n).toBeLessThan(onlyB.n);
    // `routebench report` reads the thresholds back from the file: the stop time comes with them
    const stored = await loadThresholdResults(store, run('single'));
    expect(stored.map((t) => t.abortedAtMs)).toEqual(stopped.thresholds.map((t) => t.abortedAtMs));
    expect(stored.find((t) => t.abortedAtMs !== undefined)?.abortedAtMs).toBe(stopped.abortedAtMs);

    // The note reworded (another version's wording, or a note of its own): still partial.
    await store.run(`UPDATE runs SET error = 'halted early by a threshold' WHERE run_no = ${run('single')}`);
    const base = await runInfo(store, run('only-b'), 'baseline');
    const cand = await runInfo(store, run('single'), 'candidate');
    expect(cand.stoppedEarly).toBe(true);
    expect(base.stoppedEarly).toBe(false);
    expect(partialSides(base, cand).map((p) => p.role)).toEqual(['candidate']);

    // A Parquet export and its import keep the signal.
    const out = path.join(dir, 'export');
    await exportRuns(store, out, {});
    const copy = await openStore(':memory:');
    await loadExport(copy, out, { remap: false });
    expect((await runInfo(copy, run('single'), 'candidate')).stoppedEarly).toBe(true);
    expect((await runInfo(copy, run('only-b'), 'baseline')).stoppedEarly).toBe(false);
    copy.close();

    // A run written before the column (NULL there) is known by its note alone.
    await store.run(`UPDATE runs SET stopped_at_ms = NULL, error = 'stopped at 2m0s of traffic by abort_on_fail success_rate > 0.9 (actual 0.5): its figures cover the requests that finished by then, not the whole traffic' WHERE run_no = ${run('single')}`);
    expect((await runInfo(store, run('single'), 'candidate')).stoppedEarly).toBe(true);
    store.close();
  });
});
