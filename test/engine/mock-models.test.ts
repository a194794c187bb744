/**
 * `mock.models`: a request asking for a listed model draws from the target's behaviour with that
 * model's fields over it; every other field, and every other model, keeps the target's. Timings
 * here are point masses (p50 = p99), so each expected value is exact: TTFT as given, duration =
 * TTFT + 100 output tokens at the given rate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-mock-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (i: number, route: string) => JSON.stringify({ arrival_ms: i * 1000, route, input_tokens: 10, output_tokens: 100, stream: true });

describe('mock.models in the simulation', () => {
  it('overrides the listed fields for the listed model only', async () => {
    writeFileSync(join(dir, 't.jsonl'), `${['fast', 'slow', 'other', 'fast', 'slow', 'other'].map((r, i) => row(i, r)).join('\n')}\n`);
    const ran = await runYaml(
      `name: mock-models
traffic: { trace: { path: t.jsonl } }
targets:
  up:
    provider: openai
    model: gpt-4o-mini
    mock:
      profile: perfect
      ttft_ms: { p50: 500, p99: 500 }
      tokens_per_s: { p50: 100, p99: 100 }
      errors: { server_error: 1 }
      models:
        fast: { ttft_ms: { p50: 100, p99: 100 }, tokens_per_s: { p50: 200, p99: 200 }, errors: {} }
        slow: { ttft_ms: { p50: 2000, p99: 2000 } }
strategies:
  s: { use: single, options: { target: up } }
defaults: { max_attempts: 1 }
`,
      {},
      join(dir, 'mock-models.yaml'),
    );
    try {
      const rows = await ran.store.all<{ route: string; outcome: string; ttft: number | null; dur: number }>(
        `SELECT route, outcome, first_token_ms - sent_ms AS ttft, end_ms - sent_ms AS dur FROM attempt_log WHERE run_no = ${ran.run('s')} AND outcome <> 'gave_up' ORDER BY request_no`,
      );
      const fast = rows.filter((r) => r.route === 'fast');
      // fast: its own TTFT and rate, and no errors (errors: {} is a mix of none, not "the target's")
      expect(fast.map((r) => [r.outcome, r.ttft, r.dur])).toEqual([
        ['ok', expect.closeTo(100, 6), expect.closeTo(100 + (100 / 200) * 1000, 6)],
        ['ok', expect.closeTo(100, 6), expect.closeTo(600, 6)],
      ]);
      // slow lists no errors: the target's (every call fails); other is not listed: the target's too
      expect(rows.filter((r) => r.route !== 'fast').map((r) => [r.route, r.outcome])).toEqual([
        ['slow', 'error'],
        ['other', 'error'],
        ['slow', 'error'],
        ['other', 'error'],
      ]);
    } finally {
      ran.store.close();
    }
  });
});
