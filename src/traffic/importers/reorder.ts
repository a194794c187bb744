/**
 * Puts log rows back in arrival order within a bounded window. Logs are written when a call ends
 * (OTel spans are exported when they finish, gateways log after the answer), so a file in write
 * order is out of arrival order by up to the longest call. Rows are held (those in order in a
 * ring, at O(1) each and with no allocation; the others in a min-heap) until the newest start seen is `windowMs` past
 * them, or until `capacity` rows are held: memory stays bounded
 * whatever the file's size. A row that starts before one already passed on cannot be placed; it is
 * reported (file:line) like any malformed row, with the advice to sort the file first.
 */
import type { SourcedRow, TraceRow } from '../trace-formats.js';

/** Default reorder window: calls longer than 10 minutes are rare, and so are logs more disordered. */
export const REORDER_WINDOW_MS = 10 * 60_000;
/** Default bound on held rows (a few tens of MB). */
export const REORDER_CAPACITY = 65_536;

/** A row that came out of order, in the heap. */
interface Held {
  row: TraceRow;
  lineNo: number;
  seq: number;
}

const before = (a: Held, b: Held) => a.row.timeMs < b.row.timeMs || (a.row.timeMs === b.row.timeMs && a.seq < b.seq);

export class Reorder {
  /**
   * Rows that came in start order (most rows of a log): a ring of parallel columns, grown by
   * doubling and never shrunk nor copied otherwise. Start times, lines and arrival numbers are
   * typed arrays beside the rows, so deciding what is due reads no held row: a full window is
   * 65,536 rows, long out of the CPU's caches. (Growing arrays, re-sliced as they emptied, with
   * each start read from its row, made an import 11-26% slower per CPU second.)
   */
  private qRows: (TraceRow | undefined)[] = Array.from({ length: 1024 }, () => undefined);
  private qTimes = new Float64Array(1024);
  private qLines = new Float64Array(1024);
  private qSeqs = new Float64Array(1024);
  private head = 0;
  private count = 0;
  /** Rows that came earlier than the queue's last: a min-heap. */
  private readonly heap: Held[] = [];
  private seq = 0;
  private newest = -Infinity;
  private passed = -Infinity;

  constructor(
    private readonly windowMs = REORDER_WINDOW_MS,
    private readonly capacity = REORDER_CAPACITY,
  ) {}

  /** Adds a row; rows now due are appended to `out`, in arrival order. */
  push(row: TraceRow, lineNo: number, out: SourcedRow[]): void {
    const t = row.timeMs;
    if (t < this.passed) {
      const behind = (this.passed - t) / 1000;
      out.push({
        lineNo,
        row: `starts at ${new Date(t).toISOString()}, ${behind.toFixed(3)} s before a row already passed on: the file is out of time order by more than the ${this.windowMs / 60_000}-minute reorder window; sort it by start time first`,
      });
      return;
    }
    if (this.count === 0 || t >= this.qTimes[(this.head + this.count - 1) & (this.qTimes.length - 1)]!) this.enqueue(row, t, lineNo);
    else this.add({ row, lineNo, seq: this.seq++ });
    if (t > this.newest) this.newest = t;
    const due = this.newest - this.windowMs;
    if (this.heap.length === 0) {
      // In order so far: only the queue to look at.
      while (this.count > 0 && (this.qTimes[this.head]! <= due || this.count > this.capacity)) this.emitQueued(out);
      return;
    }
    for (;;) {
      const size = this.count + this.heap.length;
      if (size === 0) break;
      if (!(this.firstTime() <= due || size > this.capacity)) break;
      this.emit(out);
    }
  }

  /** Every held row, in arrival order (at the end of the file). */
  flush(out: SourcedRow[]): void {
    while (this.count + this.heap.length > 0) this.emit(out);
  }

  private enqueue(row: TraceRow, t: number, lineNo: number): void {
    if (this.count === this.qTimes.length) this.grow();
    const i = (this.head + this.count) & (this.qTimes.length - 1);
    this.qRows[i] = row;
    this.qTimes[i] = t;
    this.qLines[i] = lineNo;
    this.qSeqs[i] = this.seq++;
    this.count++;
  }

  /** Doubles the ring, its rows from index 0 on (native copies: this runs too seldom to be optimised). */
  private grow(): void {
    const n = this.qTimes.length;
    const h = this.head;
    const twice = (a: Float64Array) => {
      const b = new Float64Array(2 * n);
      b.set(a.subarray(h));
      b.set(a.subarray(0, h), n - h);
      return b;
    };
    this.qTimes = twice(this.qTimes);
    this.qLines = twice(this.qLines);
    this.qSeqs = twice(this.qSeqs);
    const rows = this.qRows.slice(h).concat(this.qRows.slice(0, h));
    rows.length = 2 * n;
    this.qRows = rows;
    this.head = 0;
  }

  private firstTime(): number {
    const h = this.heap[0];
    const q = this.count > 0 ? this.qTimes[this.head]! : Infinity;
    return h !== undefined && h.row.timeMs < q ? h.row.timeMs : q;
  }

  private emit(out: SourcedRow[]): void {
    const h = this.heap[0];
    if (this.count > 0) {
      const t = this.qTimes[this.head]!;
      if (h === undefined || t < h.row.timeMs || (t === h.row.timeMs && this.qSeqs[this.head]! < h.seq)) return this.emitQueued(out);
    }
    const top = this.take();
    this.passed = top.row.timeMs;
    out.push({ lineNo: top.lineNo, row: top.row });
  }

  private emitQueued(out: SourcedRow[]): void {
    const i = this.head;
    out.push({ lineNo: this.qLines[i]!, row: this.qRows[i]! });
    this.passed = this.qTimes[i]!;
    this.qRows[i] = undefined;
    this.head = (i + 1) & (this.qTimes.length - 1);
    this.count--;
  }
  private add(h: Held): void {
    const a = this.heap;
    let i = a.length;
    a.push(h);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = h;
  }

  private take(): Held {
    const a = this.heap;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && before(a[l + 1]!, a[l]!) ? l + 1 : l;
        if (!before(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
