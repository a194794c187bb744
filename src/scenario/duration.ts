/**
 * The one duration grammar: a sequence of <number><unit> with units h, m, s, ms, e.g. `250ms`,
 * `30s`, `4h22m`, `1h30m15s`, `1.5s`. Bare numbers are refused (is `10` seconds or ms?); fields
 * whose name ends in `_ms` take plain numbers instead.
 */
import { z } from 'zod';

const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Parses a duration string to milliseconds, or returns undefined if it does not match the grammar. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = PART.lastIndex;
  }
  return total;
}

/** Formats milliseconds as the grammar's shortest exact form, e.g. 15720000 → `4h22m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (!Number.isInteger(ms) || ms < 1000) return `${+ms.toFixed(3)}ms`;
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return rest > 0 ? `${out}${rest}ms` : out;
}

/** Zod schema for a duration field; the parsed value is milliseconds. */
export const durationSchema = z
  .string({ error: 'expected a duration string such as "30s", "250ms" or "4h22m"' })
  .transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" is not a duration; write a number with a unit (h, m, s, ms), e.g. "90s", "4h22m" or "250ms"`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: 'Duration: number+unit sequence (h, m, s, ms), e.g. "30s", "4h22m", "250ms".', pattern: '^(\\d+(\\.\\d+)?(ms|h|m|s))+$' });

/** A strictly positive duration. */
export const positiveDurationSchema = durationSchema.refine((ms) => ms > 0, { message: 'must be greater than zero' });
