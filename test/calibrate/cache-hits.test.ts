/**
 * Calls a gateway answered from its cache (imported LiteLLM `cache_hit`, Portkey `cache_status`:
 * recorded.cache_hit) say nothing about a provider: calibrate leaves them out of every fit, says
 * how many, and does not make a target of them; the backtest's recorded side leaves them out too.
 * Hand-written trace; counts by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { fitReport } from '../../src/calibrate/fit-report.js';
import { loadObserved } from '../../src/calibrate/observed-table.js';
import { recordedAggregates } from '../../src/store/backtest-queries.js';
import { openStore } from '../../src/store/open-store.js';

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-cache-hits-'));
  file = join(dir, 'trace.jsonl');
  const rows: string[] = [];
  // 40 calls to openai (every 10th a 500), 10 answered from the cache in 3 ms, 2 the app hung up on
  for (let i = 0; i < 40; i++) {
    const ok = i % 10 !== 9;
    rows.push(JSON.stringify({ arrival_ms: i * 1000, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: ok ? 20 : 0, stream: false, recorded: { ok, status: ok ? 200 : 500, latency_ms: 900 + i, target: 'openai', ...(ok ? {} : { error_kind: 'server_error' }) } }));
  }
  for (let i = 0; i < 10; i++) rows.push(JSON.stringify({ arrival_ms: i * 1000 + 500, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: 20, stream: false, recorded: { ok: true, status: 200, latency_ms: 3, target: 'cache', cache_hit: true } }));
  for (let i = 0; i < 2; i++) rows.push(JSON.stringify({ arrival_ms: i * 1000 + 700, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: 0, stream: false, recorded: { ok: false, status: 0, latency_ms: 50, target: 'openai', client_closed: true } }));
  writeFileSync(file, `${rows.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cache hits', () => {
  it('calibrate fits the provider only, and says what it left out', async () => {
    const c = await calibrate([file]);
    expect(c.targets.map((t) => t.target)).toEqual(['openai']);
    expect(c.calls).toBe(40);
    expect(c.cacheHits).toBe(10);
    expect(c.unobserved).toBe(2);
    expect(c.targets[0]!.errors).toEqual([expect.objectContaining({ kind: 'server_error', rate: 4 / 40 })]);
    expect(fitReport(c)).toContain('(2 rows without an outcome and 10 calls answered from a gateway\'s cache left out)');
  });

  it("the backtest's recorded side counts provider calls only", async () => {
    const store = await openStore(':memory:');
    try {
      await loadObserved(store, [file]);
      await store.run('CREATE TEMP TABLE bt_prices (target VARCHAR, input DOUBLE, output DOUBLE, cached_input DOUBLE)');
      const rec = await recordedAggregates(store);
      expect(rec.requests).toBe(40);
      expect(rec.success_rate).toBeCloseTo(36 / 40, 12);
      expect(rec.p50_latency_ms).toBeGreaterThanOrEqual(900); // no 3 ms cache answer among them
    } finally {
      store.close();
    }
  });
});
