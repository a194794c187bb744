/**
 * The helper-thread sleep under the arrival scheduler, and the scheduler around it: no timing is
 * asserted (benchmarks measure lag: bench/generator-lag-case.ts), only that sleeps resolve in
 * deadline order, `close` wakes them, ends the thread and leaves sleeps resolving at once, and
 * arrivals come in order and stop on abort.
 */
import { describe, expect, it } from 'vitest';
import { preciseSleep, sharedPreciseSleep } from '../../src/engine/precise-sleep.js';
import { scheduleArrivals } from '../../src/engine/arrival-scheduler.js';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';
import { waitFor, within } from '../helpers/mock-servers.js';

describe('preciseSleep', () => {
  it('resolves sleeps once its thread runs, earliest deadline first; close wakes them and ends it', async () => {
    const p = preciseSleep();
    try {
      await waitFor(() => (p.ready ? true : undefined), 5000, 'the sleep thread to start');
      await within(p.sleep(0.2), 2000, 'a short sleep');
      const order: string[] = [];
      const later = p.sleep(30).then(() => order.push('30 ms'));
      const sooner = p.sleep(1).then(() => order.push('1 ms'));
      await within(Promise.all([later, sooner]), 2000, 'two pending sleeps');
      expect(order).toEqual(['1 ms', '30 ms']);
      const pending = p.sleep(60_000);
      p.close();
      await within(pending, 1000, 'a sleep pending at close');
      expect(p.ready).toBe(false);
      await within(p.sleep(60_000), 1000, 'a sleep after close');
    } finally {
      p.close();
    }
  });

  it('the shared one is started once per process', () => {
    expect(sharedPreciseSleep()).toBe(sharedPreciseSleep());
  });
});

describe('scheduleArrivals', () => {
  const req = (index: number, arrivalMs: number): TrafficRequest => ({ index, arrivalMs, route: 'r', inputTokens: 1, cachedTokens: 0, outputTokens: 1, stream: false, tags: {} });
  async function* batches(...bs: TrafficRequest[][]) {
    for (const b of bs) yield b;
  }

  it('starts every request in order (here all already due) and reports each batch', async () => {
    const seen: number[] = [];
    const last: number[] = [];
    const r = await scheduleArrivals(
      batches([req(0, 0), req(1, 5)], [req(2, 9)]),
      { realAt: (ms) => ms - 1e9, arrive: (x) => seen.push(x.index) },
      () => performance.now(),
      undefined,
      (x) => last.push(x.index),
    );
    expect(r).toEqual({ requests: 3, interrupted: false });
    expect(seen).toEqual([0, 1, 2]);
    expect(last).toEqual([1, 2]);
  });

  it('stops at an abort, even in the middle of a long wait', async () => {
    const ctl = new AbortController();
    const seen: number[] = [];
    const t0 = performance.now();
    const running = scheduleArrivals(batches([req(0, 0), req(1, 3_600_000)]), { realAt: (ms) => t0 + ms, arrive: (x) => seen.push(x.index) }, () => performance.now(), ctl.signal);
    await waitFor(() => (seen.length === 1 ? true : undefined), 2000, 'the first arrival');
    ctl.abort();
    expect(await within(running, 2000, 'the scheduler after abort')).toEqual({ requests: 1, interrupted: true });
  });
});
