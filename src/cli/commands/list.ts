/** `routebench list strategies|profiles|formats|metrics|detectors`. */
import type { Argv } from 'yargs';
import { ExitCode } from '../../errors.js';
import { profiles } from '../../providers/mock/profiles.js';
import { METRICS, THRESHOLD_GRAMMAR } from '../../scenario/threshold-expr.js';
import { strategies } from '../../strategies/index.js';
import { traceFormats } from '../../traffic/trace-formats.js';
import { builtinDetectors } from '../../dlp/detectors.js';
import { defaultAction } from '../../dlp/policy.js';
import type { Io } from '../io.js';

export const LISTS = ['strategies', 'profiles', 'formats', 'metrics', 'detectors'] as const;

export interface ListArgs {
  what: (typeof LISTS)[number];
}

export function listBuilder(y: Argv): Argv<ListArgs> {
  return y.positional('what', { choices: LISTS, demandOption: true, describe: 'what to list' }) as unknown as Argv<ListArgs>;
}

export function listHandler(args: ListArgs, io: Io): number {
  const table = (rows: [string, string][]) => {
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) io.out(`${k.padEnd(w)}  ${v}\n`);
  };
  switch (args.what) {
    case 'strategies':
      table(Object.values(strategies).map((s) => [s.name, s.summary]));
      break;
    case 'profiles':
      table(Object.entries(profiles).map(([name, p]) => [name, p.description]));
      break;
    case 'formats':
      table(Object.values(traceFormats).map((f) => [f.name, f.description]));
      break;
    case 'detectors':
      table(builtinDetectors.map((d) => [d.name, `${d.description} (default: ${defaultAction(d.name)})`]));
      break;
    case 'metrics':
      table(Object.entries(METRICS).map(([m, kind]) => [m, kind]));
      io.out(`\nthreshold grammar: ${THRESHOLD_GRAMMAR}\n`);
      break;
  }
  return ExitCode.ok;
}
