/**
 * In-band stream errors: a share of overloaded / server errors on streamed requests arrive after
 * HTTP 200 and part of the stream, as an error event in the dialect's framing (Anthropic
 * `event: error` overloaded_error, OpenAI `data: {"error": ...}`). Simulate and replay over msw
 * record the same attempts.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayScenario } from '../../../src/runner/run-replay.js';
import { parseScenario } from '../../../src/scenario/load-scenario.js';
import { openStore } from '../../../src/store/open-store.js';
import { runScenario } from '../../../src/runner/run-scenario.js';
import { testEnv } from '../../helpers/run-yaml.js';

const YAML = `name: in-band
seed: 12
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: 80, input_tokens: { dist: constant, value: 200 }, output_tokens: { dist: constant, value: 40 }, stream: 1 }
targets:
  claude: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, errors: { overloaded: 0.3 }, in_band_error_share: 0.5 } }
  gpt: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.3 }, in_band_error_share: 0.5 } }
strategies:
  claude: { use: single, options: { target: claude } }
  gpt: { use: single, options: { target: gpt } }
`;

type Row = { strategy: string; request_no: number; outcome: string; kind: string | null; status: number; started: boolean };
const rowsOf = (store: Awaited<ReturnType<typeof openStore>>, mode: string) =>
  store.all<Row>(`
    SELECT r.strategy, a.request_no, a.outcome::VARCHAR AS outcome, a.error_kind::VARCHAR AS kind, a.http_status AS status, a.first_token_ms IS NOT NULL AS started
    FROM attempts a JOIN runs r USING (run_no) WHERE r.mode = '${mode}' AND a.outcome <> 'gave_up' ORDER BY r.strategy, a.request_no`);

describe('in-band stream errors', () => {
  it('arrive after HTTP 200 with the error kind, in simulate and over HTTP alike', async () => {
    const store = await openStore(':memory:');
    try {
      const loaded = parseScenario(YAML, path.join('test', 'in-band.yaml'));
      await runScenario(loaded, { store, env: testEnv });
      await replayScenario(loaded, { store, env: testEnv, transport: 'msw', timeScale: 20, realNow: () => performance.now(), processEnv: {} });
      const sim = await rowsOf(store, 'simulate');
      const rep = await rowsOf(store, 'replay');
      for (const [strategy, kind, status] of [['claude', 'overloaded', 529], ['gpt', 'server_error', 500]] as const) {
        const mine = sim.filter((r) => r.strategy === strategy);
        const inBand = mine.filter((r) => r.kind === kind && r.status === 200);
        const plain = mine.filter((r) => r.kind === kind && r.status === status);
        // 30% errors, half of them in-band: about 12 of 80 each way
        expect(inBand.length, `${strategy} in-band`).toBeGreaterThan(4);
        expect(plain.length, `${strategy} status errors`).toBeGreaterThan(4);
        expect(inBand.some((r) => r.started), `${strategy}: some in-band errors come after the first token`).toBe(true);
      }
      // the wire carries exactly what the model decided
      expect(rep.map(({ strategy, request_no, outcome, kind, status }) => [strategy, request_no, outcome, kind, status])).toEqual(
        sim.map(({ strategy, request_no, outcome, kind, status }) => [strategy, request_no, outcome, kind, status]),
      );
    } finally {
      store.close();
    }
  });
});
