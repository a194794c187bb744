/**
 * Runs in worker threads give the attempts a sequential run gives, bit for bit: a suite of two
 * scenarios (failover, hedging timers, an incident, tags) run on the main thread scenario by
 * scenario, then with 1, 2 and 3 workers, then as two shards with 2 workers each. The oracle is
 * the sequential run (a second implementation of the same loop on another thread): a sha256 over
 * every attempt row with its dictionary strings, keyed by scenario and strategy. Run numbers
 * follow suite order whichever worker finishes first.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectRuns } from '../../src/cli/run-selection.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { runSuiteParallel } from '../../src/runner/workers/run-parallel.js';
import { inFlightLimit, IN_FLIGHT_BUDGET } from '../../src/runner/workers/messages.js';
import { ROW_BATCH } from '../../src/engine/attempt-rows.js';
import { testEnv, twoTargetYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = [
  ['failover.yaml', twoTargetYaml({ seed: 3, count: 3000, a: '{ profile: flaky }', strategies: `  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }\n  hedge: { use: hedge, options: { targets: [a, b] } }\n  retry: { use: retry, options: { inner: a } }`, incidents: '[{ kind: outage, targets: [a], start: 20s, duration: 30s }]' }).replace('name: t', 'name: failover')],
  ['weights.yaml', twoTargetYaml({ seed: 9, count: 2500, strategies: `  weighted: { use: weighted, options: { targets: [{ target: a, weight: 3 }, { target: b }], failover: true } }\n  p2c: { use: p2c }\n  cheapest: { use: cheapest }` }).replace('name: t', 'name: weights')],
].map(([name, yaml]) => {
  const f = path.join(dir, name!);
  writeFileSync(f, yaml!);
  return f;
});

/** sha256 per "scenario/strategy" over every attempt column and its strings, in key order. */
async function hashes(store: Store): Promise<Record<string, string>> {
  const rows = await store.all<Record<string, unknown>>(`SELECT * EXCLUDE (run_id, run_no) FROM attempt_log ORDER BY scenario, strategy, request_no, attempt_no`);
  const out: Record<string, ReturnType<typeof createHash>> = {};
  for (const r of rows) (out[`${r.scenario}/${r.strategy}`] ??= createHash('sha256')).update(JSON.stringify(r));
  return Object.fromEntries(Object.entries(out).map(([k, h]) => [k, h.digest('hex')]));
}

const runOrder = async (store: Store) => (await store.all<{ k: string }>(`SELECT scenario || '/' || strategy AS k FROM runs ORDER BY run_no`)).map((r) => r.k);

describe('parallel runs', async () => {
  const loaded = await Promise.all(files.map((f) => loadScenario(f)));
  const all = selectRuns(loaded, {});

  const sequential = await openStore(':memory:');
  for (const s of all) await runScenario(s.loaded, { store: sequential, env: testEnv, only: s.labels });
  const expected = await hashes(sequential);
  const expectedOrder = await runOrder(sequential);

  it('the sequential suite has every run, with rows', () => {
    expect(Object.keys(expected)).toHaveLength(7);
    expect(expectedOrder).toEqual(['failover/single', 'failover/fallback', 'failover/hedge', 'failover/retry', 'weights/weighted', 'weights/p2c', 'weights/cheapest']);
  });

  it.each([1, 2, 3])('%i worker(s): identical attempts, runs numbered in suite order, statuses ok', async (workers) => {
    const store = await openStore(':memory:');
    const results = await runSuiteParallel(all, { store, env: testEnv, workers });
    expect(await hashes(store)).toEqual(expected);
    expect(await runOrder(store)).toEqual(expectedOrder);
    expect(results.map((r) => r!.scenario)).toEqual(['failover', 'weights']);
    expect(results.flatMap((r) => r!.runs.map((x) => x.status))).toEqual(Array(7).fill('ok'));
    const seqRuns = await sequential.all(`SELECT strategy, requests, attempt_rows FROM runs ORDER BY run_no`);
    expect(await store.all(`SELECT strategy, requests, attempt_rows FROM runs ORDER BY run_no`)).toEqual(seqRuns);
    store.close();
  });

  it('Ctrl-C (an aborted signal): no run left running, every recorded row count matches the table', async () => {
    const store = await openStore(':memory:');
    const controller = new AbortController();
    controller.abort();
    const results = await runSuiteParallel(all, { store, env: testEnv, workers: 2, signal: controller.signal });
    const runs = await store.all<{ run_no: number; status: string; attempt_rows: number; n: number }>(
      `SELECT r.run_no, r.status, r.attempt_rows, (SELECT count(*) FROM attempts a WHERE a.run_no = r.run_no)::INTEGER AS n FROM runs r ORDER BY run_no`,
    );
    expect(runs).toHaveLength(7);
    for (const r of runs) {
      expect(r.status).toBe('interrupted');
      expect(r.n).toBe(r.attempt_rows);
    }
    expect(results.every((x) => x === undefined || x.interrupted)).toBe(true);
    store.close();
  });

  it('two shards with 2 workers each: together, the same attempts', async () => {
    const merged: Record<string, string> = {};
    for (const shard of ['1/2', '2/2']) {
      const store = await openStore(':memory:');
      await runSuiteParallel(selectRuns(loaded, { shard }), { store, env: testEnv, workers: 2 });
      Object.assign(merged, await hashes(store));
      store.close();
    }
    expect(merged).toEqual(expected);
  });

  it('runs of several row batches (buffers sent back to the worker and refilled): identical attempts', async () => {
    // 100,000 requests: more 16,384-row batches per run than a worker of two may have in flight
    // (inFlightLimit(2) + 1), so appended batches come back to their worker and carry later rows.
    const f = path.join(dir, 'long.yaml');
    writeFileSync(f, twoTargetYaml({ seed: 5, count: 100_000, a: '{ profile: flaky }', strategies: `  fallback: { use: fallback, options: { targets: [a, b] } }\n  hedge: { use: hedge, options: { targets: [a, b] } }` }).replace('name: t', 'name: long'));
    const long = selectRuns([await loadScenario(f)], {});
    const digest = async (store: Store) =>
      store.all(`SELECT run_no, count(*)::INTEGER AS n, md5(string_agg(a::VARCHAR, '|' ORDER BY request_no, attempt_no)) AS h FROM attempts a GROUP BY run_no ORDER BY run_no`);
    const seq = await openStore(':memory:');
    for (const s of long) await runScenario(s.loaded, { store: seq, env: testEnv, only: s.labels });
    const par = await openStore(':memory:');
    await runSuiteParallel(long, { store: par, env: testEnv, workers: 2 });
    const want = await digest(seq);
    expect((want as { n: number }[]).every((r) => r.n > (inFlightLimit(2) + 1) * ROW_BATCH)).toBe(true);
    expect(await digest(par)).toEqual(want);
    seq.close();
    par.close();
  });

  it('in-flight batches: a lone worker may run the whole budget ahead, several share it, none has fewer than two', () => {
    expect(inFlightLimit(1)).toBe(IN_FLIGHT_BUDGET);
    expect(inFlightLimit(2)).toBe(IN_FLIGHT_BUDGET / 2);
    expect(inFlightLimit(3) * 3).toBeLessThanOrEqual(IN_FLIGHT_BUDGET);
    for (const n of [4, 8, 64]) expect(inFlightLimit(n)).toBe(2);
  });
});
