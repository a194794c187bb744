/**
 * Portkey logs each target a fallback chain tried as its own log, all with the request's
 * `trace_id` (https://portkey.ai/docs/product/ai-gateway/fallbacks, "Tracing Fallback Requests":
 * filter by trace ID to see all attempts for a single request). This stage, on the rows already
 * in arrival order, folds such logs back into one request whose `recorded.attempts` are the logs
 * in order, the same row shape as OpenRouter's `provider_responses`.
 *
 * A trace id alone does not make a chain: an app may give one trace id to every call of a
 * workflow (https://portkey.ai/docs/product/observability/traces). A log joins the chain of its
 * trace only while that chain's last attempt failed (a fallback goes on only after a failure),
 * the log is not in `SINGLE` mode, and its `last_used_option_index` (when both give one) is past
 * the previous attempt's. Only chains whose last attempt failed are held, and only within the
 * reorder window (measured from the chain's first log) and its row bound: memory stays bounded.
 * A chain cut by the window is passed on as it stands; a later log of its trace starts a request
 * of its own, tagged `portkey_chain: split` so the cut can be counted.
 */
import type { SourcedRow, TraceRow } from '../trace-formats.js';
import type { RecordedAttempt, RecordedOutcome, Tags } from '../traffic-request.js';
import { REORDER_CAPACITY, REORDER_WINDOW_MS } from './reorder.js';

/**
 * The outcomes of logs that gave a cost routebench cannot use (a negative one, portkey.ts): a
 * chain with one of them has no known cost, where the sum of its other logs would understate it.
 */
export const costUnknown = new WeakSet<RecordedOutcome>();

/** Logs of one trace waiting for the next target of their fallback. */
class Chain {
  open = true;
  readonly rows: TraceRow[];
  constructor(
    readonly traceId: string,
    readonly lineNo: number,
    first: TraceRow,
  ) {
    this.rows = [first];
  }
}

type Entry = SourcedRow | Chain;

const option = (r: TraceRow): number | undefined => {
  const o = r.tags?.portkey_option;
  return o === undefined || o === '' || !/^\d+$/.test(o) ? undefined : Number(o);
};

/** A failed log with a trace id, not in SINGLE mode: its fallback may follow. */
const starts = (row: TraceRow | string): boolean =>
  typeof row !== 'string' && row.recorded !== undefined && !row.recorded.ok && row.recorded.trace_id !== undefined && row.recorded.cache_hit !== true && row.tags?.portkey_mode !== 'SINGLE';

export class ChainMerger {
  private q: Entry[] = [];
  private head = 0;
  private readonly open = new Map<string, Chain>();
  /** Traces whose chain the window cut (the most recent ones, bounded). */
  private readonly cut = new Set<string>();

  constructor(
    private readonly windowMs = REORDER_WINDOW_MS,
    private readonly capacity = REORDER_CAPACITY,
  ) {}

  /**
   * A batch of rows in arrival order: the rows now complete, in order. While nothing is held and
   * no row of the batch could start a chain (the usual batch), that is the batch itself.
   */
  pass(rows: SourcedRow[]): SourcedRow[] {
    let i = 0;
    if (this.head === this.q.length && this.open.size === 0) {
      if (this.cut.size === 0) while (i < rows.length && !starts(rows[i]!.row)) i++;
      else while (i < rows.length && !starts(rows[i]!.row) && !this.cutOf(rows[i]!.row)) i++;
      if (i === rows.length) return rows;
    }
    const out = rows.slice(0, i);
    for (; i < rows.length; i++) this.push(rows[i]!, out);
    return out;
  }

  /** Adds a row (rows come in arrival order); rows now complete are appended to `out`, in order. */
  push(s: SourcedRow, out: SourcedRow[]): void {
    const row = s.row;
    const idle = this.head === this.q.length;
    if (typeof row === 'string') {
      if (idle) out.push(s);
      else this.q.push(s);
      return;
    }
    if (!idle) this.release(row.timeMs, out);
    const rec = row.recorded;
    const id = rec?.trace_id;
    if (id !== undefined) {
      const c = this.open.size === 0 ? undefined : this.open.get(id);
      if (c !== undefined && this.joins(c, row)) {
        c.rows.push(row);
        if (rec!.ok) this.close(c);
        this.release(row.timeMs, out);
        return;
      }
      if (this.cut.size > 0 && this.cut.delete(id)) row.tags = { ...row.tags, portkey_chain: 'split' } as Tags;
      if (starts(row)) {
        if (c !== undefined) this.close(c);
        const chain = new Chain(id, s.lineNo, row);
        this.open.set(id, chain);
        this.q.push(chain);
        return;
      }
    }
    if (this.head === this.q.length) out.push(s);
    else this.q.push(s);
  }

