/**
 * A gateway log that lists each request's upstream attempts (an OpenRouter provider_responses
 * list, a Portkey fallback chain) holds the failures the gateway rescued. calibrate fitted each
 * request's final answer only, so a target whose every failure was rescued by another looked
 * healthy: its outage unseen, its error rate 0. The failed attempts before the answer are now
 * failed calls of their targets. Hand-built trace: a call every 100 ms for 300 s through a gateway
 * with fallback x → y; x is down from 60 s to 90 s (y answers those 300 requests after x's 503),
 * and 1 in 50 of x's other calls is a 429 that y answers too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { fitReport } from '../../src/calibrate/fit-report.js';
import { loadObserved } from '../../src/calibrate/observed-table.js';
import { openStore } from '../../src/store/open-store.js';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { wilsonOracle, Z_TWO_SIDED_99 } from './trace-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-upstream-attempts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTrace(): string {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = i * 100;
    const down = t >= 60_000 && t < 90_000;
    const limited = !down && i % 50 === 7;
    const base = { arrival_ms: t, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: 50, stream: true };
    const recorded =
      down || limited
        ? { ok: true, status: 200, ttft_ms: 700, latency_ms: 1400, target: 'y', attempts: [{ target: 'x', status: down ? 503 : 429, latency_ms: 40 }, { target: 'y', status: 200, latency_ms: 1400 }] }
        : { ok: true, status: 200, ttft_ms: 400, latency_ms: 900, target: 'x', attempts: [{ target: 'x', status: 200, latency_ms: 900 }] };
    lines.push(JSON.stringify({ ...base, recorded }));
  }
  const file = join(dir, 'gateway.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('upstream attempts of a gateway log', () => {
  it('are failed calls of their targets: the rescued outage is found, the rescued 429s are an error rate', async () => {
    const file = writeTrace();
    const cal = await calibrate([file]);
    // 300 rescued 503s and 54 rescued 429s (i % 50 == 7 outside the outage: 60 in all, 6 inside it)
    expect([cal.calls, cal.upstream]).toEqual([3000, 354]);
    expect(cal.incidents.map((i) => [i.target, i.kind, i.startMs, i.startMs + i.durationMs, i.failed, i.errors])).toEqual([['x', 'outage', 59_950, 89_950, 300, { server_error: 300 }]]);
    const x = cal.targets.find((t) => t.target === 'x')!;
    // x's everyday calls: its 2,646 answers and 54 rescued 429s, less those within the outage's resolution (100 ms) of its edges
    const limitedOutside = Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 50 === 7 && (i * 100 < 59_850 || i * 100 >= 90_050)).length;
    // every request tried x first: 2,646 answers, 54 rescued 429s and 300 rescued 503s
    expect(limitedOutside).toBe(54);
    expect(x.calls).toBe(3000);
    // outside the outage and its resolution (100 ms) of each edge: [59,850, 90,050) holds 59,900, the 300 failures and 90,000
    const baseline = x.baselineCalls;
    expect(baseline).toBe(3000 - 302);
    const [lo, hi] = wilsonOracle(limitedOutside, baseline, Z_TWO_SIDED_99);
    expect(x.errors).toEqual([{ kind: 'rate_limited', count: limitedOutside, rate: limitedOutside / baseline, lo: expect.closeTo(lo, 12), hi: expect.closeTo(hi, 12) }]);
    // y only ever answered
    expect(cal.targets.find((t) => t.target === 'y')!.errors).toEqual([]);
    expect(fitReport(cal)).toContain('354 failed upstream attempts');
    const io = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'gateway.yaml')], io)).toBe(0);
    expect(io.stdout).toContain('calibrated 2 targets from 3,000 observed calls and 354 failed upstream attempts before them');
  });

  it('the backtest\'s recorded side still counts requests, not attempts', async () => {
    const store = await openStore(':memory:');
    try {
      const load = await loadObserved(store, [writeTrace()]);
      expect([load.rows, load.upstream]).toEqual([3000, 0]);
    } finally {
      store.close();
    }
  });
});
