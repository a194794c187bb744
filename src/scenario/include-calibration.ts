/**
 * `calibration: <file>` in a scenario: the targets and incidents `routebench calibrate` fitted,
 * merged in before validation. A target the scenario also declares keeps the scenario's fields,
 * and its `mock:` fields override the calibrated ones (so a what-if can change one number);
 * calibrated incidents come after the scenario's own. The file's bytes join the scenario's hash,
 * so a run records which calibration it used.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Problem } from '../errors.js';

export interface Included {
  value: unknown;
  /** The calibration file's text ('' when there is none). */
  text: string;
  problems: Problem[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function includeCalibration(value: unknown, file: string, at: { line?: number; col?: number }): Included {
  if (!isObj(value) || typeof value.calibration !== 'string') return { value, text: '', problems: [] };
  const rel = value.calibration;
  const abs = path.resolve(path.dirname(path.resolve(file)), rel);
  const problem = (message: string): Included => ({ value, text: '', problems: [{ file, ...at, path: 'calibration', message }] });
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    return problem(`cannot read ${rel}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (paths are relative to the scenario)' : (e as Error).message}`);
  }
  let cal: unknown;
  try {
    cal = parse(text);
  } catch (e) {
    return problem(`${rel} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObj(cal) || (cal.targets !== undefined && !isObj(cal.targets)) || (cal.incidents !== undefined && !Array.isArray(cal.incidents)))
    return problem(`${rel} must have targets: {id: …} and/or incidents: […], as routebench calibrate writes it`);
  const unknown = Object.keys(cal).filter((k) => k !== 'targets' && k !== 'incidents');
  if (unknown.length > 0) return problem(`${rel}: unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')} (a calibration file has targets and incidents, as routebench calibrate writes it)`);
  const targets: Obj = { ...((cal.targets as Obj | undefined) ?? {}) };
  const own = isObj(value.targets) ? value.targets : {};
  for (const [id, t] of Object.entries(own)) {
    const base = targets[id];
    if (isObj(base) && isObj(t)) {
      const mock = isObj(base.mock) && isObj(t.mock) ? { ...base.mock, ...t.mock } : (t.mock ?? base.mock);
      targets[id] = { ...base, ...t, ...(mock === undefined ? {} : { mock }) };
    } else targets[id] = t;
  }
  const incidents = [...(Array.isArray(value.incidents) ? value.incidents : []), ...((cal.incidents as unknown[] | undefined) ?? [])];
  return { value: { ...value, targets, incidents }, text, problems: [] };
}
