/**
 * A report lists a run group's strategies in the scenario's declared order (runs.strategy_index),
 * whatever order the runs were numbered in; results files written before strategy_index existed
 * gain the column and keep run order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { reportRequestFor } from '../../src/report/report-groups.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-declared-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A runs table as files written before strategy_index had it. */
const OLD = `
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE runs (run_no INTEGER PRIMARY KEY, run_id VARCHAR UNIQUE NOT NULL, run_group VARCHAR NOT NULL, scenario VARCHAR NOT NULL,
  scenario_hash VARCHAR NOT NULL, scenario_file VARCHAR, strategy VARCHAR NOT NULL, strategy_use VARCHAR NOT NULL, strategy_options JSON,
  mode VARCHAR NOT NULL, transport VARCHAR NOT NULL, seed BIGINT NOT NULL, started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR NOT NULL,
  requests INTEGER, attempt_rows INTEGER, skipped_rows INTEGER, traffic_ms DOUBLE, wall_ms DOUBLE, harness_version VARCHAR, git_commit VARCHAR,
  host JSON, error VARCHAR);
INSERT INTO runs (run_no, run_id, run_group, scenario, scenario_hash, strategy, strategy_use, mode, transport, seed, status) VALUES
  (1, 'old-z', 'g', 's', 'h', 'zeta', 'single', 'simulate', 'in-process', 1, 'ok'),
  (2, 'old-a', 'g', 's', 'h', 'alpha', 'single', 'simulate', 'in-process', 1, 'ok');
`;

async function oldFile(name: string): Promise<string> {
  const file = path.join(dir, name);
  const inst = await DuckDBInstance.create(file);
  const con = await inst.connect();
  await con.run(OLD);
  con.closeSync();
  inst.closeSync();
  return file;
}

describe('report order', () => {
  it('an older file gains strategy_index (NULL) and its report keeps run order', async () => {
    const store = await openStore(await oldFile('old.duckdb'));
    try {
      expect(await store.all('SELECT run_id, strategy_index FROM runs ORDER BY run_no')).toEqual([
        { run_id: 'old-z', strategy_index: null },
        { run_id: 'old-a', strategy_index: null },
      ]);
      expect((await reportRequestFor(store, 'g')).runs.map((r) => r.runId)).toEqual(['old-z', 'old-a']);
    } finally {
      store.close();
    }
  });

  it('runs numbered out of declared order are reported in declared order', async () => {
    const store = await openStore(await oldFile('merged.duckdb'));
    try {
      // as a merge of shards leaves them: run 1 is the second declared strategy, run 2 the first
      await store.run(`UPDATE runs SET strategy_index = CASE run_id WHEN 'old-z' THEN 1 ELSE 0 END`);
      expect((await reportRequestFor(store, 'g')).runs.map((r) => r.runId)).toEqual(['old-a', 'old-z']);
    } finally {
      store.close();
    }
  });
});
