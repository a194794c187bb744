/**
 * When a scenario fails its schema, the rest of it is still checked: the parts the schema
 * problems are in are set aside (a target, gateway or strategy entry dropped; an incident
 * replaced by a harmless one so list positions stay put; a bad top-level value back to its
 * default), and what remains goes through the reference checks and the plan (strategy options,
 * profiles, prices, trace path). So one `validate` lists every problem, not the schema's first.
 * Problems that only exist because an entry was set aside ("unknown target x" after x was
 * dropped) are filtered out by `keepProblem`.
 */
import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { scenarioSchema, type Scenario } from './schema.js';

export interface Salvaged {
  scenario: Scenario;
  /** Names that no longer exist because their entry was set aside (target and gateway ids, providers). */
  removedNames: ReadonlySet<string>;
}

const RECORDS = new Set(['targets', 'gateways', 'strategies']);
const DEFAULTED = new Set(['$schema', 'description', 'seed', 'mode', 'defaults', 'load']);
const PLACEHOLDER_INCIDENT = { kind: 'outage', targets: ['*'], start: '0s', duration: '1ms' };
const PLACEHOLDER_TRAFFIC = { synthetic: { arrival: { process: 'constant', rate_per_s: 1 }, count: 1 } };

/** The scenario minus the parts `issues` are about, if what is left is a valid scenario. */
export function salvage(value: unknown, issues: readonly z.core.$ZodIssue[]): Salvaged | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const top: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of RECORDS) if (isObject(top[key])) top[key] = { ...(top[key] as object) };
  if (Array.isArray(top.incidents)) top.incidents = [...top.incidents];
  const removed = new Set<string>();
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (path.length === 0) {
      if (issue.code !== 'unrecognized_keys') return undefined;
      for (const k of issue.keys) delete top[k];
      continue;
    }
    const [head, second] = path as [string, string | number | undefined];
    if (RECORDS.has(head) && second !== undefined && isObject(top[head])) {
      const record = top[head] as Record<string, unknown>;
      const entry = record[second];
      if (head !== 'strategies') removed.add(String(second));
      if (head === 'targets' && isObject(entry) && typeof (entry as { provider?: unknown }).provider === 'string') removed.add((entry as { provider: string }).provider);
      delete record[second];
    } else if (head === 'incidents' && typeof second === 'number' && Array.isArray(top.incidents)) {
      (top.incidents as unknown[])[second] = PLACEHOLDER_INCIDENT;
    } else if (head === 'thresholds' && second !== undefined && isObject(top.thresholds)) {
      const thresholds = { ...(top.thresholds as Record<string, unknown>) };
      delete thresholds[second];
      top.thresholds = thresholds;
    } else if (head === 'name') top.name = 'scenario';
    else if (head === 'traffic') top.traffic = PLACEHOLDER_TRAFFIC;
    else if (DEFAULTED.has(head)) delete top[head];
    else return undefined;
  }
  const parsed = scenarioSchema.safeParse(top);
  return parsed.success ? { scenario: parsed.data, removedNames: removed } : undefined;
}

const NAMED = /unknown (?:target|gateway|provider) "([^"]*)"/;

/** False for a problem that only exists because its target, gateway or provider was set aside. */
export function keepProblem(p: Problem, removedNames: ReadonlySet<string>): boolean {
  const m = NAMED.exec(p.message);
  return !(m && removedNames.has(m[1]!));
}

function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
