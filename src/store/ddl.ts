/**
 * The DuckDB contract. `attempts` holds one numeric row per provider call (strings are
 * dictionary tables per run); `attempt_log` and `requests` are the views people query.
 * Bump SCHEMA_VERSION on any incompatible change: older readers refuse newer files.
 */
import { ERROR_KINDS, OUTCOMES } from '../providers/canonical.js';

export const SCHEMA_VERSION = 1;

/**
 * The marker that makes a DuckDB file a routebench results file: created with the schema, in the
 * same transaction. A file without it is refused (unless it is an earlier routebench file, which
 * gains it), so someone else's database is never altered.
 */
export const MARKER_TABLE = 'routebench_meta';
export const MARKER_FORMAT = 'routebench results';
export const MARKER_DDL = `CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)`;

const enumList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

export const DDL = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
-- Sums of DOUBLEs depend on the order a parallel aggregate adds them; exact decimal sums make every
-- figure bit-identical from run to run (costs to 1e-12 USD, times to 1e-9 ms). Macros take no
-- FILTER clause: filter with CASE WHEN ... THEN x END instead.
CREATE OR REPLACE MACRO exact_sum(x) AS sum(x::DECIMAL(38, 12))::DOUBLE;
CREATE OR REPLACE MACRO exact_avg(x) AS avg(x::DECIMAL(38, 9))::DOUBLE;
CREATE TYPE IF NOT EXISTS outcome_t AS ENUM (${enumList(OUTCOMES)});
CREATE TYPE IF NOT EXISTS error_kind_t AS ENUM (${enumList(ERROR_KINDS)});

CREATE TABLE IF NOT EXISTS runs (
  run_no INTEGER PRIMARY KEY,
  run_id VARCHAR UNIQUE NOT NULL,
  run_group VARCHAR NOT NULL,
  scenario VARCHAR NOT NULL,
  scenario_hash VARCHAR NOT NULL,
  scenario_file VARCHAR,
  scenario_description VARCHAR,
  traffic VARCHAR,
  strategy VARCHAR NOT NULL,
  strategy_use VARCHAR NOT NULL,
  strategy_options JSON,
  mode VARCHAR NOT NULL,
  transport VARCHAR NOT NULL,
  seed BIGINT NOT NULL,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL,
  requests INTEGER,
  attempt_rows INTEGER,
  skipped_rows INTEGER,
  traffic_ms DOUBLE,
  wall_ms DOUBLE,
  harness_version VARCHAR,
  git_commit VARCHAR,
  host JSON,
  gateways JSON,
  time_scale DOUBLE,
  error VARCHAR,
  -- the strategy's position (0-based) among the scenario's declared strategies: a report's order and
  -- its baseline (the first declared strategy) whichever shard or order the runs were made in
  strategy_index INTEGER,
  -- the process writing the run (run-owner.ts): a run left 'running' by a process that is gone is shown 'abandoned'
  owner_pid INTEGER,
  owner_host VARCHAR,
  owner_start VARCHAR,
  -- traffic time (ms) at which an abort_on_fail threshold stopped the run (status thresholds_failed);
  -- NULL for a run that went to the end of its traffic (and for runs written before the column)
  stopped_at_ms DOUBLE
);

CREATE TABLE IF NOT EXISTS targets (
  run_no INTEGER, target_no SMALLINT, target_id VARCHAR, provider VARCHAR, model VARCHAR, dialect VARCHAR,
  price_input DOUBLE, price_output DOUBLE, price_cached_input DOUBLE, price_source VARCHAR, via VARCHAR
);
CREATE TABLE IF NOT EXISTS reasons (run_no INTEGER, reason_no INTEGER, reason VARCHAR);
CREATE TABLE IF NOT EXISTS tagsets (run_no INTEGER, tagset_no INTEGER, tags JSON);
CREATE TABLE IF NOT EXISTS routes (run_no INTEGER, route_no INTEGER, route VARCHAR);
CREATE TABLE IF NOT EXISTS threshold_results (run_no INTEGER, metric VARCHAR, threshold VARCHAR, actual DOUBLE, passed BOOLEAN, abort_on_fail BOOLEAN);
CREATE TABLE IF NOT EXISTS incidents (run_no INTEGER, incident_no INTEGER, name VARCHAR, kind VARCHAR, targets VARCHAR[], start_ms DOUBLE, end_ms DOUBLE);

