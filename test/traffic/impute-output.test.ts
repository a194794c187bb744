/**
 * A call the trace recorded as failed gets an output size drawn from the answers recorded before
 * it on its route: checked against the rule itself (which sizes were there to draw from), not
 * against a copy of the draw.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRAFFIC_BATCH } from '../../src/traffic/traffic-request.js';
import { collect, makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

interface Row {
  route: string;
  ok: boolean;
  out: number;
}

const trace = (rows: Row[]) =>
  tmp.write('t.jsonl', rows.map((r, i) => JSON.stringify({ arrival_ms: i * 10, route: r.route, input_tokens: 100, output_tokens: r.out, recorded: { ok: r.ok, status: r.ok ? 200 : 503 } })).join('\n') + '\n');

/** Sizes a failed call at `i` may get: the last 256 answers on its route before it, else on any route. */
function allowed(rows: Row[], i: number): Set<number> {
  const before = rows.slice(0, i).filter((r) => r.ok && r.out > 0);
  const own = before.filter((r) => r.route === rows[i]!.route);
  return new Set((own.length > 0 ? own : before).slice(-256).map((r) => r.out));
}

describe('output sizes of calls recorded as failed', () => {
  it('each failure gets a size recorded before it on its own route; answers are read as recorded', async () => {
    const rows: Row[] = [];
    // two routes whose answers differ in size: a draw from the wrong route would show
    for (let i = 0; i < 2000; i++) {
      const route = i % 2 ? 'long' : 'short';
      const ok = i < 100 || i % 7 !== 0;
      rows.push({ route, ok, out: ok ? (route === 'long' ? 1000 + (i % 97) : 10 + (i % 13)) : 0 });
    }
    const { requests, stats } = await collect({ file: trace(rows), format: 'routebench', seed: 3 });
    let failed = 0;
    for (const [i, r] of rows.entries()) {
      if (r.ok) expect(requests[i]!.outputTokens).toBe(r.out);
      else {
        failed++;
        expect(allowed(rows, i).has(requests[i]!.outputTokens), `row ${i}`).toBe(true);
      }
    }
    expect(stats.imputedOutput).toBe(failed);
    // the draws spread over what was there, not one value
    expect(new Set(requests.filter((_, i) => !rows[i]!.ok && rows[i]!.route === 'long').map((r) => r.outputTokens)).size).toBeGreaterThan(50);
    // the same seed gives the same sizes; another seed other ones
    const again = await collect({ file: trace(rows), format: 'routebench', seed: 3 });
    expect(again.requests.map((r) => r.outputTokens)).toEqual(requests.map((r) => r.outputTokens));
    const other = await collect({ file: trace(rows), format: 'routebench', seed: 4 });
    expect(other.requests.map((r) => r.outputTokens)).not.toEqual(requests.map((r) => r.outputTokens));
    // imputeOutput: false reads every row as recorded
    const asRecorded = await collect({ file: trace(rows), format: 'routebench', seed: 3, imputeOutput: false });
    expect(asRecorded.requests.map((r) => r.outputTokens)).toEqual(rows.map((r) => r.out));
    expect(asRecorded.stats.imputedOutput).toBe(0);
  });

  it('a trace that opens in an outage: the failures wait for 32 answers, in order, across held batches', async () => {
    const head = TRAFFIC_BATCH + 500;
    const rows: Row[] = [];
    for (let i = 0; i < head; i++) rows.push({ route: 'm', ok: false, out: 0 });
    for (let i = 0; i < 200; i++) rows.push({ route: 'm', ok: true, out: 300 + i });
    const { requests, batches, stats } = await collect({ file: trace(rows), format: 'routebench' });
    expect(requests.map((r) => r.index)).toEqual(rows.map((_, i) => i));
    const first32 = new Set(rows.slice(head, head + 32).map((r) => r.out));
    for (let i = 0; i < head; i++) expect(first32.has(requests[i]!.outputTokens), `row ${i}`).toBe(true);
    expect(stats.imputedOutput).toBe(head);
    // held back until the answers came: the first batch holds every failure
    expect(batches[0]!.length).toBeGreaterThanOrEqual(head);
  });

  it('a cut stream keeps what it got when that is more; a trace without answers leaves failures as recorded', async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 40; i++) rows.push({ route: 'm', ok: true, out: 20 });
    rows.push({ route: 'm', ok: false, out: 500 }, { route: 'm', ok: false, out: 5 });
    const { requests, stats } = await collect({ file: trace(rows), format: 'routebench' });
    expect(requests.slice(40).map((r) => r.outputTokens)).toEqual([500, 20]);
    expect(stats.imputedOutput).toBe(1);
    const none = await collect({ file: trace([{ route: 'm', ok: false, out: 0 }, { route: 'm', ok: false, out: 3 }]), format: 'routebench' });
    expect(none.requests.map((r) => r.outputTokens)).toEqual([0, 3]);
    expect(none.stats.imputedOutput).toBe(0);
  });

  it('fewer than 32 answers in the whole trace: the failures take what there is at its end', async () => {
    const rows: Row[] = [{ route: 'a', ok: false, out: 0 }, { route: 'a', ok: true, out: 77 }, { route: 'b', ok: true, out: 9 }, { route: 'a', ok: false, out: 0 }, { route: 'c', ok: false, out: 0 }];
    const { requests } = await collect({ file: trace(rows), format: 'routebench' });
    // a's failures draw from a's one answer; c has none of its own and draws from every route's
    expect([requests[0]!.outputTokens, requests[3]!.outputTokens]).toEqual([77, 77]);
    expect([77, 9]).toContain(requests[4]!.outputTokens);
  });
});
