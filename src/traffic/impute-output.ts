/**
 * Output sizes for the calls a trace recorded as failed. A failed call has no answer, so its
 * output_tokens is 0 (or what a cut stream got before it broke); replayed through a what-if
 * strategy that answers it, it would be an answer of no length: latency = TTFT, cost = the prompt.
 * Each such request instead gets a size drawn from the answers the trace recorded on the same
 * route (the model or route the caller asked for): the last RING successful sizes before it,
 * or the trace's last RING on any route while its own route has none yet. A cut stream keeps
 * the larger of what it got and the draw.
 *
 * The draw is seeded by (seed, request index), and what is drawn from depends only on the rows
 * before, so the same trace and seed give the same sizes in every run and worker. Failed calls
 * before the trace's first MIN_SAMPLES successes wait for them (at most MAX_WAITING requests, then
 * they take what there is); a trace with no success at all leaves them as recorded.
 */
import { mix32 } from '../rng.js';
import type { TrafficRequest, TrafficStats } from './traffic-request.js';

const RING = 256;
const MIN_SAMPLES = 32;
const MAX_WAITING = 65_536;
/** Routes with a ring of their own; later routes draw from the trace's ring. */
const MAX_ROUTES = 4096;

class Ring {
  private readonly values = new Int32Array(RING);
  size = 0;
  private next = 0;

  push(v: number): void {
    this.values[this.next] = v;
    this.next = (this.next + 1) % RING;
    if (this.size < RING) this.size++;
  }

  draw(u: number): number {
    return this.values[u % this.size]!;
  }
}

type Writable = { -readonly [K in keyof TrafficRequest]: TrafficRequest[K] };

export class OutputImputer {
  private readonly routes = new Map<string, Ring>();
  private readonly all = new Ring();
  private seen = 0;
  private waitingRows: Writable[] = [];

  constructor(
    private readonly seed: number,
    private readonly stats: TrafficStats,
  ) {}

  /** Requests are held back (not yet sized) until enough answers are seen. */
  get waiting(): boolean {
    return this.waitingRows.length > 0;
  }

  /** Sees one request, in trace order: learns from an answer, sizes a failure (or holds it). */
  take(r: TrafficRequest): void {
    const rec = r.recorded;
    if (rec === undefined) return;
    if (rec.ok) {
      if (r.outputTokens > 0 && rec.tokens_estimated !== true) this.learn(r.route, r.outputTokens);
      return;
    }
    if (this.seen < MIN_SAMPLES) {
      this.waitingRows.push(r as Writable);
      if (this.waitingRows.length >= MAX_WAITING) this.release();
      return;
    }
    this.size(r as Writable);
  }

  /** The end of the trace (or of what is read of it): sizes every request still held. */
  end(): void {
    this.release();
  }

  private learn(route: string, n: number): void {
    let ring = this.routes.get(route);
    if (ring === undefined && this.routes.size < MAX_ROUTES) this.routes.set(route, (ring = new Ring()));
    ring?.push(n);
    this.all.push(n);
    this.seen++;
    if (this.seen === MIN_SAMPLES && this.waitingRows.length > 0) this.release();
  }

  private release(): void {
    const rows = this.waitingRows;
    this.waitingRows = [];
    if (this.all.size > 0) for (const r of rows) this.size(r);
  }

  private size(r: Writable): void {
    const own = this.routes.get(r.route);
    const from = own !== undefined && own.size > 0 ? own : this.all;
    if (from.size === 0) return;
    const drawn = from.draw(mix32(this.seed ^ Math.imul(r.index + 1, 0x85ebca6b)));
    if (drawn > r.outputTokens) {
      r.outputTokens = drawn;
      this.stats.imputedOutput++;
    }
  }
}
