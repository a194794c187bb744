/**
 * `routebench --help` and `routebench validate` stay light: they never load DuckDB, msw, vega,
 * the PNG renderer, autocannon or undici (each command's module is imported only when it runs),
 * and validate imports only the strategies the scenario names.
 * Checked on the modules the process resolves (a resolve hook), not on wall-clock time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { strategyNames } from '../../src/strategies/registry.js';

const HEAVY = ['@duckdb/', 'msw/', '@mswjs/', 'vega/', 'vega-lite/', 'vega-embed/', '@resvg/', 'autocannon/', 'undici/'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modulesLoadedBy(name: string, args: string[]): string[] {
  const trace = path.join(dir, `${name}.txt`);
  execFileSync(process.execPath, ['--import', 'tsx', '--import', './test/helpers/trace-modules.mjs', 'test/helpers/cli-entry.ts', ...args], {
    env: { ...process.env, ROUTEBENCH_TRACE_MODULES: trace, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
}

const heavyIn = (urls: readonly string[]) => [...new Set(urls.flatMap((u) => HEAVY.filter((h) => u.includes(`/node_modules/${h}`))))];

describe('startup', () => {
  it('--help loads yargs and the command list, none of the heavy modules', () => {
    const urls = modulesLoadedBy('help', ['--help']);
    expect(urls.some((u) => u.includes('/src/cli/commands/index.ts'))).toBe(true);
    expect(heavyIn(urls)).toEqual([]);
    expect(urls.filter((u) => /\/src\/cli\/commands\/(?!index)/.test(u))).toEqual([]);
  });

  it('validate loads the scenario checks, none of the heavy modules', () => {
    const urls = modulesLoadedBy('validate', ['validate', 'scenarios/quickstart.yaml']);
    expect(urls.some((u) => u.includes('/src/cli/commands/validate.ts'))).toBe(true);
    expect(heavyIn(urls)).toEqual([]);
  });

  it('validate imports only the strategies the scenario names, nested ones included', () => {
    // outage-failover: single, retry, fallback, weighted and a circuit-breaker around a fallback
    const urls = modulesLoadedBy('validate-strategies', ['validate', 'scenarios/outage-failover.yaml', '--no-traffic']);
    const loaded = strategyNames.filter((name) => urls.some((u) => u.endsWith(`/src/strategies/${name}.ts`) || u.endsWith(`/src/strategies/${name}/${name}.ts`)));
    expect(loaded.sort()).toEqual(['circuit-breaker', 'fallback', 'retry', 'single', 'weighted']);
    expect(urls.filter((u) => u.endsWith('/src/strategies/index.ts'))).toEqual([]);
  });

  it('the trace sees every strategy when a command loads them all (the check can fail)', () => {
    const urls = modulesLoadedBy('list-strategies', ['list', 'strategies']);
    const loaded = strategyNames.filter((name) => urls.some((u) => u.endsWith(`/src/strategies/${name}.ts`) || u.endsWith(`/src/strategies/${name}/${name}.ts`)));
    expect(loaded).toEqual(strategyNames);
  });

  it('the trace sees heavy modules when a command does load them (the check can fail)', () => {
    const urls = modulesLoadedBy('run-help', ['report', '--help']);
    expect(heavyIn(urls)).toContain('@duckdb/');
  });
});
