/** Shared fixtures for the portkey strategy tests: three targets on three providers, leaf configs. */
import type { TargetInfo } from '../../src/strategies/strategy.js';
import type { Decision } from '../../src/strategies/strategy.js';
import { buildStrategy, Harness, makeTargets, type Built } from './fake-context.js';
import { MiniEngine, type Script } from './mini-engine.js';

/** oa = openai/gpt-4o-mini (0), an = anthropic/claude-3-5-haiku (1), gg = google/gemini-2.0-flash (2). */
export const TARGETS: TargetInfo[] = makeTargets(['oa', 'an', 'gg']).map((t, i) => ({
  ...t,
  provider: ['openai', 'anthropic', 'google'][i]!,
  model: ['gpt-4o-mini', 'claude-3-5-haiku', 'gemini-2.0-flash'][i]!,
}));
export const OA = { provider: 'openai', api_key: 'k', override_params: { model: 'gpt-4o-mini' } };
export const AN = { provider: 'anthropic', api_key: 'k', override_params: { model: 'claude-3-5-haiku' } };
export const GG = { provider: 'google', api_key: 'k', override_params: { model: 'gemini-2.0-flash' } };

export interface PkOptions {
  targets?: Record<string, string>;
  allow_unsupported?: boolean;
  seed?: number;
}

export const options = (config: unknown, o: PkOptions = {}) => ({ config, ...(o.targets && { targets: o.targets }), ...(o.allow_unsupported !== undefined && { allow_unsupported: o.allow_unsupported }) });

/** A harness for a Portkey config over TARGETS (throws on validation problems). */
export const pk = (config: unknown, o: PkOptions = {}): Harness => Harness.of('portkey', options(config, o), { targets: TARGETS, seed: o.seed ?? 1 });

/** Builds without throwing; returns the problems as "path: message" lines. */
export function problemsOf(options: unknown): string[] {
  return buildStrategy('portkey', options, { targets: TARGETS, allowProblems: true }).problems.map((p) => `${p.path}: ${p.message}`);
}

export const engine = (config: unknown, script: Script, o: PkOptions = {}): MiniEngine => new MiniEngine(pk(config, o).built as Built, script);

/** Wait durations and reasons of a request's decisions, in order. */
export const waits = (ds: readonly Decision[]) => ds.flatMap((d) => (d.type === 'wait' ? [{ ms: d.ms, reason: d.reason }] : []));
