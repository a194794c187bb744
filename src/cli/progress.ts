/** A one-line progress display on an interactive terminal; silent in CI and with --quiet. */
import type { RunProgress } from '../runner/run-scenario.js';
import { formatDuration } from '../scenario/duration.js';
import type { Io } from './io.js';

export function progressReporter(io: Io, quiet: boolean, monotonicMs: () => number): { update: (p: RunProgress) => void; done: () => void } {
  if (!io.interactive || quiet) return { update: () => undefined, done: () => undefined };
  let last = -Infinity;
  let shown = false;
  return {
    update(p) {
      const now = monotonicMs();
      if (now - last < 100) return;
      last = now;
      shown = true;
      io.err(`\r\u001b[2K[${p.scenario}] ${p.requests.toLocaleString('en-US')} requests · ${formatDuration(Math.floor(p.trafficMs / 1000) * 1000)} of traffic`);
    },
    done() {
      if (shown) io.err('\r\u001b[2K');
      shown = false;
    },
  };
}
