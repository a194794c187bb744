/**
 * An OpenRouter generation's own `latency` that is not a time (-5, "fast") is a malformed row, but
 * the same in one of its `provider_responses` was taken silently: -3 was written as the attempt's
 * `latency_ms: -3`, and "abc" dropped. Both are malformed rows now, naming the entry; a missing or
 * null latency is still an attempt without one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers.js';
import { importRows } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const g = (responses: unknown[]) => ({ id: 'g', created_at: '2026-03-01T10:00:00Z', model: 'm', provider_name: 'B', latency: 100, tokens_prompt: 1, tokens_completion: 1, provider_responses: responses });

describe('openrouter provider_responses[].latency', () => {
  it('that is not a time of ms ≥ 0 is a malformed row naming the entry', async () => {
    const lines = [g([{ provider_name: 'A', status: 500, latency: -3 }, { provider_name: 'B', status: 200, latency: 90 }]), g([{ provider_name: 'A', status: 500, latency: 'abc' }, { provider_name: 'B', status: 200 }]), g([{ provider_name: 'B', status: 200, latency: 90 }])];
    const file = tmp.write('bad.jsonl', lines.map((x) => JSON.stringify(x)).join('\n'));
    const { stats } = await importRows(file, 'openrouter', tmp.path('out.jsonl'), { onBadRow: 'skip' });
    expect(stats.rows).toBe(1);
    expect(stats.skippedSamples).toEqual([`${file}:1: provider_responses[0].latency must be a number of ms ≥ 0, got -3`, `${file}:2: provider_responses[0].latency must be a number of ms ≥ 0, got "abc"`]);
  });

  it('missing or null: an attempt without a latency', async () => {
    const file = tmp.write('ok.jsonl', JSON.stringify(g([{ provider_name: 'A', status: 500, latency: null }, { provider_name: 'B', status: 200 }])));
    const { rows } = await importRows(file, 'openrouter', tmp.path('out.jsonl'));
    expect((rows[0]!.recorded as { attempts: unknown[] }).attempts).toEqual([
      { target: 'A', status: 500, error_kind: 'server_error' },
      { target: 'B', status: 200 },
    ]);
  });
});