  /** Everything held, in order (at the end of the file: a chain still open is complete as it stands). */
  flush(out: SourcedRow[]): void {
    while (this.head < this.q.length) this.emit(out);
    this.open.clear();
  }

  private cutOf(row: TraceRow | string): boolean {
    const id = typeof row === 'string' ? undefined : row.recorded?.trace_id;
    return id !== undefined && this.cut.has(id);
  }

  private joins(c: Chain, row: TraceRow): boolean {
    if (row.tags?.portkey_mode === 'SINGLE') return false;
    const prev = option(c.rows[c.rows.length - 1]!);
    const next = option(row);
    return prev === undefined || next === undefined || next > prev;
  }

  private close(c: Chain): void {
    c.open = false;
    if (this.open.get(c.traceId) === c) this.open.delete(c.traceId);
  }

  /** Passes on the head while it is complete, or past the window of `now`, or over the row bound. */
  private release(now: number, out: SourcedRow[]): void {
    while (this.head < this.q.length) {
      const e = this.q[this.head]!;
      if (e instanceof Chain && e.open) {
        if (!(now - e.rows[0]!.timeMs > this.windowMs || this.q.length - this.head > this.capacity)) return;
        this.close(e);
        this.cut.add(e.traceId);
        if (this.cut.size > this.capacity) this.cut.delete(this.cut.values().next().value!);
      }
      this.emit(out);
    }
  }

  private emit(out: SourcedRow[]): void {
    const e = this.q[this.head++]!;
    out.push(e instanceof Chain ? { lineNo: e.lineNo, row: merged(e.rows) } : e);
    if (this.head === this.q.length) {
      this.q.length = 0;
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
  }
}

/** A log's one attempt: its outcome. */
function attemptOf(rec: RecordedOutcome): RecordedAttempt {
  const a: RecordedAttempt = { target: rec.target ?? 'unknown', status: rec.status ?? 0 };
  if (rec.latency_ms !== undefined) a.latency_ms = rec.latency_ms;
  if (rec.error_kind !== undefined) a.error_kind = rec.error_kind;
  return a;
}

/**
 * One request from the logs of a chain: arrival, id and stream flag of the first log; the
 * outcome, target, model (route), dialect and tokens of the last, which answered (its input count,
 * else the largest another log gives), so that a calibration sees each target with its own
 * model; latency, cost and retries summed (the cost unknown when a log's is: costUnknown); tags
 * merged in order; the attempts in order.
 */
export function merged(rows: TraceRow[]): TraceRow {
  if (rows.length === 1) return rows[0]!;
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const attempts: RecordedAttempt[] = [];
  let latency: number | undefined = 0;
  let cost: number | undefined;
  let unknownCost = false;
  let retries = 0;
  let input = 0;
  let tags: Record<string, string> | undefined;
  for (const r of rows) {
    const rec = r.recorded!;
    if (Array.isArray(rec.attempts)) attempts.push(...rec.attempts);
    else if (rec.attempts !== 0) attempts.push(attemptOf(rec));
    latency = latency === undefined || rec.latency_ms === undefined ? undefined : latency + rec.latency_ms;
    if (rec.cost_usd !== undefined) cost = (cost ?? 0) + rec.cost_usd;
    else if (costUnknown.has(rec)) unknownCost = true;
    retries += rec.retries ?? 0;
    if (r.inputTokens > input) input = r.inputTokens;
    if (r.tags !== undefined) tags = { ...tags, ...r.tags };
  }
  if (last.inputTokens > 0) input = last.inputTokens;
  const recorded: RecordedOutcome = { ...last.recorded!, attempts };
  if (latency === undefined) delete recorded.latency_ms;
  else recorded.latency_ms = Math.round(latency * 1000) / 1000;
  if (cost === undefined || unknownCost) delete recorded.cost_usd;
  else recorded.cost_usd = Math.round(cost * 1e9) / 1e9;
  if (retries > 0) recorded.retries = retries;
  if (rows.some((r) => r.recorded!.tokens_estimated !== true)) delete recorded.tokens_estimated;
  return {
    timeMs: first.timeMs,
    id: first.id,
    route: last.route,
    inputTokens: input,
    outputTokens: last.outputTokens,
    cachedTokens: 0,
    stream: first.stream,
    tags: tags as Tags | undefined,
    dialect: last.dialect,
    recorded,
    // the client's prompt, as its first log's request body holds it
    promptDlp: rows.find((r) => r.promptDlp !== undefined)?.promptDlp,
  };
}
