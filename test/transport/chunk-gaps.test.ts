/** Replay stores each streamed answer's longest inter-chunk gap; simulation measures none. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayScenario } from '../../src/runner/run-replay.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';

const YAML = `name: gaps
seed: 4
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: 20, input_tokens: { dist: constant, value: 100 }, output_tokens: { dist: constant, value: 30 }, stream: 0.5 }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, tokens_per_s: { p50: 20, p99: 20 } } }
strategies:
  single: { use: single, options: { target: a } }
`;

describe('inter-chunk gaps', () => {
  it('are recorded per streamed request in replay (scenario ms), and NULL in simulation and for JSON answers', async () => {
    const store = await openStore(':memory:');
    try {
      const loaded = parseScenario(YAML, path.join('test', 'gaps.yaml'));
      const sim = await runScenario(loaded, { store, env: testEnv });
      const rep = await replayScenario(loaded, { store, env: testEnv, transport: 'msw', timeScale: 10, realNow: () => performance.now(), processEnv: {} });
      const gaps = (run: number) => store.all<{ stream: boolean; gap: number | null }>(`SELECT stream, max_gap_ms AS gap FROM requests WHERE run_no = ${run} ORDER BY request_no`);
      for (const r of await gaps(sim.runs[0]!.runNo)) expect(r.gap).toBeNull();
      const replayed = await gaps(rep.runs[0]!.runNo);
      expect(replayed.some((r) => r.stream)).toBe(true);
      for (const r of replayed) {
        if (!r.stream) expect(r.gap).toBeNull();
        // 20 tokens/s: a token every 50 ms of scenario time; timers and HTTP add jitter at 10x
        else expect(r.gap!).toBeGreaterThan(25);
      }
    } finally {
      store.close();
    }
  });
});
