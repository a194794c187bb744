/**
 * Loads traces with observed outcomes (written by `routebench record`, or imported logs) into a
 * DuckDB table `obs`, one row per call: when it arrived (ms), its model, token counts, stream
 * flag, and what happened (ok, status, error kind, latency, TTFT, target and its id as calibrate
 * names it, retry-after, upstream attempts where the source records them). Rows
 * without a `recorded` object (or without a finite arrival time) carry no outcome and are not
 * loaded; how many were left out is said. Times that cannot have been observed (NaN, infinite,
 * negative) are missing values. Each target gets a scenario id (letters, digits, `_`, `-`);
 * names that would collide as ids (`a/b` and `a-b`) get distinct ones (`a-b`, `a-b-2`).
 */
import { inputError, isDuckdbOutOfMemory } from '../errors.js';
import type { Store } from '../store/open-store.js';
import { sqlString } from '../store/select-runs.js';
import { firstBadLine, readableTraces } from './trace-files.js';

export interface ObservedLoad {
  rows: number;
  /** Rows with no observed outcome, or that the app hung up on (left out). */
  unobserved: number;
  /** Calls a gateway answered from its cache (left out: they say nothing about a provider). */
  cacheHits: number;
  /** Failed upstream attempts added as calls of their targets (`upstreamAttempts`). */
  upstream: number;
  targets: string[];
  /** Target name → its id in the calibration file and the backtest. */
  ids: Map<string, string>;
  spanMs: number;
}

/** The rows that say something about a provider: calls the app hung up on, and calls a gateway answered from its cache, do not. */
const OBSERVED = `recorded IS NOT NULL AND recorded.ok IS NOT NULL AND isfinite(arrival_ms) AND NOT coalesce(recorded.client_closed, false) AND NOT coalesce(recorded.cache_hit, false)`;

/** A finite, non-negative time, else NULL. */
const time = (col: string) => `CASE WHEN isfinite(${col}) AND ${col} >= 0 THEN ${col} END`;

/** A target name as a scenario id: letters, digits, `_` and `-`, starting with a letter or digit. */
export const targetId = (name: string) => name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+|-+$/g, '') || 'target';

/**
 * Distinct ids for distinct names: a name that is already its own id keeps it; the others, in
 * sorted order, get their id or, when taken, the first free `<id>-2`, `<id>-3`, …
 */
export function targetIds(names: readonly string[]): Map<string, string> {
  const sorted = [...new Set(names)].sort();
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const n of sorted)
    if (targetId(n) === n) {
      ids.set(n, n);
      used.add(n);
    }
  for (const n of sorted) {
    if (ids.has(n)) continue;
    const base = targetId(n);
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    ids.set(n, id);
    used.add(id);
  }
  return ids;
}

/**
 * `skipBadRows`: leave out the lines that cannot be read (the scenario's `on_bad_row: skip`) instead
 * of failing at the first. `shownAs`: the names messages give the files (a copy read in place of the trace).
 * `oneTimeline`: refuse files that are not one recording cut in pieces (oneTimeline below).
 * `upstreamAttempts`: add the failed upstream attempts a gateway log lists before its answer as
 * failed calls of their targets, marked `upstream` (calibrate's fits; the backtest's per-target
 * table, whose simulated side counts attempts: its per-request figures leave them out).
 */
export async function loadObserved(store: Store, files: readonly string[], o: { skipBadRows?: boolean; shownAs?: readonly string[]; oneTimeline?: boolean; upstreamAttempts?: boolean } = {}): Promise<ObservedLoad> {
  const readable = await readableTraces(files);
  try {
    return await load(store, o.shownAs ? [...o.shownAs] : readable.files, readable.paths, o.skipBadRows === true, o.oneTimeline === true, o.upstreamAttempts === true);
  } finally {
    readable.cleanup();
  }
}

