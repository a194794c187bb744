/**
 * Colour for terminal output: only when the stream is a terminal, never when NO_COLOR is set to a
 * non-empty value (https://no-color.org), always when FORCE_COLOR is set to something other than 0.
 */
import type { Io } from './io.js';

export interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const same = (text: string) => text;

const COLOURS: Paint = { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
const PLAIN: Paint = { red: same, green: same, yellow: same, dim: same, bold: same };

/** Should output to a stream that is (or is not) a terminal be coloured, given these variables? */
export function colourWanted(isTerminal: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTerminal && env.TERM !== 'dumb';
}

/** The painter for this Io's output (plain for buffers and pipes). */
export function paint(io: Io): Paint {
  return io.colour ? COLOURS : PLAIN;
}

/** Removes colour codes (tests, width computations). */
export const stripColour = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Colours a rendered summary table: statuses, failed thresholds and warnings (codes added after padding). */
export function colourSummary(text: string, c: Paint): string {
  return text
    .split('\n')
    .map((line) => {
      if (/^ {2}✗ /.test(line) || line === 'thresholds failed:') return c.red(line);
      if (/^(warning|error|stopped):/.test(line)) return c.yellow(line);
      return line.replace(/ (ok|thresholds_failed|error|interrupted)$/, (_m, s: string) => ` ${s === 'ok' ? c.green(s) : c.red(s)}`);
    })
    .join('\n');
}
