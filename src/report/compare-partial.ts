/**
 * Partial runs in `routebench compare`. A run that did not finish (`interrupted`, `error`, still
 * `running`, or `abandoned`: left running by a process that is gone) holds only the requests up
 * to where it stopped, and its last ones were cut short. Compared with a complete run it would be
 * judged on a different stretch of traffic (an interrupted run misses the incident that came
 * later, and looks "significantly better"). So a partial run is refused (exit 2, naming it), or,
 * with --allow-partial, both runs are compared over the common traffic window only: the requests
 * scheduled before the partial run's first incomplete one.
 *
 * The window of a partial run ends (exclusive) at the earliest of: the scheduled time of its last
 * recorded request (it may have been cut without trace), of the last request before a gap in
 * request numbers (requests every strategy sees are numbered 0, 1, 2, … in arrival order; a gap is
 * one that never got written), and of the first request with an attempt the interruption ended
 * (`aborted`; for the `external` strategy `aborted` is an upstream call the gateway gave up, a
 * normal event, so it does not count there).
 */
import { inputError } from '../errors.js';
import type { Store } from '../store/open-store.js';
import type { RunInfo } from './run-identity.js';

/** Statuses of runs that did not finish. */
export const PARTIAL_STATUSES: ReadonlySet<string> = new Set(['running', 'interrupted', 'error', 'abandoned']);

export interface PartialSide {
  role: 'baseline' | 'candidate';
  runId: string;
  status: string;
}

const describeStatus = (status: string) =>
  status === 'running' ? 'running (still running, or abandoned: its process is gone)' : status === 'abandoned' ? 'abandoned (its process ended before the run finished)' : status;

/** How a run an abort_on_fail threshold stopped is named where partial runs are listed. */
const STOPPED_EARLY = 'thresholds_failed, stopped early by an abort_on_fail threshold';

/** A run that did not finish, or that an abort_on_fail threshold stopped before the end of the traffic. */
export const isPartial = (info: Pick<RunInfo, 'status' | 'stoppedEarly'>): boolean => PARTIAL_STATUSES.has(info.status) || info.stoppedEarly === true;

export function partialSides(base: RunInfo, cand: RunInfo): PartialSide[] {
  return [
    { role: 'baseline' as const, info: base },
    { role: 'candidate' as const, info: cand },
  ]
    .filter((s) => isPartial(s.info))
    .map((s) => ({ role: s.role, runId: s.info.runId, status: s.info.stoppedEarly ? STOPPED_EARLY : s.info.status }));
}

/** Refuses partial runs unless allowed: exit 2, naming each. */
export function refusePartial(partial: readonly PartialSide[]): void {
  if (partial.length === 0) return;
  const which = partial.map((p) => `${p.role} run ${p.runId} is ${describeStatus(p.status)}`).join('; ');
  throw inputError(
    'RUN_PARTIAL',
    `${which}: a run that did not finish covers only part of the traffic, so its numbers are not comparable with a complete run`,
    [],
    'compare runs that saw all the traffic (status ok, or thresholds_failed without an abort_on_fail stop; re-run the scenario), or pass --allow-partial to compare only the common traffic window',
  );
}

/** Where the usable traffic of one partial run ends (exclusive), in ms from the run's start. */
export async function partialWindowEnd(store: Store, runNo: number, strategyUse: string): Promise<number> {
  const n = Math.trunc(runNo);
  const [row] = await store.all<{ last: number | null; before_gap: number | null; first_cut: number | null }>(`
    WITH r AS (SELECT request_no, scheduled_ms FROM requests WHERE run_no = ${n}),
    gap AS (SELECT min(request_no) AS k FROM (SELECT request_no, lead(request_no) OVER (ORDER BY request_no) AS nxt FROM r) WHERE nxt IS NOT NULL AND nxt <> request_no + 1)
    SELECT (SELECT max(scheduled_ms) FROM r)::DOUBLE AS last,
      (SELECT scheduled_ms FROM r WHERE request_no = (SELECT k FROM gap))::DOUBLE AS before_gap,
      (SELECT min(scheduled_ms) FROM attempts WHERE run_no = ${n} AND outcome = 'aborted' AND ${strategyUse === 'external' ? 'false' : 'true'})::DOUBLE AS first_cut`);
  const ends = [row?.last, row?.before_gap, row?.first_cut].filter((x): x is number => x !== null && x !== undefined);
  return ends.length === 0 ? 0 : Math.min(...ends);
}

/** Requests of a run scheduled before `untilMs`. */
export async function requestsBefore(store: Store, runNo: number, untilMs: number): Promise<number> {
  const [row] = await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM requests WHERE run_no = ${Math.trunc(runNo)} AND scheduled_ms < ${Number(untilMs)}`);
  return row?.n ?? 0;
}

/**
 * The common traffic window of two runs, one or both partial: the earliest window end of the
 * partial ones. Refused when it holds no request on either side.
 */
export async function commonWindow(
  base: { store: Store; info: RunInfo },
  cand: { store: Store; info: RunInfo },
  partial: readonly PartialSide[],
): Promise<number> {
  const sides = [base, cand].filter((s) => isPartial(s.info));
  let until = Infinity;
  for (const s of sides) until = Math.min(until, await partialWindowEnd(s.store, s.info.runNo, s.info.strategyUse));
  for (const s of [base, cand]) {
    if ((await requestsBefore(s.store, s.info.runNo, until)) > 0) continue;
    throw inputError(
      'NO_COMMON_WINDOW',
      `no request of ${s.info.runId} was scheduled before ${until} ms, where the usable traffic of ${partial.map((p) => `${p.runId} (${p.status})`).join(' and ')} ends: there is nothing to compare`,
      [],
      'compare runs that got further, or re-run the scenario',
    );
  }
  return until;
}
