/**
 * What a `dlp` wrapper did, read back from the decision reasons it stores on each request's
 * first row (`dlp <verdict>; found=<detectors>; planted=<detectors>`): requests blocked,
 * rewritten and flagged per run, and per detector how often it fired and, on a seeded corpus,
 * its recall and precision counted per request (a detector that fires on a request where it was
 * planted is a true positive for that request). A run whose prompts came from the trace
 * (`found=…; from=trace`) has no planted labels: its scores are NULL.
 */
import type { Store } from './open-store.js';
import { sqlRunNos } from './select-runs.js';

export interface DlpVerdictRow {
  run_no: number;
  requests: number;
  blocked: number;
  redacted: number;
  flagged: number;
  passed: number;
  /** The prompts carried planted labels (the seeded corpus), so detectors can be scored. */
  labelled: boolean;
}

export interface DlpDetectorRow {
  run_no: number;
  detector: string;
  /** Requests on which the detector fired. */
  fired: number;
  /** Null without planted labels (`prompts: trace`): only the seeded corpus can be scored. */
  true_positives: number | null;
  false_positives: number | null;
  false_negatives: number | null;
  recall: number | null;
  precision: number | null;
}


/** One row per request of a dlp run: its verdict and the detector lists. */
const TAGGED = (runNos: readonly number[]) => `
  SELECT run_no, request_no,
    regexp_extract(reason, '^dlp (\\w+);', 1) AS verdict,
    regexp_extract(reason, 'found=([a-z0-9_,]*)', 1) AS found,
    regexp_extract(reason, 'planted=([a-z0-9_,]*)', 1) AS planted,
    -- prompts: trace has no planted labels (found=…; from=trace)
    reason LIKE '%; planted=%' AS labelled
  FROM (
    -- the first dlp row of each request (arg_min, not row_number() ... WHERE k = 1: on DuckDB
    -- 1.5.6 that form, under these FILTER aggregates, failed with an internal cast error when no
    -- row matched on a large table)
    SELECT a.run_no, a.request_no, arg_min(r.reason, a.attempt_no) AS reason
    FROM attempts a JOIN reasons r USING (run_no, reason_no)
    WHERE a.run_no IN (${sqlRunNos(runNos)}) AND r.reason LIKE 'dlp %'
    GROUP BY a.run_no, a.request_no)`;

export async function dlpVerdicts(store: Store, runNos: readonly number[]): Promise<DlpVerdictRow[]> {
  return store.all(`
    SELECT run_no, count(*)::INTEGER AS requests,
      count(*) FILTER (WHERE verdict = 'block')::INTEGER AS blocked,
      count(*) FILTER (WHERE verdict = 'redact')::INTEGER AS redacted,
      count(*) FILTER (WHERE verdict = 'flag')::INTEGER AS flagged,
      count(*) FILTER (WHERE verdict = 'pass')::INTEGER AS passed,
      bool_and(labelled) AS labelled
    FROM (${TAGGED(runNos)}) GROUP BY run_no ORDER BY run_no`);
}

export async function dlpDetectors(store: Store, runNos: readonly number[]): Promise<DlpDetectorRow[]> {
  return store.all(`
    WITH t AS (${TAGGED(runNos)}),
    pairs AS (
      SELECT run_no, request_no, d AS detector, true AS found, list_contains(string_split(planted, ','), d) AS planted, labelled
        FROM t, unnest(string_split(found, ',')) AS u(d) WHERE d <> ''
      UNION ALL
      SELECT run_no, request_no, d, false, true, labelled
        FROM t, unnest(string_split(planted, ',')) AS u(d) WHERE d <> '' AND NOT list_contains(string_split(found, ','), d))
    -- without planted labels (prompts: trace) there is nothing to score against: NULL, not 0
    SELECT run_no, detector,
      count(*) FILTER (WHERE found)::INTEGER AS fired,
      CASE WHEN bool_and(labelled) THEN count(*) FILTER (WHERE found AND planted)::INTEGER END AS true_positives,
      CASE WHEN bool_and(labelled) THEN count(*) FILTER (WHERE found AND NOT planted)::INTEGER END AS false_positives,
      CASE WHEN bool_and(labelled) THEN count(*) FILTER (WHERE NOT found AND planted)::INTEGER END AS false_negatives,
      CASE WHEN bool_and(labelled) THEN count(*) FILTER (WHERE found AND planted) / nullif(count(*) FILTER (WHERE planted), 0) END AS recall,
      CASE WHEN bool_and(labelled) THEN count(*) FILTER (WHERE found AND planted) / nullif(count(*) FILTER (WHERE found), 0) END AS precision
    FROM pairs GROUP BY ALL ORDER BY run_no, detector`);
}
