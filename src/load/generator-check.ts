/**
 * The open-loop generator's own ceiling, with nothing else in the path: the same scheduler and
 * bookkeeping as a measured point, but each "request" is answered at once without touching the
 * network. Run at the sweep's rates and beyond (doubling up to 8× the highest), half a second
 * each, before any arm is loaded, so it measures the generator on this machine as it is now (other
 * processes included). The ceiling is where its send lag p99 passes 1 ms and stays there.
 */
import { Rng } from '../rng.js';
import { sortedQuantile } from '../report/stats/verdict.js';
import { OUTCOME_DROPPED, openSchedule, runOpenPoint } from './open-loop.js';
import type { LagSample } from './rig-checks.js';
import type { Timed } from './timed-request.js';

export const CHECK_MS = 500;
const MAX_RATE = 100_000;

/** The rates to check: the sweep's, then doublings of its highest up to 8×. */
export function checkRates(sweep: readonly number[]): number[] {
  const top = Math.max(...sweep);
  const more = [2, 4, 8].map((k) => top * k).filter((r) => r <= MAX_RATE);
  return [...new Set([...sweep, ...more])].sort((a, b) => a - b);
}

export async function generatorSelfCheck(rates: readonly number[], process: 'constant' | 'poisson', seed: number, nowUs: () => number, signal?: AbortSignal): Promise<(LagSample & { late: number; dropped: number })[]> {
  const instant = (): Promise<Timed> => {
    const t = nowUs();
    return Promise.resolve({ ok: true, status: 200, kind: null, startUs: t, endUs: t, firstTokenUs: NaN, chunks: 0, meanGapUs: NaN, maxGapUs: NaN, stalls: 0 });
  };
  const out: (LagSample & { late: number; dropped: number })[] = [];
  for (const [i, rate] of [rates[0]!, ...rates].entries()) {
    if (signal?.aborted) break;
    const spec = { rate, durationMs: i === 0 ? CHECK_MS / 2 : CHECK_MS, process, lateMs: 1, dropAfterMs: 50, timeoutMs: 1000, maxInFlight: 1_000_000 };
    const rows = await runOpenPoint(instant, spec, openSchedule(spec, Rng.derive(seed, `generator-check/${rate}/${i}`)), nowUs, signal);
    if (i === 0) continue; // warm-up
    const lags = Float64Array.from(rows.lagMs.filter((x) => !Number.isNaN(x))).sort();
    if (lags.length === 0) continue;
    out.push({ rate, lagP99Ms: sortedQuantile(lags, 0.99), late: rows.late, dropped: rows.outcome.filter((o) => o === OUTCOME_DROPPED).length });
  }
  return out;
}
