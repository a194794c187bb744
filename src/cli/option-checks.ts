/** Checks of numeric command-line options that yargs parses but does not bound (usage errors, exit 2). */
import { inputError } from '../errors.js';

/** `--limit` and the like: a whole number ≥ 1 when given (0 or -5 would silently mean "no requests"). */
export function checkPositiveInteger(flag: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1)
    throw inputError('BAD_OPTION', `--${flag} must be a positive integer, got ${Number.isNaN(value) ? 'something that is not a number' : value}`, [], `give --${flag} 1 or more, or leave it out`);
}

/** A tolerance or other amount that must be a finite number above 0 when given (`--success-pp -1` would pass everything). */
export function checkPositiveNumber(flag: string, value: number | undefined, example: string): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value <= 0)
    throw inputError('BAD_OPTION', `--${flag} must be a number above 0, got ${Number.isNaN(value) ? 'something that is not a number' : value}`, [], `e.g. --${flag} ${example}, or leave it out`);
}
