/**
 * `calibration: <file>` in a scenario: the targets and incidents `routebench calibrate` fitted,
 * merged in before validation. A target the scenario also declares keeps the scenario's fields,
 * and its `mock:` fields override the calibrated ones (so a what-if can change one number);
 * calibrated incidents come after the scenario's own. The file's bytes join the scenario's hash,
 * so a run records which calibration it used.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors.js';
import { parseYamlSource, type PathSegment, type YamlSource } from './yaml-source.js';

export interface Included {
  value: unknown;
  /** The calibration file's text ('' when there is none). */
  text: string;
  problems: Problem[];
  /** The merged value with `locate` pointing into whichever file a node came from. */
  source?: YamlSource;
}

/** A calibration file is a few targets and incidents (with 199-value quantile tables at most). */
const MAX_CALIBRATION_BYTES = 8 * 1024 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function includeCalibration(scenario: YamlSource, file: string): Included {
  const value = scenario.value;
  if (!isObj(value) || typeof value.calibration !== 'string') return { value, text: '', problems: [] };
  const at = scenario.locate(['calibration']);
  const rel = value.calibration;
  const abs = path.resolve(path.dirname(path.resolve(file)), rel);
  const problem = (message: string): Included => ({ value, text: '', problems: [{ file, ...at, path: 'calibration', message }] });
  let text: string;
  try {
    // A device (/dev/zero) reads without end: a file or a pipe (read to its end) only.
    const st = statSync(abs);
    if (st.isDirectory() || st.isCharacterDevice() || st.isBlockDevice()) return problem(`${rel} is ${st.isDirectory() ? 'a folder' : 'a device'}, not a file; give the file routebench calibrate wrote`);
    if (st.size > MAX_CALIBRATION_BYTES) return problem(`${rel} is ${(st.size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_CALIBRATION_BYTES / 1024 / 1024} MB limit for a calibration file`);
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    return problem(`cannot read ${rel}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (paths are relative to the scenario)' : (e as Error).message}`);
  }
  if (text.trim() === '') return problem(`${rel} is empty (a calibration file has targets and incidents, as routebench calibrate writes it)`);
  const calFile = path.isAbsolute(rel) ? rel : path.join(path.dirname(file), rel);
  const calSource = parseYamlSource(text, calFile);
  if (calSource.value === undefined || calSource.problems.length > 0) return { value, text: '', problems: calSource.problems };
  const cal = calSource.value;
  if (!isObj(cal) || (cal.targets !== undefined && !isObj(cal.targets)) || (cal.incidents !== undefined && !Array.isArray(cal.incidents)))
    return problem(`${rel} must have targets: {id: …} and/or incidents: […], as routebench calibrate writes it`);
  const unknown = Object.keys(cal).filter((k) => k !== 'targets' && k !== 'incidents');
  if (unknown.length > 0)
    return { value, text: '', problems: unknown.map((k) => ({ file: calFile, ...calSource.locate([k], true), path: k, message: `unknown key ${JSON.stringify(k)} (a calibration file has targets and incidents, as routebench calibrate writes it)` })) };
  const targets: Obj = { ...((cal.targets as Obj | undefined) ?? {}) };
  const own = isObj(value.targets) ? value.targets : {};
  for (const [id, t] of Object.entries(own)) {
    const base = targets[id];
    if (isObj(base) && isObj(t)) {
      const mock = isObj(base.mock) && isObj(t.mock) ? mergeMock(base.mock, t.mock) : (t.mock ?? base.mock);
      targets[id] = { ...base, ...t, ...(mock === undefined ? {} : { mock }) };
    } else targets[id] = t;
  }
  const ownIncidents = Array.isArray(value.incidents) ? value.incidents : [];
  const incidents = [...ownIncidents, ...((cal.incidents as unknown[] | undefined) ?? [])];
  const merged = { ...value, targets, incidents };
  return { value: merged, text, problems: [], source: mergedSource(merged, scenario, { file: calFile, source: calSource }, ownIncidents.length) };
}

/**
 * The scenario's `mock:` over the calibrated one. A field the scenario sets holds for every model
 * of the target: the calibrated models' own values of it go (a what-if `errors:` on a target fitted
 * per model changed only the models without their own otherwise). `models:` merges per model.
 */
function mergeMock(base: Obj, own: Obj): Obj {
  const out: Obj = { ...base, ...own };
  if (!isObj(base.models)) return out;
  const models: Obj = {};
  for (const [model, m] of Object.entries(base.models)) {
    if (!isObj(m)) models[model] = m;
    else models[model] = Object.fromEntries(Object.entries(m).filter(([k]) => !(k in own) && !(k.endsWith('_quantiles_ms') && k.replace('_quantiles_ms', '_ms') in own) && !(k === 'tokens_per_s_quantiles' && 'tokens_per_s' in own)));
  }
  if (isObj(own.models))
    for (const [model, m] of Object.entries(own.models)) models[model] = isObj(m) && isObj(models[model]) ? { ...(models[model] as Obj), ...m } : m;
  out.models = models;
  return out;
}

/** How many segments of `at` exist in `v`. */
function depth(v: unknown, at: readonly PathSegment[]): number {
  let d = 0;
  for (const seg of at) {
    if (v === null || typeof v !== 'object' || !(seg in (v as object))) break;
    v = (v as Record<PathSegment, unknown>)[seg];
    d++;
  }
  return d;
}

/**
 * The merged scenario as a source: a calibrated incident (after the scenario's own) or a target
 * field only the calibration file has is located in that file, everything else in the scenario.
 */
function mergedSource(value: unknown, scenario: YamlSource, cal: { file: string; source: YamlSource }, ownIncidents: number): YamlSource {
  const inCal = (at: readonly PathSegment[], atKey?: boolean) => ({ ...cal.source.locate(at, atKey), file: cal.file });
  return {
    value,
    problems: scenario.problems,
    locate(at, atKey) {
      const [head, index] = at;
      if (head === 'incidents' && typeof index === 'number' && index >= ownIncidents) return inCal(['incidents', index - ownIncidents, ...at.slice(2)], atKey);
      if (head === 'targets' && at.length >= 2 && depth(cal.source.value, at) > depth(scenario.value, at)) return inCal(at, atKey);
      return scenario.locate(at, atKey);
    },
  };
}
