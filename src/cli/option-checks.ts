/** Checks of numeric command-line options that yargs parses but does not bound (usage errors, exit 2). */
import { inputError } from '../errors.js';

/** `--limit` and the like: a whole number ≥ 1 when given (0 or -5 would silently mean "no requests"). */
export function checkPositiveInteger(flag: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1)
    throw inputError('BAD_OPTION', `--${flag} must be a positive integer, got ${Number.isNaN(value) ? 'something that is not a number' : value}`, [], `give --${flag} 1 or more, or leave it out`);
}