CREATE TABLE IF NOT EXISTS attempts (
  run_no INTEGER NOT NULL,
  request_no INTEGER NOT NULL,
  attempt_no INTEGER NOT NULL,
  target_no INTEGER,
  scheduled_ms DOUBLE NOT NULL,
  sent_ms DOUBLE NOT NULL,
  first_token_ms DOUBLE,
  end_ms DOUBLE NOT NULL,
  outcome outcome_t NOT NULL,
  http_status INTEGER,
  error_kind error_kind_t,
  retryable BOOLEAN NOT NULL,
  retry_after_ms DOUBLE,
  tokens_in INTEGER NOT NULL,
  tokens_cached INTEGER NOT NULL,
  tokens_out INTEGER NOT NULL,
  cost_usd DOUBLE NOT NULL,
  reason_no INTEGER NOT NULL,
  tagset_no INTEGER NOT NULL,
  route_no INTEGER NOT NULL,
  stream BOOLEAN NOT NULL,
  incident_no INTEGER,
  -- replay: the longest gap between two chunks of a streamed answer, ms (NULL when not measured)
  max_gap_ms DOUBLE,
  -- replay against routebench mocks: send -> first byte beyond the mock's own schedule, scenario ms:
  -- the harness's overhead (client, loopback, event loops) that the strategy measured as latency
  harness_ms DOUBLE
);

CREATE OR REPLACE VIEW attempt_log AS
SELECT r.run_id, r.scenario, r.strategy, a.request_no, a.attempt_no,
       CASE WHEN a.target_no IS NULL AND a.outcome <> 'gave_up' THEN 'gateway' ELSE t.target_id END AS target, t.provider, t.model,
       a.scheduled_ms, a.sent_ms, a.first_token_ms, a.end_ms, a.outcome, a.http_status, a.error_kind, a.retryable,
       a.retry_after_ms, a.tokens_in, a.tokens_cached, a.tokens_out, a.cost_usd, rs.reason, ts.tags, ro.route, a.stream, a.max_gap_ms,
       i.name AS incident,
       -- how the row was learnt: the engine's own attempt, an external gateway's upstream call read
       -- from the mock server's log, or the client's call to that gateway
       CASE WHEN a.target_no IS NULL AND a.outcome <> 'gave_up' THEN 'client'
            WHEN r.strategy_use = 'external' AND a.outcome <> 'gave_up' THEN 'upstream_log' ELSE 'engine' END AS observed_via,
       a.run_no
FROM attempts a
JOIN runs r USING (run_no)
LEFT JOIN targets t ON t.run_no = a.run_no AND t.target_no = a.target_no
LEFT JOIN reasons rs ON rs.run_no = a.run_no AND rs.reason_no = a.reason_no
LEFT JOIN tagsets ts ON ts.run_no = a.run_no AND ts.tagset_no = a.tagset_no
LEFT JOIN routes ro ON ro.run_no = a.run_no AND ro.route_no = a.route_no
LEFT JOIN incidents i ON i.run_no = a.run_no AND i.incident_no = a.incident_no;

