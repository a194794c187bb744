/**
 * The recorded side of the backtest's failover rate, from the upstream attempts a gateway log
 * keeps: a failover is an attempt on another target. Retries on one target (a span per retry, a
 * log per retry) are not failovers, as the simulated side (requests.failover: more than one target)
 * does not count them. Hand-built trace; the expected rate counted by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadObserved } from '../../src/calibrate/observed-table.js';
import { recordedAggregates } from '../../src/store/backtest-queries.js';
import { openStore } from '../../src/store/open-store.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-bt-failover-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (t: number, attempts: unknown) => JSON.stringify({ arrival_ms: t, route: 'm', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100, target: 'b', attempts } });

describe('recorded failover rate', () => {
  it('counts requests served after another target failed, not retries on one target: 2 of 5', async () => {
    const file = join(dir, 'attempts.jsonl');
    writeFileSync(
      file,
      [
        row(0, [{ target: 'a', status: 500 }, { target: 'b', status: 200 }]), // failover
        row(10, [{ target: 'b', status: 429 }, { target: 'b', status: 200 }]), // a retry on b
        row(20, [{ target: 'b', status: 200 }]), // one attempt
        row(30, [{ target: 'b', status: 503 }, { target: 'b', status: 503 }, { target: 'b', status: 200 }]), // two retries on b
        row(40, [{ target: 'a', status: 429 }, { target: 'a', status: 429 }, { target: 'b', status: 200 }]), // retries on a, then failover
      ].join('\n') + '\n',
    );
    const store = await openStore(':memory:');
    try {
      await loadObserved(store, [file]);
      await store.run('CREATE TEMP TABLE bt_prices (target VARCHAR, input DOUBLE, output DOUBLE, cached_input DOUBLE)');
      const rec = await recordedAggregates(store);
      expect(rec.failover_rate).toBeCloseTo(2 / 5, 12);
    } finally {
      store.close();
    }
  });

  it('a bare attempt count (routebench serve) still counts more than one attempt', async () => {
    const file = join(dir, 'counts.jsonl');
    writeFileSync(file, [row(0, 1), row(10, 2), row(20, 1), row(30, 3)].join('\n') + '\n');
    const store = await openStore(':memory:');
    try {
      await loadObserved(store, [file]);
      await store.run('CREATE TEMP TABLE bt_prices (target VARCHAR, input DOUBLE, output DOUBLE, cached_input DOUBLE)');
      expect((await recordedAggregates(store)).failover_rate).toBeCloseTo(2 / 4, 12);
    } finally {
      store.close();
    }
  });

  // The simulated side bills a call that failed after producing output (a cut stream: input + the
  // output so far), as providers do; the recorded side counted only the successful calls.
  it('recorded cost per 1k ok bills a call that failed after output started, not one that failed before', async () => {
    const file = join(dir, 'billing.jsonl');
    const call = (t: number, ok: boolean, out: number, kind?: string) =>
      JSON.stringify({ arrival_ms: t, route: 'm', input_tokens: 1000, cached_tokens: 200, output_tokens: out, recorded: { ok, status: ok ? 200 : kind === 'truncated' ? 200 : 500, latency_ms: 100, target: 'b', ...(kind ? { error_kind: kind } : {}) } });
    writeFileSync(file, [call(0, true, 100), call(10, true, 300), call(20, false, 40, 'truncated'), call(30, false, 0, 'server_error')].join('\n') + '\n');
    const store = await openStore(':memory:');
    try {
      await loadObserved(store, [file]);
      await store.run(`CREATE TEMP TABLE bt_prices AS SELECT 'b' AS target, 2.0 AS input, 8.0 AS output, 0.5 AS cached_input`);
      // per call: 800 × $2/M + 200 × $0.5/M = $0.0017 of prompt; output at $8/M
      const billed = 0.0017 * 3 + (100 + 300 + 40) * 8e-6; // the 500 with no output is free
      expect((await recordedAggregates(store)).cost_per_1k_ok_usd).toBeCloseTo((billed / 2) * 1000, 12);
    } finally {
      store.close();
    }
  });
});