async function load(store: Store, files: readonly string[], paths: readonly string[], skipBadRows: boolean, checkTimeline: boolean, upstreamAttempts: boolean): Promise<ObservedLoad> {
  const list = `[${paths.map(sqlString).join(', ')}]`;
  const several = checkTimeline && (paths.length > 1 || paths.some((p) => /[*?[{]/.test(p)));
  try {
    await store.run(`CREATE OR REPLACE TEMP TABLE obs_raw AS SELECT * FROM read_json(${list}, format = 'newline_delimited',${skipBadRows ? ' ignore_errors = true,' : ''}${several ? ' filename = true,' : ''} columns = {
      arrival_ms: 'DOUBLE', route: 'VARCHAR', input_tokens: 'BIGINT', output_tokens: 'BIGINT', cached_tokens: 'BIGINT', stream: 'BOOLEAN', dialect: 'VARCHAR',
      recorded: 'STRUCT(ok BOOLEAN, status INTEGER, latency_ms DOUBLE, ttft_ms DOUBLE, error_kind VARCHAR, target VARCHAR, retry_after_ms DOUBLE, tokens_estimated BOOLEAN, attempts JSON, client_closed BOOLEAN, cache_hit BOOLEAN)'
    })`);
  } catch (e) {
    if (isDuckdbOutOfMemory(e)) throw e; // not the file's fault: the CLI says what it is (exit 4)
    const located = await firstBadLine(files);
    if (located) throw located;
    const msg = (e as Error).message.split('\n')[0] ?? '';
    throw inputError('BAD_TRACE', `could not read ${files.join(', ')}: ${msg}`, [], 'calibrate reads routebench JSONL traces with observed outcomes (from `routebench record` or `routebench import`)');
  }
  if (several) await oneTimeline(store, files, paths);
  await store.run(`CREATE OR REPLACE TEMP TABLE obs AS
    -- time from the trace's first row, observed or not, as the simulation counts it (read-trace.ts):
    -- counted from the first observed call, every incident landed early when the trace opened with
    -- rows that say nothing about a provider (no outcome, cache hits, calls the app hung up on)
    SELECT arrival_ms - (SELECT min(arrival_ms) FROM obs_raw WHERE isfinite(arrival_ms)) AS t_ms, route, coalesce(dialect, 'openai') AS dialect, coalesce(input_tokens, 0) AS input_tokens,
      least(coalesce(cached_tokens, 0), coalesce(input_tokens, 0)) AS cached_tokens, coalesce(output_tokens, 0) AS output_tokens,
      coalesce(stream, false) AS stream, recorded.ok AS ok, coalesce(recorded.status, 0) AS status,
      CASE WHEN recorded.ok THEN NULL ELSE coalesce(recorded.error_kind, 'server_error') END AS error_kind,
      ${time('recorded.latency_ms')} AS latency_ms, ${time('recorded.ttft_ms')} AS ttft_ms, coalesce(recorded.target, route, 'unknown') AS target,
      ${time('recorded.retry_after_ms')} AS retry_after_ms, coalesce(recorded.tokens_estimated, false) AS tokens_estimated,
      -- upstream attempts: a count (routebench serve's x-routebench-attempts) or a list (gateway logs that record them)
      CASE json_type(recorded.attempts) WHEN 'ARRAY' THEN json_array_length(recorded.attempts)::INTEGER
        WHEN 'UBIGINT' THEN recorded.attempts::INTEGER WHEN 'BIGINT' THEN recorded.attempts::INTEGER END AS attempts,
      -- a failover is an attempt on another target: retries on one target are not (as the simulated side counts it);
      -- a bare count cannot tell them apart, so more than one attempt counts
      CASE json_type(recorded.attempts) WHEN 'ARRAY' THEN len(list_distinct(json_extract_string(recorded.attempts, '$[*].target'))) > 1
        WHEN 'UBIGINT' THEN recorded.attempts::INTEGER > 1 WHEN 'BIGINT' THEN recorded.attempts::INTEGER > 1 END AS failover,
      false AS upstream
    FROM obs_raw WHERE ${OBSERVED}`);
  const [c] = await store.all<{ rows: number; all_rows: number; cache_hits: number; span: number | null }>(
    `SELECT (SELECT count(*) FROM obs)::INTEGER AS rows, (SELECT count(*) FROM obs_raw)::INTEGER AS all_rows,
       (SELECT count(*) FROM obs_raw WHERE coalesce(recorded.cache_hit, false) AND NOT coalesce(recorded.client_closed, false) AND recorded.ok IS NOT NULL)::INTEGER AS cache_hits,
       (SELECT max(t_ms) FROM obs) AS span`,
  );
  if (!c || c.rows === 0) throw inputError('NO_OUTCOMES', `${files.join(', ')} has no rows with an observed outcome ("recorded")`, [], 'record traffic with `routebench record`, or import logs that carry outcomes');
  const upstream = upstreamAttempts ? await addUpstreamAttempts(store) : 0;
  const targets = (await store.all<{ target: string }>(`SELECT DISTINCT target FROM obs ORDER BY target`)).map((r) => r.target);
  const ids = targetIds(targets);
  const pairs = [...ids].map(([n, id]) => `(${sqlString(n)}, ${sqlString(id)})`).join(', ');
  await store.run(`CREATE OR REPLACE TEMP TABLE obs AS SELECT o.*, m.id AS target_id FROM obs o JOIN (VALUES ${pairs}) AS m(name, id) ON o.target = m.name`);
  return { rows: c.rows, unobserved: c.all_rows - c.rows - c.cache_hits, cacheHits: c.cache_hits, upstream, targets, ids, spanMs: c.span ?? 0 };
}

/**
 * Files read together must be one recording cut in pieces: each starts at or after the last
 * arrival of the one before (in the order given; a folder's files in name order). Each recording
 * counts arrival_ms from its own start, so two recordings in one folder (a second `record` run
 * with the same --out), or logs imported one by one, would be laid over each other: their
 * incidents diluted, their load added up. Refused, naming the two files.
 */
async function oneTimeline(store: Store, files: readonly string[], paths: readonly string[]): Promise<void> {
  const spans = await store.all<{ filename: string; first: number; last: number }>(
    `SELECT filename, min(arrival_ms) AS first, max(arrival_ms) AS last FROM obs_raw WHERE isfinite(arrival_ms) GROUP BY filename`,
  );
  const position = (f: string) => {
    const i = paths.indexOf(f);
    return i >= 0 ? i : paths.length;
  };
  spans.sort((a, b) => position(a.filename) - position(b.filename) || (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  const shown = (f: string) => files[paths.indexOf(f)] ?? f;
  for (let i = 1; i < spans.length; i++) {
    const [a, b] = [spans[i - 1]!, spans[i]!];
    if (b.first < a.last) {
      const message = `starts at ${b.first.toLocaleString('en-US')} ms, before ${shown(a.filename)} ends (${a.last.toLocaleString('en-US')} ms): not one recording cut in pieces, so calibrated together their calls would be laid over each other`;
      throw inputError(
        'TRACE_OVERLAP',
        `${shown(b.filename)}: arrival_ms ${message}`,
        [{ file: shown(b.filename), path: 'arrival_ms', message }],
        'each recording counts arrival_ms from its own start: calibrate one recording at a time (its files share the name prefix record-<start>-, e.g. traces/recorded/record-20261206T153000Z-*.jsonl)',
      );
    }
  }
}

/**
 * A gateway log that lists a request's upstream attempts (OpenRouter's provider_responses, a
 * Portkey fallback chain) holds failed calls to other targets before its answer: the last attempt
 * is the row's outcome, the ones before it failed (a 2xx among them is left out). Each becomes a
 * failed call of its target at the request's time, with its status, error kind (from the status
 * where the log gives none) and latency. Without them a target whose every failure the gateway
 * rescued looked healthy: its outage went unseen, its error rate read 0. Returns how many.
 */
async function addUpstreamAttempts(store: Store): Promise<number> {
  await store.run(`INSERT INTO obs BY NAME
    WITH r AS (
      SELECT arrival_ms - (SELECT min(arrival_ms) FROM obs_raw WHERE isfinite(arrival_ms)) AS t_ms, route, coalesce(dialect, 'openai') AS dialect,
        coalesce(input_tokens, 0) AS input_tokens, least(coalesce(cached_tokens, 0), coalesce(input_tokens, 0)) AS cached_tokens, coalesce(stream, false) AS stream,
        from_json(recorded.attempts, '[{"target": "VARCHAR", "status": "INTEGER", "latency_ms": "DOUBLE", "error_kind": "VARCHAR"}]') AS list
      FROM obs_raw WHERE ${OBSERVED} AND json_type(recorded.attempts) = 'ARRAY' AND json_array_length(recorded.attempts) > 1),
    a AS (SELECT t_ms, route, dialect, input_tokens, cached_tokens, stream, unnest(list[1:len(list) - 1]) AS u FROM r)
    SELECT t_ms, route, dialect, input_tokens, cached_tokens, 0::BIGINT AS output_tokens, stream, false AS ok, coalesce(u.status, 0) AS status,
      coalesce(u.error_kind, CASE WHEN u.status = 429 THEN 'rate_limited' WHEN u.status = 529 THEN 'overloaded' WHEN u.status IN (408, 504) THEN 'timeout' ELSE 'server_error' END) AS error_kind,
      ${time('u.latency_ms')} AS latency_ms, NULL::DOUBLE AS ttft_ms, coalesce(u.target, 'unknown') AS target, NULL::DOUBLE AS retry_after_ms, false AS tokens_estimated,
      NULL::INTEGER AS attempts, NULL::BOOLEAN AS failover, true AS upstream
    FROM a WHERE NOT coalesce(u.status BETWEEN 200 AND 299, false)`);
  const [n] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM obs WHERE upstream`);
  return n?.n ?? 0;
}
