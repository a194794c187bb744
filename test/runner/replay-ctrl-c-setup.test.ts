/**
 * Ctrl-C while a replay run is being set up (after the strategy loop looked at the signal, before
 * the run listened to it: its run record, the transport's run start) was missed: the run went on
 * through all of its traffic, status ok, the strategies after it were dropped without a word and
 * the replay did not say it was interrupted (exit 0). The abort here lands deterministically in
 * that window: on the run's first clock read, which comes right after its setup.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';

const YAML = `name: ctrl-c-setup
seed: 3
traffic: { synthetic: { arrival: { process: constant, rate_per_s: 200 }, count: 40 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 2, p99: 2 }, tokens_per_s: { p50: 5000, p99: 5000 } } }
strategies:
  first: { use: single, options: { target: a } }
  second: { use: single, options: { target: a } }
`;

describe('replay: Ctrl-C during a run\'s setup', () => {
  it('stops that run with nothing sent, runs no later strategy, and reports the replay interrupted', async () => {
    const store = await openStore(':memory:');
    try {
      const ac = new AbortController();
      let reads = 0;
      const realNow = () => {
        if (reads++ === 0) ac.abort(); // the first clock read of the first run: its setup is done
        return performance.now();
      };
      const result = await replayScenario(parseScenario(YAML, 'test/ctrl-c.yaml'), { store, env: testEnv, transport: 'msw', timeScale: 1, processEnv: {}, realNow, signal: ac.signal });
      expect(result.interrupted).toBe(true);
      expect(result.runs.map((r) => [r.strategy, r.status, r.requests])).toEqual([['first', 'interrupted', 0]]);
      const rows = await store.all<{ label: string; status: string }>('SELECT strategy AS label, status FROM runs ORDER BY run_no');
      expect(rows).toEqual([{ label: 'first', status: 'interrupted' }]);
    } finally {
      store.close();
    }
  });

  it('Ctrl-C before the first strategy: no run, interrupted', async () => {
    const store = await openStore(':memory:');
    try {
      const result = await replayScenario(parseScenario(YAML, 'test/ctrl-c.yaml'), { store, env: testEnv, transport: 'msw', timeScale: 1, processEnv: {}, realNow: () => performance.now(), signal: AbortSignal.abort() });
      expect([result.interrupted, result.runs.length]).toEqual([true, 0]);
    } finally {
      store.close();
    }
  });
});

describe('the CLI, for a scenario interrupted before its first run', () => {
  it('exits 130 saying so (it said "nothing to run here" and exited 0)', async () => {
    const { mkdtempSync, rmSync, writeFileSync, existsSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { executeScenarios } = await import('../../src/cli/commands/run.js');
    const { memoryIo } = await import('../../src/cli/io.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-ctrl-c-'));
    try {
      const file = path.join(dir, 's.yaml');
      writeFileSync(file, YAML);
      const io = memoryIo();
      const args = { paths: [file], db: path.join(dir, 'r.duckdb'), out: path.join(dir, 'reports'), json: false, quiet: false, progress: false, png: false };
      const code = await executeScenarios(args, io, async (loaded) => ({ scenario: loaded.scenario.name, runGroup: 'g', runs: [], skipped: [], skippedRows: 0, skippedSamples: [], interrupted: true, trafficDescription: '' }));
      expect(code).toBe(130);
      expect(io.stdout).toContain('ctrl-c-setup: interrupted before its first run');
      expect(io.stdout).not.toContain('nothing to run here');
      expect(existsSync(args.db)).toBe(false); // created for nothing, removed again
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
