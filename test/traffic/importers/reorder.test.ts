/**
 * The reorder window against a second implementation: a plain list searched for its earliest row
 * (start, then arrival) on every step, with the same rules (due once the newest start is a window
 * past it, or while more than `capacity` rows are held; a row before one passed on is reported).
 * Compared push by push (what was passed on after each row, and the very row objects), over inputs
 * that take the queue's ring round and past its first size, and mix in late rows for the heap.
 */
import { describe, expect, it } from 'vitest';
import { Reorder } from '../../../src/traffic/importers/reorder.js';
import type { SourcedRow, TraceRow } from '../../../src/traffic/trace-formats.js';

const row = (timeMs: number): TraceRow => ({ timeMs, inputTokens: 0, outputTokens: 0, cachedTokens: 0 });

class ListReorder {
  private held: { row: TraceRow; lineNo: number; seq: number }[] = [];
  private seq = 0;
  private newest = -Infinity;
  private passed = -Infinity;
  constructor(
    private readonly windowMs: number,
    private readonly capacity: number,
  ) {}

  push(r: TraceRow, lineNo: number, out: SourcedRow[]): void {
    if (r.timeMs < this.passed) {
      const behind = ((this.passed - r.timeMs) / 1000).toFixed(3);
      out.push({ lineNo, row: `starts at ${new Date(r.timeMs).toISOString()}, ${behind} s before a row already passed on: the file is out of time order by more than the ${this.windowMs / 60_000}-minute reorder window; sort it by start time first` });
      return;
    }
    this.held.push({ row: r, lineNo, seq: this.seq++ });
    this.newest = Math.max(this.newest, r.timeMs);
    while (this.held.length > 0 && (this.first().row.timeMs <= this.newest - this.windowMs || this.held.length > this.capacity)) this.pass(out);
  }

  flush(out: SourcedRow[]): void {
    while (this.held.length > 0) this.pass(out);
  }

  private first() {
    return this.held.reduce((a, b) => (b.row.timeMs < a.row.timeMs || (b.row.timeMs === a.row.timeMs && b.seq < a.seq) ? b : a));
  }

  private pass(out: SourcedRow[]): void {
    const f = this.first();
    this.held.splice(this.held.indexOf(f), 1);
    this.passed = f.row.timeMs;
    out.push({ lineNo: f.lineNo, row: f.row });
  }
}

function random(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Start times: mostly rising by `step`, with ties, rows late by up to `late`, and now and then one far too late. */
function times(n: number, seed: number, step: number, late: number): number[] {
  const rnd = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const u = rnd();
    if (u < 0.01) return i * step - 100 * late;
    if (u < 0.15) return i * step - Math.floor(rnd() * late);
    if (u < 0.25) return (i - 1) * step;
    return i * step;
  });
}

describe('reorder window against a list searched each step', () => {
  const cases = [
    { name: 'in order, capacity bound (the ring wraps many times)', n: 5000, window: 1e9, capacity: 700, late: 0 },
    { name: 'in order, time bound, more held than the first ring size', n: 6000, window: 30_000, capacity: 100_000, late: 0 },
    { name: 'late rows within the window', n: 4000, window: 2000, capacity: 100_000, late: 1500 },
    { name: 'late rows, capacity bound', n: 4000, window: 1e9, capacity: 37, late: 800 },
    { name: 'late rows past a small window', n: 4000, window: 300, capacity: 1500, late: 2000 },
    { name: 'capacity 1', n: 500, window: 1e9, capacity: 1, late: 50 },
    { name: 'sparse then dense (the ring grows while wrapped round)', n: 5000, window: 30_000, capacity: 100_000, late: 0, dense: true },
  ];
  for (const c of cases)
    it(c.name, () => {
      const a = new Reorder(c.window, c.capacity);
      const b = new ListReorder(c.window, c.capacity);
      const outA: SourcedRow[] = [];
      const outB: SourcedRow[] = [];
      // dense: 600 rows a window, then 3,000
      const ts = c.dense ? Array.from({ length: c.n }, (_, i) => (i < 2000 ? i * 50 : 100_000 + (i - 2000) * 10)) : times(c.n, c.n + c.capacity, 10, c.late);
      for (let i = 0; i < ts.length; i++) {
        const r = row(ts[i]!);
        a.push(r, i + 1, outA);
        b.push(r, i + 1, outB);
        expect(outA.length, `after line ${i + 1}`).toBe(outB.length);
      }
      a.flush(outA);
      b.flush(outB);
      expect(outA).toHaveLength(c.n);
      expect(outA).toEqual(outB);
      for (let i = 0; i < outA.length; i++) if (typeof outB[i]!.row !== 'string') expect(outA[i]!.row).toBe(outB[i]!.row);
      if (c.late > 0 && c.window < 1e9) expect(outA.some((o) => typeof o.row === 'string')).toBe(true);
    });
});
