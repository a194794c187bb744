/**
 * Retry-after timing, checked a second, independent way: a full simulated run (mock 429s and 529s,
 * half of them with retry-after, uniform in 0.5–6 s) read back from the attempt rows. The oracle
 * is the recorded rows themselves plus the documented rule, not the strategy's code path: the gap
 * between a failed try's end and the next try's send is the retry-after it carried when that is at
 * most max_retry_after_ms, else the backoff base·multiplierᵏ (jitter 0).
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { runYaml } from '../helpers/run-yaml.js';

const yaml = `
name: retry-after
seed: 12
traffic:
  synthetic:
    arrival: { process: poisson, rate_per_s: 5 }
    count: 1500
    input_tokens: { dist: constant, value: 200 }
    output_tokens: { dist: constant, value: 20 }
    stream: 0
targets:
  a:
    provider: openai
    model: gpt-4o-mini
    mock: { profile: perfect, errors: { rate_limited: 0.25, overloaded: 0.1 }, retry_after_ms: { min: 500, max: 6000 }, retry_after_share: 0.5 }
strategies:
  retried: { use: retry, options: { inner: a, attempts: 4, base_ms: 300, multiplier: 2, jitter: 0, max_retry_after_ms: 4000 } }
`;

interface Row {
  request_no: number;
  attempt_no: number;
  sent_ms: number;
  end_ms: number;
  outcome: string;
  retry_after_ms: number | null;
}

describe('retry-after in a full run', () => {
  it('waits exactly the retry-after it was sent (≤ the cap), else the backoff of that try', async () => {
    const ran = await runYaml(yaml, { store: await openStore(':memory:') });
    const rows = await ran.store.all<Row>(
      `SELECT request_no, attempt_no, sent_ms, end_ms, outcome::VARCHAR AS outcome, retry_after_ms FROM attempts WHERE outcome <> 'gave_up' ORDER BY request_no, attempt_no`,
    );
    const seen = { honoured: 0, capped: 0, backoff: 0 };
    for (let i = 1; i < rows.length; i++) {
      const [prev, next] = [rows[i - 1]!, rows[i]!];
      if (prev.request_no !== next.request_no) continue;
      expect(prev.outcome).toBe('error');
      const gap = next.sent_ms - prev.end_ms;
      const backoff = 300 * 2 ** prev.attempt_no;
      const ra = prev.retry_after_ms;
      let expected: number;
      if (ra !== null && ra <= 4000) {
        expected = ra;
        seen.honoured++;
      } else {
        expected = backoff;
        if (ra !== null) seen.capped++;
        else seen.backoff++;
      }
      expect(gap, `request ${next.request_no} try ${next.attempt_no + 1} (retry-after ${ra})`).toBeCloseTo(expected, 6);
    }
    // Every branch of the rule was exercised.
    expect(seen.honoured).toBeGreaterThan(20);
    expect(seen.capped).toBeGreaterThan(5);
    expect(seen.backoff).toBeGreaterThan(20);
    ran.store.close();
  });
});
