/**
 * The helper-thread sleep under the arrival scheduler, and the scheduler around it: no timing is
 * asserted (benchmarks measure lag: bench/generator-lag-case.ts), only that sleeps resolve in
 * deadline order, `close` wakes them, ends the thread and leaves sleeps resolving at once, and
 * arrivals come in order and stop on abort.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

  // A process whose work is done exits by itself: the sleep thread holds it open only while a
  // sleep is pending (once, its port stayed referenced and `routebench replay` never returned).
  it.each([
    ['started and never used', 0],
    ['after sleeps', 5],
  ])('lets the process exit when idle: %s', (_what, sleeps) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-sleep-'));
    try {
      const script = path.join(dir, 'idle.mts');
      const src = pathToFileURL(path.resolve('src/engine/precise-sleep.ts')).href;
      writeFileSync(script, `import { sharedPreciseSleep } from ${JSON.stringify(src)};
const p = sharedPreciseSleep();
while (!p.ready) await new Promise((r) => setTimeout(r, 5));
for (let i = 0; i < ${sleeps}; i++) await p.sleep(0.5);
process.stdout.write('done');
`);
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
      expect({ out: r.stdout, status: r.status, signal: r.signal }).toEqual({ out: 'done', status: 0, signal: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  // A client that is behind sent its whole backlog in one synchronous burst: no reply was read and
  // no keep-alive connection freed in between, so each call opened a connection of its own.
  it('lets the event loop turn once before each request that is already due (a backlog is not one burst)', async () => {
    let turns = 0;
    let stop = false;
    const turn = () => {
      turns++;
      if (!stop) setImmediate(turn);
    };
    setImmediate(turn);
    const at: number[] = [];
    try {
      await scheduleArrivals(batches([req(0, 0), req(1, 1)], [req(2, 2), req(3, 3)]), { realAt: (ms) => ms - 1e9, arrive: () => at.push(turns) }, () => performance.now());
    } finally {
      stop = true;
    }
    expect(at).toHaveLength(4);
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThan(at[i - 1]!);
  });

  // At 5,000 streamed calls a second, arming the helper thread for each arrival cost ~12% of the
  // client's CPU while replies woke the loop anyway: with calls in flight, a near arrival waits for
  // the target's next activity instead. The clock is virtual: 0.05 ms passes at every reading.
  it('with 8+ calls in flight, a near arrival waits for the next activity of a call, not the helper thread', async () => {
    const run = async (inFlight: number) => {
      let now = 0;
      const log: string[] = [];
      const r = await scheduleArrivals(
        batches([req(0, 0.5), req(1, 0.9)], [req(2, 1.6)]),
        {
          realAt: (ms) => ms,
          arrive: (x) => log.push(`arrive ${x.index} at ${now >= x.arrivalMs ? 'due' : 'early'}`),
          inFlight: () => inFlight,
          nextActivity: (wake) => {
            log.push('wait');
            setImmediate(wake);
          },
        },
        () => (now += 0.05),
      );
      return { r, log };
    };
    const busy = await run(8);
    expect(busy.r).toEqual({ requests: 3, interrupted: false });
    expect(busy.log.filter((l) => l.startsWith('arrive'))).toEqual(['arrive 0 at due', 'arrive 1 at due', 'arrive 2 at due']);
    expect(busy.log[0]).toBe('wait');
    expect(busy.log.filter((l) => l === 'wait').length).toBeGreaterThanOrEqual(3);
    const quiet = await run(7);
    expect(quiet.log).toEqual(['arrive 0 at due', 'arrive 1 at due', 'arrive 2 at due']);
  });

  it('a near arrival with calls in flight goes out even if no call is heard from again (the 1 ms timer)', async () => {
    const t0 = performance.now();
    const seen: number[] = [];
    const r = await within(
      scheduleArrivals(batches([req(0, 0.6), req(1, 1.2)]), { realAt: (ms) => t0 + ms, arrive: (x) => seen.push(x.index), inFlight: () => 10, nextActivity: () => undefined }, () => performance.now()),
      2000,
      'arrivals with a silent target',
    );
    expect([r, seen]).toEqual([{ requests: 2, interrupted: false }, [0, 1]]);
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
