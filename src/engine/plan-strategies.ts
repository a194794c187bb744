/**
 * Builds routers from strategy specs, recursively (composites take nested strategies), checking
 * each strategy's options against its own schema. Problems are collected with their scenario
 * paths so `validate` can report every one at once.
 */
import nodePath from 'node:path';
import { readConfigFileAt, type ConfigFile } from '../scenario/config-file.js';
import { formatPath, issuesToProblems } from '../scenario/format-issues.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { problemAt } from '../scenario/load-scenario.js';
import { unknownNameMessage } from '../scenario/suggest.js';
import type { PathSegment } from '../scenario/yaml-source.js';
import type { Problem } from '../errors.js';
import { combineSeeds, hashString, Rng } from '../rng.js';
import { isStrategyName, strategyNames } from '../strategies/registry.js';
import { stop, type Member, type MemberSpec, type Router, type StrategyDef, type StrategyInit, type TargetInfo } from '../strategies/strategy.js';

export interface BuiltRouter {
  router: Router;
  slotCount: number;
}

export interface StrategyEnv {
  loaded: Pick<LoadedScenario, 'file' | 'source'> & { dir?: string };
  targets: readonly TargetInfo[];
  seed: number;
  label: string;
  defaults: { attemptTimeoutMs: number; maxAttempts: number };
  /** The scenario's traffic, for strategies that read what a trace carries (dlp `prompts: trace`). */
  traffic?: StrategyInit['traffic'];
  problems: Problem[];
  /** The definitions of (at least) every strategy the spec names (registry.ts loads them). */
  strategies: Readonly<Record<string, StrategyDef>>;
}

const inert: Router = { decide: () => stop('invalid strategy') };

/** Creates the router for `spec` found at `path` in the scenario (e.g. ['strategies', 'fb']). */
export function buildRouter(spec: { use: string; options?: unknown }, path: readonly PathSegment[], env: StrategyEnv): BuiltRouter {
  let slots = 0;
  const configs = new Map<string, ConfigFile>();
  const instantiate = (ref: { use: string; options?: unknown }, at: readonly PathSegment[]): Router => {
    const def = Object.hasOwn(env.strategies, ref.use) ? env.strategies[ref.use] : undefined;
    if (!def) {
      if (isStrategyName(ref.use)) throw new Error(`strategy "${ref.use}" was not loaded before planning (a bug: strategiesNamedIn missed it)`);
      env.problems.push(problemAt(env.loaded, [...at, 'use'], unknownNameMessage('strategy', ref.use, strategyNames)));
      return inert;
    }
    const optionsPath = [...at, 'options'];
    const parsed = def.options.safeParse(ref.options ?? {});
    if (!parsed.success) {
      env.problems.push(...issuesToProblems(parsed.error.issues, env.loaded.source, env.loaded.file, def.options, optionsPath));
      return inert;
    }
    const targetIds = env.targets.map((t) => t.id);
    const init: StrategyInit = {
      targets: env.targets,
      rng: new Rng(combineSeeds(env.seed, hashString(`strategy:${env.label}:${formatPath(at)}`))),
      defaults: env.defaults,
      traffic: env.traffic,
      resolveTarget(id, p) {
        const index = targetIds.indexOf(id);
        if (index < 0) {
          env.problems.push(problemAt(env.loaded, [...optionsPath, ...p], unknownNameMessage('target', id, targetIds)));
          return 0;
        }
        return index;
      },
      member(m: MemberSpec, p): Member {
        if (typeof m === 'string') return { kind: 'target', target: init.resolveTarget(m, p), id: m };
        const start = slots;
        const router = instantiate(m, [...optionsPath, ...p]);
        return { kind: 'router', router, label: m.use, slots: [start, slots] };
      },
      slot: () => slots++,
      problem(p, message) {
        env.problems.push(problemAt(env.loaded, [...optionsPath, ...p], message));
      },
      readConfigFile(file, p) {
        const full = nodePath.resolve(env.loaded.dir ?? process.cwd(), file);
        const read = readConfigFileAt(full);
        configs.set(file, read);
        if (read.error === undefined) return read.value;
        const missing = read.error.startsWith('cannot read ');
        env.problems.push(problemAt(env.loaded, [...optionsPath, ...p], missing ? `cannot read ${full} (paths are relative to the scenario file)` : read.error));
        return undefined;
      },
      configWhere: (file, at) => configs.get(file)?.where(at) ?? file,
      configPath: (file) => nodePath.resolve(env.loaded.dir ?? process.cwd(), file),
    };
    return def.create(parsed.data, init);
  };
  const router = instantiate(spec, path);
  return { router, slotCount: slots };
}
