/**
 * Tables of `routebench load`, beside the scenario runs in the same results file. One row per load
 * run; one per measured point (a closed-loop connection level or an open-loop rate, per arm); the
 * open-loop requests themselves (every figure of an open point is computed from them in SQL); the
 * paired overhead requests; and the derived frontier and overhead intervals, so each number in a
 * report can be queried back. Not part of `routebench export` / `merge` (yet).
 */
export const LOAD_DDL = `
CREATE TABLE IF NOT EXISTS load_runs (
  load_run_id VARCHAR PRIMARY KEY,
  scenario VARCHAR NOT NULL,
  scenario_hash VARCHAR NOT NULL,
  scenario_file VARCHAR,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  wall_ms DOUBLE,
  status VARCHAR NOT NULL,
  seed BIGINT NOT NULL,
  config JSON,
  arms JSON,
  mock JSON,
  generator JSON,                   -- the load generator's own send-lag ceiling (alone, and with the arms)
  host JSON,
  load_average DOUBLE[],
  harness_version VARCHAR,
  git_commit VARCHAR,
  warnings JSON
);
-- files written before the column existed
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS generator JSON;

CREATE TABLE IF NOT EXISTS load_points (
  load_run_id VARCHAR NOT NULL,
  arm VARCHAR NOT NULL,
  loop VARCHAR NOT NULL,            -- closed (autocannon, level = connections) | open (level = offered req/s)
  level DOUBLE NOT NULL,
  duration_ms DOUBLE NOT NULL,
  sent INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  dropped INTEGER NOT NULL,         -- open loop: not sent (generator behind by more than drop_after_ms, or too many in flight)
  late INTEGER NOT NULL,            -- open loop: sent later than late_ms after the scheduled time
  achieved_rps DOUBLE NOT NULL,     -- successful answers per second of the measured window
  p50_ms DOUBLE, p90_ms DOUBLE, p99_ms DOUBLE, max_ms DOUBLE,   -- open loop: from the scheduled time
  lag_p50_ms DOUBLE, lag_p99_ms DOUBLE,                         -- open loop: sent - scheduled
  error_kinds JSON,
  gateway_cpu_ms DOUBLE, gateway_rss_peak_mb DOUBLE,
  mock_cpu_ms DOUBLE, mock_requests INTEGER
);

CREATE TABLE IF NOT EXISTS load_requests (
  load_run_id VARCHAR NOT NULL,
  arm VARCHAR NOT NULL,
  level DOUBLE NOT NULL,
  seq INTEGER NOT NULL,
  scheduled_ms DOUBLE NOT NULL,     -- from the start of the point
  lag_ms DOUBLE,                    -- NULL when dropped
  latency_ms DOUBLE,                -- end - scheduled; NULL when dropped
  status SMALLINT,
  outcome VARCHAR NOT NULL,         -- ok | error | dropped
  error_kind VARCHAR
);

CREATE TABLE IF NOT EXISTS load_overhead (
  load_run_id VARCHAR NOT NULL,
  arm VARCHAR NOT NULL,             -- the arm compared with the direct arm
  concurrency INTEGER NOT NULL,
  stream BOOLEAN NOT NULL,
  worker INTEGER NOT NULL,
  round INTEGER NOT NULL,           -- (worker, round) is one pair
  side VARCHAR NOT NULL,            -- direct | arm
  went_first BOOLEAN NOT NULL,
  latency_us DOUBLE NOT NULL,
  ttft_us DOUBLE,
  chunks INTEGER,
  mean_gap_us DOUBLE,
  max_gap_us DOUBLE,
  stalls INTEGER,
  status SMALLINT,
  error_kind VARCHAR
);

CREATE TABLE IF NOT EXISTS load_overhead_results (
  load_run_id VARCHAR NOT NULL, arm VARCHAR NOT NULL, concurrency INTEGER NOT NULL, stream BOOLEAN NOT NULL,
  metric VARCHAR NOT NULL,          -- latency_p50 | latency_p99 | latency_mean | ttft_p50 | ttft_p99 | max_gap_p99
  direct_us DOUBLE, arm_us DOUBLE, added_us DOUBLE, lo_us DOUBLE, hi_us DOUBLE,
  pairs INTEGER NOT NULL, direct_errors INTEGER, arm_errors INTEGER, direct_stalls INTEGER, arm_stalls INTEGER
);

CREATE TABLE IF NOT EXISTS load_frontier (
  load_run_id VARCHAR NOT NULL, arm VARCHAR NOT NULL,
  p99_bound_ms DOUBLE,              -- NULL: unbounded (errors only)
  rps DOUBLE,                       -- NULL: no point qualified
  loop VARCHAR, level DOUBLE, p99_ms DOUBLE
);
`;
