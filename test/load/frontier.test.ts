import { describe, expect, it } from 'vitest';
import { errorRate, throughputFrontier, type FrontierPoint } from '../../src/load/frontier.js';

const point = (arm: string, loop: 'closed' | 'open', level: number, achievedRps: number, p99Ms: number | null, rate = 0): FrontierPoint => ({ arm, loop, level, achievedRps, p99Ms, errorRate: rate });

describe('throughput frontier', () => {
  const points: FrontierPoint[] = [
    point('direct', 'closed', 1, 900, 0.8),
    point('direct', 'closed', 10, 7000, 2.5),
    point('direct', 'closed', 50, 9000, 12),
    point('direct', 'open', 4000, 3990, 0.9),
    point('gw', 'closed', 1, 600, 1.4),
    point('gw', 'closed', 10, 4000, 4.9),
    point('gw', 'closed', 50, 5200, 40, 0.0005),
    point('gw', 'closed', 100, 6100, 48, 0.02), // too many errors: never counts
    point('gw', 'open', 6000, 5000, null), // no successful answer to time: only unbounded
  ];

  it('picks, per arm and p99 bound, the highest sustained req/s within the bound and the error limit', () => {
    const cells = throughputFrontier(points, [1, 5, 10, 50], 0.001);
    const table = Object.fromEntries(cells.map((c) => [`${c.arm}@${c.boundMs ?? 'inf'}`, c.point ? `${c.point.loop}:${c.point.level}` : null]));
    expect(table).toEqual({
      'direct@1': 'open:4000', // the open point beats c=1 (900/s) within 1 ms
      'direct@5': 'closed:10',
      'direct@10': 'closed:10', // c=50's p99 of 12 ms is over 10
      'direct@50': 'closed:50',
      'direct@inf': 'closed:50',
      'gw@1': null, // nothing under 1 ms
      'gw@5': 'closed:10', // 4.9 ms counts: bounds include equality
      'gw@10': 'closed:10',
      'gw@50': 'closed:50', // 0.05% errors is under 0.1%; c=100 at 2% is out
      'gw@inf': 'closed:50',
    });
  });

  it('keeps the arms apart and returns every bound plus unbounded for each', () => {
    const cells = throughputFrontier(points, [5], 0.001);
    expect(cells.map((c) => [c.arm, c.boundMs, c.point?.achievedRps ?? null])).toEqual([
      ['direct', 5, 7000],
      ['direct', null, 9000],
      ['gw', 5, 4000],
      ['gw', null, 5200],
    ]);
  });

  it('counts drops as errors and treats an empty point as all errors', () => {
    expect(errorRate({ sent: 990, errors: 0, dropped: 10 })).toBeCloseTo(0.01);
    expect(errorRate({ sent: 0, errors: 0, dropped: 0 })).toBe(1);
  });
});
