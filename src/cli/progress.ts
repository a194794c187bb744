/**
 * Progress display. On an interactive terminal: a self-rewriting bar with the percentage, the
 * rate and the time left when the amount of traffic is known (a synthetic duration or count, a
 * trace limit or end, --limit), or a counter when it is not. In CI (the CI variable is set) or
 * with --progress on any other stream: a plain line every few seconds. Silent otherwise, and
 * always silent with --quiet. Everything goes to stderr; stdout stays for results.
 */
import type { RunProgress } from '../runner/run-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { formatDuration } from '../scenario/duration.js';
import type { Io } from './io.js';

/** How much traffic one scenario has, as far as it is known before running it. */
export interface ProgressTotal {
  /** Traffic time the last request arrives by, in ms. */
  trafficMs?: number;
  /** Number of requests. */
  requests?: number;
  /** Passes over the traffic (replay runs strategies one after another; simulate feeds them together). */
  passes: number;
}

/** The totals a scenario declares (synthetic duration/count, trace end/limit) and --limit. */
export function progressTotal(traffic: Scenario['traffic'], o: { limit?: number; passes: number }): ProgressTotal {
  const syn = traffic.synthetic;
  const trace = traffic.trace;
  const limits = [o.limit, syn?.count, trace?.limit].filter((n): n is number => typeof n === 'number');
  const end = syn?.duration ?? (trace?.end !== undefined ? trace.end - (trace.start ?? 0) : undefined);
  return { trafficMs: typeof end === 'number' && end > 0 ? end : undefined, requests: limits.length > 0 ? Math.min(...limits) : undefined, passes: Math.max(1, o.passes) };
}

/** Fraction done in [0, 1], or undefined when the total is not known. */
export function fractionDone(p: RunProgress, total: ProgressTotal | undefined, pass: number): number | undefined {
  // A parallel suite reports finished runs; their share is the progress.
  if (p.runsTotal) return Math.min(1, (p.runsDone ?? 0) / p.runsTotal);
  if (!total) return undefined;
  const parts = [total.trafficMs ? p.trafficMs / total.trafficMs : undefined, total.requests ? p.requests / total.requests : undefined].filter((x): x is number => x !== undefined);
  if (parts.length === 0) return undefined;
  // The generator stops at whichever limit comes first.
  const inPass = Math.min(1, Math.max(...parts));
  return Math.min(1, (pass + inPass) / total.passes);
}

const compact = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : n.toFixed(n >= 100 ? 0 : 1));
const clock = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)}s` : ms < 3_600_000 ? `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s` : `${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`);
const BAR = 24;

/** One progress line (no colour, no control codes). */
export function progressLine(p: RunProgress, fraction: number | undefined, elapsedMs: number, requestsSoFar: number, bar: boolean): string {
  const rate = elapsedMs > 0 ? (requestsSoFar * 1000) / elapsedMs : 0;
  const counts = `${p.requests.toLocaleString('en-US')} req · ${formatDuration(Math.floor(p.trafficMs / 1000) * 1000)} of traffic · ${compact(rate)} req/s`;
  if (fraction === undefined) return `[${p.scenario}] ${counts}`;
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = fraction > 0.001 && fraction < 1 ? ` · ETA ${clock((elapsedMs * (1 - fraction)) / fraction)}` : '';
  const filled = Math.round(fraction * BAR);
  const drawn = bar ? `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)} ` : '';
  return `[${p.scenario}] ${drawn}${pct} · ${counts}${eta}`;
}

export interface ProgressReporter {
  /** A new scenario starts: what it will send, when known. */
  begin(total?: ProgressTotal): void;
  update(p: RunProgress): void;
  done(): void;
}

export function progressReporter(io: Io, mode: { quiet: boolean; force: boolean }, monotonicMs: () => number): ProgressReporter {
  const live = io.interactive && !mode.quiet;
  const lines = !live && !mode.quiet && (mode.force || Boolean(io.env.CI));
  if (!live && !lines) return { begin: () => undefined, update: () => undefined, done: () => undefined };
  const every = live ? 100 : 5000;
  let last = -Infinity;
  let shown = false;
  let total: ProgressTotal | undefined;
  let started = 0;
  let pass = 0;
  let previous = 0;
  let before = 0;
  return {
    begin(t) {
      total = t;
      started = monotonicMs();
      pass = 0;
      previous = 0;
      before = 0;
      last = -Infinity;
    },
    update(p) {
      // A replay starts each strategy's pass from the first request again.
      if (p.requests < previous) {
        pass++;
        before += previous;
      }
      previous = p.requests;
      const now = monotonicMs();
      if (now - last < every) return;
      last = now;
      const text = progressLine(p, fractionDone(p, total, pass), now - started, before + p.requests, live);
      if (live) {
        shown = true;
        io.err(`\r\u001b[2K${text}`);
      } else io.err(`${text}\n`);
    },
    done() {
      if (shown) io.err('\r\u001b[2K');
      shown = false;
    },
  };
}
