/**
 * `--time-scale N` (replay, serve, mock-server): every real millisecond is N scenario milliseconds.
 * Infinity would make every latency infinite (thresholds then fail, exit 3), and a tiny N makes
 * the scheduler's waits longer than a timer can hold (Node fires those after 1 ms, over and
 * over, and the run never ends): both are refused as usage errors (exit 2).
 */
import { inputError } from '../errors.js';

/** The slowest replay: 1,000 times slower than the scenario says. */
export const MIN_TIME_SCALE = 0.001;

export function checkTimeScale(value: number): number {
  if (!Number.isFinite(value) || !(value >= MIN_TIME_SCALE))
    throw inputError(
      'BAD_OPTION',
      `--time-scale must be a finite number from ${MIN_TIME_SCALE} (1,000 times slower than the scenario) up, got ${Number.isNaN(value) ? 'something that is not a number' : value}`,
      [],
      'e.g. --time-scale 10 to run 10 times faster, or leave it out for real time',
    );
  return value;
}
