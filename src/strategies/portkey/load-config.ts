/**
 * Gets the Portkey config (inline `config` or `config_file`) and checks it against the strict
 * schema, reporting every issue at its path inside the config: `options.config.targets[1].foo`,
 * or `options.config_file.targets[1].foo` for a file (the file is the value of config_file).
 */
import type { z } from 'zod';
import { knownKeysAt } from '../../scenario/format-issues.js';
import { nearest } from '../../scenario/suggest.js';
import type { PathSegment } from '../../scenario/yaml-source.js';
import type { StrategyInit } from '../strategy.js';
import { portkeyTargetSchema, type PortkeyTarget } from './config-schema.js';

export interface LoadedConfig {
  config: PortkeyTarget;
  /** Where the config sits in the options: ['config'] or ['config_file']. */
  at: readonly PathSegment[];
}

export function loadConfig(options: { config?: unknown; config_file?: string }, init: StrategyInit): LoadedConfig | undefined {
  const at: PathSegment[] = options.config_file !== undefined ? ['config_file'] : ['config'];
  const raw = options.config_file !== undefined ? init.readConfigFile(options.config_file, at) : options.config;
  if (raw === undefined) return undefined; // readConfigFile reported why
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    init.problem(at, 'a Portkey config is a JSON object, e.g. { "strategy": { "mode": "fallback" }, "targets": [...] }');
    return undefined;
  }
  const parsed = portkeyTargetSchema.safeParse(raw);
  if (!parsed.success) {
    const file = options.config_file;
    const problem = (p: readonly PathSegment[], message: string) => init.problem([...at, ...p], file === undefined ? message : `${init.configWhere(file, p)}: ${message}`);
    for (const issue of parsed.error.issues) reportIssue(issue, raw, problem);
    return undefined;
  }
  return { config: parsed.data, at };
}

function reportIssue(issue: z.core.$ZodIssue, raw: unknown, problem: (path: readonly PathSegment[], message: string) => void): void {
  const rel = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(portkeyTargetSchema, rel);
    for (const key of issue.keys) {
      const guess = nearest(key, known);
      problem([...rel, key], `unknown key "${key}" in a Portkey config${guess ? `; did you mean "${guess}"?` : ''}`);
    }
    return;
  }
  let value: unknown = raw;
  for (const seg of rel) value = typeof value === 'object' && value !== null ? (value as Record<PathSegment, unknown>)[seg] : undefined;
  let message = issue.message;
  if (issue.code === 'invalid_type') message = value === undefined ? `required ${issue.expected} is missing` : `expected ${issue.expected}, got ${JSON.stringify(value)}`;
  if (issue.code === 'invalid_value') message = `${JSON.stringify(value)} is not allowed; expected one of ${issue.values.map(String).join(', ')}`;
  problem(rel, message);
}
