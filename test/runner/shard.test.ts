import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../src/errors.js';
import { parseShard, shardMatrix } from '../../src/runner/shard.js';
import { summary } from '../../src/store/queries.js';
import { exportRuns, mergeSources, openSource } from '../../src/store/transfer-runs.js';
import { attemptHash, runYaml, twoTargetYaml } from '../helpers/run-yaml.js';
import { expectSameSummaries } from '../helpers/same-summary.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shardError = (text: string) => {
  try {
    parseShard(text);
  } catch (e) {
    return e as HarnessError;
  }
  throw new Error(`parseShard accepted "${text}"`);
};

describe('parseShard', () => {
  it('reads i/n, 1-based', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 3 / 5 ')).toEqual({ index: 3, count: 5 });
  });

  it.each(['0/2', '3/2', '1/0', '0/0', '-1/2', '1.5/2', 'a/b', '1', '1/2/3', '', '2/'])('rejects "%s" with exit 2 and an example', (text) => {
    const err = shardError(text);
    expect(err).toBeInstanceOf(HarnessError);
    expect([err.code, err.exitCode]).toEqual(['BAD_SHARD', 2]);
    expect(err.hint).toContain('--shard 2/4');
    expect(err.problems[0]!.message).toContain(`"${text}"`);
  });
});

describe('shardMatrix', () => {
  const matrix = ['quickstart', 'outage', 'storm', 'azure'].flatMap((scenario, i) =>
    ['single', 'fallback', 'retry', 'breaker', 'hedge', 'weighted'].slice(0, 3 + i).map((strategy) => ({ scenario, strategy, id: `${scenario}/${strategy}` })),
  );
  const shuffled = [...matrix].map((item, i) => ({ item, k: (i * 7919) % 101 })).sort((a, b) => a.k - b.k).map((x) => x.item);
  const ids = (items: readonly { id: string }[]) => items.map((x) => x.id);

  it.each([1, 2, 3, 4, 5, 7, 18, 25])('with %i shards: disjoint, complete, balanced and independent of input order', (count) => {
    const shards = Array.from({ length: count }, (_, i) => shardMatrix(matrix, { index: i + 1, count }));
    const all = shards.flatMap(ids);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(ids(matrix).sort());
    const sizes = shards.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (let i = 0; i < count; i++) {
      expect(ids(shardMatrix(shuffled, { index: i + 1, count }))).toEqual(ids(shards[i]!));
      expect(ids(shardMatrix([...matrix].reverse(), { index: i + 1, count }))).toEqual(ids(shards[i]!));
    }
  });

  it('spreads one scenario over the shards and sorts by scenario, then strategy', () => {
    expect(ids(shardMatrix(matrix, { index: 1, count: 3 })).slice(0, 3)).toEqual(['azure/breaker', 'azure/retry', 'outage/breaker']);
    expect(shardMatrix(matrix, { index: 1, count: 1 })).toHaveLength(matrix.length);
    expect(shardMatrix([], { index: 2, count: 3 })).toEqual([]);
    expect(() => shardMatrix(matrix, { index: 4, count: 3 })).toThrow(HarnessError);
  });
});

describe('sharded runs merged', () => {
  const yaml = twoTargetYaml({
    seed: 11,
    count: 1500,
    a: '{ profile: flaky }',
    b: '{ profile: rate-limited }',
    incidents: `[{ name: storm, kind: rate_limit_storm, targets: [a], start: 20s, duration: 15s, rate: 0.5 },
      { name: cut, kind: outage, targets: [a], start: 40s, duration: 10s }]`,
    strategies: `  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
  retry: { use: retry, options: { inner: { use: single, options: { target: a } } } }
  breaker: { use: circuit-breaker, options: { inner: { use: fallback, options: { targets: [a, b] } }, min_requests: 5 } }
  hedge: { use: hedge, options: { targets: [a, b] } }`,
  });
  const labels = ['single', 'fallback', 'retry', 'breaker', 'hedge'];

  it('equal the unsharded run: same attempt hash and summary for every strategy', async () => {
    const whole = await runYaml(yaml, { only: labels });
    const matrix = labels.map((strategy) => ({ scenario: whole.result.scenario, strategy }));
    const shardDirs: string[] = [];
    for (const index of [1, 2]) {
      const only = shardMatrix(matrix, { index, count: 2 }).map((m) => m.strategy);
      const shard = await runYaml(yaml, { only, runGroup: 't-sharded' });
      expect(shard.result.runs.map((r) => r.strategy)).toEqual(labels.filter((l) => only.includes(l)));
      const out = path.join(dir, `shard-${index}`);
      await exportRuns(shard.store, out, { runGroup: 't-sharded' });
      shard.store.close();
      shardDirs.push(out);
    }
    const target = path.join(dir, 'merged.duckdb');
    const merged = await mergeSources(target, shardDirs);
    expect(merged.map((m) => m.imported)).toEqual([3, 2]);

    const store = await openSource(target);
    try {
      const runs = await store.all<{ run_no: number; strategy: string; run_group: string }>('SELECT run_no, strategy, run_group FROM runs ORDER BY run_no');
      expect(runs.map((r) => r.run_group)).toEqual(Array(5).fill('t-sharded'));
      expect(runs.map((r) => r.strategy).sort()).toEqual([...labels].sort());
      const runNo = (label: string) => runs.find((r) => r.strategy === label)!.run_no;
      const hashes = new Set<string>();
      for (const label of labels) {
        const expected = await attemptHash(whole.store, whole.run(label));
        expect(await attemptHash(store, runNo(label)), label).toBe(expected);
        hashes.add(expected);
      }
      expect(hashes.size).toBe(labels.length);
      const mergedSummary = await summary(store, labels.map(runNo));
      const wholeSummary = await summary(whole.store, labels.map((l) => whole.run(l)));
      expectSameSummaries(mergedSummary, wholeSummary, { ignore: ['run_no', 'run_id', 'run_group'] });
    } finally {
      store.close();
      whole.store.close();
    }
  });
});
