/**
 * Is the rig, not the gateway, the limit? Two checks on the measured points (Busbar's rule: flag
 * results within 10% of the mock's ceiling). A gateway point whose mock traffic comes within 10% of
 * the mock's own ceiling (requests per CPU-second of the mock process), or whose throughput comes
 * within 10% of the direct arm's capacity, is flagged: the number may say more about the mock or the
 * load generator than about the gateway. And the generator's own ceiling: the lowest offered
 * open-loop rate at which its send lag p99 passed 1 ms.
 */
import type { PointRow } from '../store/load-queries.js';
import { pointLabel } from './frontier.js';

export const NEAR_CEILING = 0.9;
export const LAG_LIMIT_MS = 1;

const rps = (v: number) => `${Math.round(v).toLocaleString('en-US')} req/s`;

/** Requests per second the mock served during a point (its own count when known). */
export function mockRps(p: PointRow): number {
  return (p.mock_requests ?? p.ok) / (p.duration_ms / 1000);
}

export function mockBoundWarnings(points: readonly PointRow[], gatewayArms: ReadonlySet<string>, mockCeilingRps: number | null, directCapacityRps: number | null): string[] {
  const out: string[] = [];
  for (const arm of gatewayArms) {
    const mine = points.filter((p) => p.arm === arm && p.ok > 0);
    const nearMock = mockCeilingRps ? mine.filter((p) => mockRps(p) >= NEAR_CEILING * mockCeilingRps) : [];
    if (nearMock.length > 0)
      out.push(`${arm} at ${nearMock.map(pointLabel).join(', ')}: the mock served within 10% of its own ceiling (${rps(mockCeilingRps!)} per CPU core), so the mock, not the gateway, may be the limit there`);
    const nearDirect = directCapacityRps ? mine.filter((p) => p.achieved_rps >= NEAR_CEILING * directCapacityRps && !nearMock.includes(p)) : [];
    if (nearDirect.length > 0)
      out.push(`${arm} at ${nearDirect.map(pointLabel).join(', ')}: within 10% of the direct-to-mock capacity (${rps(directCapacityRps!)}), so the mock or the load generator, not the gateway, may be the limit there`);
  }
  return out;
}

export interface GeneratorCeiling {
  /** Lowest offered rate from which on the send lag p99 stayed over the limit (on every arm); null when it did not. */
  lagLimitedAtRps: number | null;
  /** Highest offered rate measured, and the best (lowest) lag p99 any arm had there. */
  maxTestedRps: number | null;
  lagP99AtMaxMs: number | null;
  /** The worst best-arm lag p99 below the ceiling, and where (sparse arrivals: the scheduler sleeps on timers). */
  worstBelowMs: number | null;
  worstBelowAtRps: number | null;
}

/** One lag measurement: the send lag p99 at an offered rate (several per rate allowed: the best counts). */
export interface LagSample {
  rate: number;
  lagP99Ms: number;
}

/**
 * The open-loop generator's ceiling: per offered rate, the lowest send lag p99 measured (for the
 * arms' points: the run least disturbed by the gateway and other processes sharing the cores); the
 * ceiling is the first rate from which that stays over 1 ms at every higher rate measured. Lag is
 * not monotone in the rate (sparse arrivals wait on timers, dense ones on setImmediate), so the
 * worst lag below the ceiling is reported beside it.
 */
export function generatorCeiling(samples: readonly LagSample[]): GeneratorCeiling {
  const best = new Map<number, number>();
  for (const s of samples) best.set(s.rate, Math.min(best.get(s.rate) ?? Infinity, s.lagP99Ms));
  const rates = [...best.keys()].sort((a, b) => a - b);
  let ceiling: number | null = null;
  for (let i = rates.length - 1; i >= 0 && best.get(rates[i]!)! > LAG_LIMIT_MS; i--) ceiling = rates[i]!;
  const below = rates.filter((r) => ceiling === null || r < ceiling);
  const worst = below.reduce<number | null>((w, r) => (w === null || best.get(r)! > best.get(w)! ? r : w), null);
  const last = rates[rates.length - 1];
  return {
    lagLimitedAtRps: ceiling,
    maxTestedRps: last ?? null,
    lagP99AtMaxMs: last === undefined ? null : best.get(last)!,
    worstBelowMs: worst === null ? null : best.get(worst)!,
    worstBelowAtRps: worst,
  };
}

/** The lag samples of the arms' open-loop points. */
export function pointLags(points: readonly PointRow[]): LagSample[] {
  return points.filter((p) => p.loop === 'open' && p.lag_p99_ms !== null).map((p) => ({ rate: p.level, lagP99Ms: p.lag_p99_ms! }));
}

/** A note when the direct arm itself never met the tightest p99 bounds: no gateway in front of the same mock can. */
export function floorNote(points: readonly PointRow[], directArm: string | undefined, boundsMs: readonly number[]): string | null {
  const p99s = points.filter((p) => p.arm === directArm && p.ok > 0 && p.p99_ms !== null).map((p) => p.p99_ms!);
  if (p99s.length === 0) return null;
  const floor = Math.min(...p99s);
  const unreachable = boundsMs.filter((b) => b < floor);
  if (unreachable.length === 0) return null;
  return `the direct arm's best p99 was ${floor.toFixed(2)} ms, so p99 ≤ ${unreachable.join(', ')} ms cannot be met by any arm in front of this mock on this machine (the mock, the load generators and anything else running share its cores)`;
}

/** The mock's ceiling from /proc sampling when it does not report one: requests per CPU-second over the points that used enough CPU to measure. */
export function mockCeilingFromPoints(points: readonly PointRow[]): number | null {
  let requests = 0;
  let cpuMs = 0;
  for (const p of points)
    if (p.mock_cpu_ms !== null && p.mock_cpu_ms >= 100) {
      requests += p.mock_requests ?? p.ok;
      cpuMs += p.mock_cpu_ms;
    }
  return cpuMs > 0 ? requests / (cpuMs / 1000) : null;
}
