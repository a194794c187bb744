/**
 * The summary of a load run as one JSON document (summary.json), and the small formatting helpers
 * every rendering of it shares (terminal table, markdown, HTML): per arm its capacity, frontier,
 * CPU per request and peak RSS; the overhead rows; the mock's ceiling; the generator's ceiling; and
 * the warnings. Pure: the result in, plain data out.
 */
import type { LoadResult } from '../load/run-load.js';
import type { GeneratorCeiling } from '../load/rig-checks.js';
import { pointLabel } from '../load/frontier.js';
import type { OverheadResultRow, PointRow } from '../store/load-queries.js';

export interface ArmSummary {
  name: string;
  kind: string;
  url: string | null;
  pid: number | null;
  status: string;
  note?: string;
  capacity_rps: number | null;
  capacity_at: string | null;
  /** bound (ms, or "unbounded") → req/s (null: no point qualified). */
  frontier: Record<string, number | null>;
  cpu_us_per_request: number | null;
  peak_rss_mb: number | null;
}

export interface LoadSummaryJson {
  load_run_id: string;
  scenario: string;
  description?: string;
  started_at: string;
  wall_s: number;
  status: string;
  host: unknown;
  load_average: number[];
  mock: LoadResult['mock'];
  arms: ArmSummary[];
  frontier_bounds_ms: number[];
  max_error_rate: number;
  points: PointRow[];
  /** Per arm and bound: the point that sets the frontier (loop, level), or nulls. */
  frontier: { arm: string; p99_bound_ms: number | null; rps: number | null; loop: string | null; level: number | null; p99_ms: number | null }[];
  overhead: OverheadResultRow[];
  generator: LoadResult['generator'] & { lag_limit_ms: number };
  warnings: string[];
  notes: string[];
  config: unknown;
}


export function fmtRps(v: number | null): string {
  return v === null ? '–' : `${Math.round(v).toLocaleString('en-US')}/s`;
}

/** A latency in ms with a precision that suits it. */
export function fmtLatencyMs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return v < 1 ? `${(v * 1000).toFixed(0)} µs` : v < 10 ? `${v.toFixed(2)} ms` : v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v).toLocaleString('en-US')} ms`;
}

/** A signed difference in µs, e.g. "+312 µs" or "+1.24 ms". */
export function fmtAddedUs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  const sign = v < 0 ? '−' : '+';
  const a = Math.abs(v);
  return `${sign}${a < 1000 ? `${a.toFixed(0)} µs` : a < 10_000 ? `${(a / 1000).toFixed(2)} ms` : `${(a / 1000).toFixed(1)} ms`}`;
}

/** "+312 µs [+290 µs, +335 µs]", or the estimate alone without an interval. */
export function fmtAddedCi(r: Pick<OverheadResultRow, 'added_us' | 'lo_us' | 'hi_us'> | undefined): string {
  if (!r || r.added_us === null) return '–';
  return r.lo_us === null || r.hi_us === null ? `${fmtAddedUs(r.added_us)} (no CI)` : `${fmtAddedUs(r.added_us)} [${fmtAddedUs(r.lo_us)}, ${fmtAddedUs(r.hi_us)}]`;
}

export const boundKey = (b: number | null) => (b === null ? 'unbounded' : `${b}`);

export function buildLoadSummary(r: LoadResult, facts: { scenario: string; description?: string; host: unknown; loadAverage: number[] }): LoadSummaryJson {
  const arms: ArmSummary[] = r.arms.map((a) => {
    const cells = r.frontier.filter((c) => c.arm === a.name);
    const unbounded = cells.find((c) => c.boundMs === null)?.point ?? null;
    return {
      name: a.name,
      kind: a.kind,
      url: a.url,
      pid: a.pid,
      status: a.status,
      ...(a.note ? { note: a.note } : {}),
      capacity_rps: unbounded?.achievedRps ?? null,
      capacity_at: unbounded ? pointLabel(unbounded) : null,
      frontier: Object.fromEntries(cells.map((c) => [boundKey(c.boundMs), c.point?.achievedRps ?? null])),
      cpu_us_per_request: a.cpuUsPerRequest,
      peak_rss_mb: a.peakRssMb,
    };
  });
  return {
    load_run_id: r.runId,
    scenario: facts.scenario,
    ...(facts.description ? { description: facts.description } : {}),
    started_at: r.startedAt.toISOString(),
    wall_s: r.wallMs / 1000,
    status: r.status,
    host: facts.host,
    load_average: facts.loadAverage,
    mock: r.mock,
    arms,
    frontier_bounds_ms: r.spec.frontier.p99_ms,
    max_error_rate: r.spec.frontier.max_error_rate,
    points: r.points,
    frontier: r.frontier.map((c) => ({ arm: c.arm, p99_bound_ms: c.boundMs, rps: c.point?.achievedRps ?? null, loop: c.point?.loop ?? null, level: c.point?.level ?? null, p99_ms: c.point?.p99Ms ?? null })),
    overhead: r.overhead,
    generator: { ...r.generator, lag_limit_ms: 1 },
    warnings: r.warnings,
    notes: r.notes,
    config: r.spec,
  };
}

/** One line on the mock's ceiling. */
export function mockLine(s: LoadSummaryJson): string {
  const c = s.mock.ceilingRps;
  if (c === null) return 'mock ceiling: unknown (the mock reported no stats and used too little CPU to estimate one)';
  return `mock ceiling: ~${fmtRps(c)} per CPU core (${s.mock.ceilingSource === 'mock' ? 'reported by the mock' : 'requests per CPU-second of the mock process, sampled from /proc'})`;
}

function ceilingText(g: GeneratorCeiling, limitMs: number): string {
  if (g.maxTestedRps === null) return 'not measured';
  const at = g.lagLimitedAtRps !== null ? fmtRps(g.lagLimitedAtRps) : `above ${fmtRps(g.maxTestedRps)} (${fmtLatencyMs(g.lagP99AtMaxMs)} there)`;
  const worst = g.worstBelowMs !== null && g.worstBelowMs > limitMs ? `, though ${fmtLatencyMs(g.worstBelowMs)} at ${fmtRps(g.worstBelowAtRps)}` : '';
  return `${at}${worst}`;
}

/** One line on the open-loop generator's own ceiling: alone, and with the arms' HTTP traffic. */
export function generatorLine(s: LoadSummaryJson): string {
  const g = s.generator;
  return `generator ceiling (the rate from which its send lag p99 stays over ${g.lag_limit_ms} ms): alone ${ceilingText(g.alone, g.lag_limit_ms)}; while loading the arms ${ceilingText(g.withArms, g.lag_limit_ms)}`;
}

/** The generator's own lag at each rate checked (no network). */
export function generatorSamplesLine(s: LoadSummaryJson): string {
  const xs = s.generator.alone.samples;
  if (xs.length === 0) return 'generator alone: not measured';
  return `generator alone (no network), send lag p99 by offered rate: ${xs.map((x) => `${fmtRps(x.rate)} ${fmtLatencyMs(x.lagP99Ms)}${x.dropped ? ` (${x.dropped} dropped)` : ''}`).join(' · ')}. At low rates it waits on timers between arrivals, and timers wake late on a busy machine`;
}
