/**
 * Progress display: a self-rewriting line on an interactive terminal; with --progress on a
 * non-interactive stream (CI logs), a plain line at most every few seconds. Silent otherwise.
 */
import type { RunProgress } from '../runner/run-scenario.js';
import { formatDuration } from '../scenario/duration.js';
import type { Io } from './io.js';

export function progressReporter(io: Io, mode: { quiet: boolean; force: boolean }, monotonicMs: () => number): { update: (p: RunProgress) => void; done: () => void } {
  const live = io.interactive && !mode.quiet;
  const lines = !io.interactive && mode.force;
  if (!live && !lines) return { update: () => undefined, done: () => undefined };
  const every = live ? 100 : 5000;
  let last = -Infinity;
  let shown = false;
  const text = (p: RunProgress) => `[${p.scenario}] ${p.requests.toLocaleString('en-US')} requests · ${formatDuration(Math.floor(p.trafficMs / 1000) * 1000)} of traffic`;
  return {
    update(p) {
      const now = monotonicMs();
      if (now - last < every) return;
      last = now;
      if (live) {
        shown = true;
        io.err(`\r\u001b[2K${text(p)}`);
      } else io.err(`${text(p)}\n`);
    },
    done() {
      if (shown) io.err('\r\u001b[2K');
      shown = false;
    },
  };
}