CREATE OR REPLACE VIEW requests AS
-- Engine runs: every row is an attempt routebench made.
SELECT run_no, request_no,
       any_value(scheduled_ms) AS scheduled_ms,
       any_value(tagset_no) AS tagset_no,
       any_value(route_no) AS route_no,
       bool_or(stream) AS stream,
       bool_or(outcome = 'ok') AS success,
       count(*) FILTER (WHERE outcome <> 'gave_up') AS attempts,
       count(DISTINCT target_no) FILTER (WHERE outcome <> 'gave_up') AS targets_tried,
       -- more than one distinct target, as min < max: one hash table fewer than count(DISTINCT) > 1 (~30% of a report's GROUP BY)
       coalesce(min(target_no) FILTER (WHERE outcome <> 'gave_up') < max(target_no) FILTER (WHERE outcome <> 'gave_up'), false) AS failover,
       max(end_ms) FILTER (WHERE outcome = 'ok') - any_value(scheduled_ms) AS latency_ms,
       max(end_ms) - any_value(scheduled_ms) AS duration_ms,
       min(first_token_ms) FILTER (WHERE outcome = 'ok') - any_value(scheduled_ms) AS ttft_ms,
       min(sent_ms) - any_value(scheduled_ms) AS lag_ms,
       arg_max(target_no, attempt_no) FILTER (WHERE outcome = 'ok') AS served_by,
       arg_max(error_kind, attempt_no) FILTER (WHERE outcome <> 'ok') AS last_error,
       exact_sum(cost_usd) AS cost_usd,
       exact_sum(CASE WHEN outcome <> 'ok' THEN cost_usd END) AS wasted_cost_usd,
       sum(tokens_in) AS tokens_in,
       sum(tokens_out) AS tokens_out,
       max(max_gap_ms) FILTER (WHERE outcome = 'ok') AS max_gap_ms,
       NULL::DOUBLE AS upstream_ms,
       NULL::DOUBLE AS gateway_overhead_ms,
       NULL::DOUBLE AS gateway_wait_ms
FROM attempts
WHERE run_no NOT IN (SELECT run_no FROM runs WHERE strategy_use = 'external')
GROUP BY run_no, request_no
UNION ALL
-- External gateways: the row with no target (not 'gave_up') is the client's call to the gateway;
-- outcome, latency and TTFT are what the client saw, the other rows are the gateway's upstream
-- calls read from the mock server's log. upstream_ms: time with an upstream call open (overlapping
-- calls, a hedge, counted once); gateway_wait_ms: the gaps between one upstream call's end and the
-- next one's start (the backoff and retry-after waits the gateway chose); gateway_overhead_ms: the
-- gateway's own time = client time - upstream_ms - gateway_wait_ms.
SELECT run_no, request_no,
       any_value(scheduled_ms),
       any_value(tagset_no),
       any_value(route_no),
       bool_or(stream),
       bool_or(outcome = 'ok' AND client),
       count(*) FILTER (WHERE outcome <> 'gave_up' AND NOT client),
       count(DISTINCT target_no) FILTER (WHERE outcome <> 'gave_up' AND NOT client),
       coalesce(min(target_no) FILTER (WHERE outcome <> 'gave_up' AND NOT client) < max(target_no) FILTER (WHERE outcome <> 'gave_up' AND NOT client), false),
       max(end_ms) FILTER (WHERE outcome = 'ok' AND client) - any_value(scheduled_ms),
       max(end_ms) - any_value(scheduled_ms),
       min(first_token_ms) FILTER (WHERE outcome = 'ok' AND client) - any_value(scheduled_ms),
       min(sent_ms) FILTER (WHERE client) - any_value(scheduled_ms),
       arg_max(target_no, attempt_no) FILTER (WHERE outcome = 'ok' AND NOT client),
       arg_max(error_kind, attempt_no) FILTER (WHERE outcome <> 'ok' AND client),
       exact_sum(cost_usd),
       exact_sum(CASE WHEN outcome <> 'ok' THEN cost_usd END),
       sum(tokens_in),
       sum(tokens_out),
       max(max_gap_ms) FILTER (WHERE outcome = 'ok' AND client),
       coalesce(sum(greatest(0, end_ms - greatest(sent_ms, coalesce(prev_end, sent_ms)))) FILTER (WHERE upstream), 0),
       max(end_ms - sent_ms) FILTER (WHERE client)
         - coalesce(sum(greatest(0, end_ms - greatest(sent_ms, coalesce(prev_end, sent_ms)))) FILTER (WHERE upstream), 0)
         - coalesce(sum(greatest(0, sent_ms - prev_end)) FILTER (WHERE upstream AND prev_end IS NOT NULL), 0),
       coalesce(sum(greatest(0, sent_ms - prev_end)) FILTER (WHERE upstream AND prev_end IS NOT NULL), 0)
FROM (SELECT *,
        -- the latest end among the request's upstream calls sent before this one
        max(end_ms) FILTER (WHERE upstream) OVER (PARTITION BY run_no, request_no ORDER BY sent_ms, attempt_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
      FROM (SELECT *, target_no IS NULL AND outcome <> 'gave_up' AS client, target_no IS NOT NULL AS upstream FROM attempts
            WHERE run_no IN (SELECT run_no FROM runs WHERE strategy_use = 'external')))
GROUP BY run_no, request_no;
`;
