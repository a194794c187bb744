/** A results file written by an earlier routebench (before later columns existed) opens and takes new runs. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { runYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The runs and targets tables as the first schema-1 files had them. */
const OLD = `
CREATE TYPE outcome_t AS ENUM ('ok', 'error', 'timeout', 'aborted', 'hedge_lost', 'gave_up');
CREATE TYPE error_kind_t AS ENUM ('rate_limited', 'quota_exhausted', 'overloaded', 'server_error', 'bad_gateway', 'unavailable', 'timeout',
  'connection_reset', 'truncated', 'context_length', 'invalid_request', 'auth', 'gateway_blocked');
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE runs (run_no INTEGER PRIMARY KEY, run_id VARCHAR UNIQUE NOT NULL, run_group VARCHAR NOT NULL, scenario VARCHAR NOT NULL,
  scenario_hash VARCHAR NOT NULL, scenario_file VARCHAR, strategy VARCHAR NOT NULL, strategy_use VARCHAR NOT NULL, strategy_options JSON,
  mode VARCHAR NOT NULL, transport VARCHAR NOT NULL, seed BIGINT NOT NULL, started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR NOT NULL,
  requests INTEGER, attempt_rows INTEGER, skipped_rows INTEGER, traffic_ms DOUBLE, wall_ms DOUBLE, harness_version VARCHAR, git_commit VARCHAR,
  host JSON, error VARCHAR);
INSERT INTO runs (run_no, run_id, run_group, scenario, scenario_hash, strategy, strategy_use, mode, transport, seed, status)
  VALUES (1, 'old-run', 'g', 's', 'h', 'single', 'single', 'simulate', 'in-process', 1, 'ok');
CREATE TABLE targets (run_no INTEGER, target_no SMALLINT, target_id VARCHAR, provider VARCHAR, model VARCHAR, dialect VARCHAR,
  price_input DOUBLE, price_output DOUBLE, price_cached_input DOUBLE, price_source VARCHAR);
`;

describe('results files from earlier versions', () => {
  it('gain the later columns and error kinds, and take new runs', async () => {
    const file = path.join(dir, 'old.duckdb');
    const inst = await DuckDBInstance.create(file);
    const con = await inst.connect();
    await con.run(OLD);
    con.closeSync();
    inst.closeSync();
    const store = await openStore(file);
    const { run } = await runYaml(
      `name: again
traffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 20 } }
targets: { a: { provider: openai, model: gpt-4o-mini, via: gw, mock: { profile: perfect } } }
strategies: { single: { use: single, options: { target: a } } }
incidents: [{ kind: credits_exhausted, gateways: [gw], start: 0s, duration: 1h }]
gateways: { gw: {} }
`,
      { store },
    );
    const rows = await store.all<{ run_id: string; gateways: string | null; requests: number }>(`SELECT run_id, gateways::VARCHAR AS gateways, requests FROM runs ORDER BY run_no`);
    expect(rows[0]).toEqual({ run_id: 'old-run', gateways: null, requests: null });
    expect(rows[1]!.requests).toBe(20);
    const [n] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM requests WHERE run_no = ${run('single')}`);
    expect(n!.n).toBe(20);
    // payment_required came after the file's enum: written and read back by name
    const kinds = await store.all<{ k: string; n: number }>(`SELECT error_kind::VARCHAR AS k, count(*)::INTEGER AS n FROM attempts WHERE run_no = ${run('single')} GROUP BY ALL ORDER BY k`);
    expect(kinds).toEqual([{ k: 'payment_required', n: 40 }]);
    store.close();
  });
});
