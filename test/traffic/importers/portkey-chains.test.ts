import { describe, expect, it } from 'vitest';
import { ChainMerger } from '../../../src/traffic/importers/portkey-chains.js';
import type { SourcedRow, TraceRow } from '../../../src/traffic/trace-formats.js';

/** A Portkey log as the importer turns it into a row: one attempt, its outcome. */
const log = (timeMs: number, trace: string | undefined, status: number, target: string, option?: number, mode = 'FALLBACK'): TraceRow => ({
  timeMs, id: `${trace}@${timeMs}`, route: 'm', inputTokens: 10, outputTokens: status === 200 ? 5 : 0, cachedTokens: 0,
  tags: option === undefined ? { portkey_mode: mode } : { portkey_mode: mode, portkey_option: String(option) },
  recorded: { ok: status === 200, status, latency_ms: 100, target, attempts: 1, ...(trace === undefined ? {} : { trace_id: trace }) },
});

function run(m: ChainMerger, rows: TraceRow[], each?: (pushed: number, out: SourcedRow[]) => void): SourcedRow[] {
  const out: SourcedRow[] = [];
  rows.forEach((row, i) => {
    m.push({ lineNo: i + 1, row }, out);
    each?.(i + 1, out);
  });
  m.flush(out);
  return out;
}

const summary = (out: SourcedRow[]) =>
  out.map(({ lineNo, row }) => {
    const r = row as TraceRow;
    const a = r.recorded!.attempts!;
    return [lineNo, r.timeMs, typeof a === 'number' ? a : a.map((x) => `${x.target}:${x.status}`)];
  });

describe('ChainMerger (Portkey fallback chains)', () => {
  it('holds a chain at most its window from the first log, and at most `capacity` rows: a cut chain goes on as separate requests', () => {
    const m = new ChainMerger(1000, 3);
    const held: number[] = [];
    const out = run(
      m,
      [
        log(0, 't1', 503, 'a', 0),
        log(10, 'x1', 200, 'a'),
        log(20, 'x2', 200, 'a'),
        log(30, 'x3', 200, 'a'),
        // a 4th row behind the open chain exceeds the bound of 3: the chain goes out as it stands
        log(40, 't1', 200, 'b', 1),
        log(2000, 't2', 429, 'a', 0),
        // 1001 ms after t2's first log: past the window
        log(3001, 't2', 200, 'b', 1),
      ],
      (pushed, o) => held.push(pushed - o.length),
    );
    expect(Math.max(...held)).toBeLessThanOrEqual(3 + 1);
    expect(summary(out)).toEqual([
      [1, 0, 1],
      [2, 10, 1],
      [3, 20, 1],
      [4, 30, 1],
      [5, 40, 1],
      [6, 2000, 1],
      [7, 3001, 1],
    ]);
    // the logs that continued a cut chain are tagged, so the cuts can be counted
    expect(out.map((s) => (s.row as TraceRow).tags?.portkey_chain)).toEqual([undefined, undefined, undefined, undefined, 'split', undefined, 'split']);
  });

  it('joins only after a failure, in non-SINGLE mode, with a higher option index; order kept around a held chain', () => {
    const m = new ChainMerger(60_000, 1000);
    const out = run(m, [
      log(0, 'w', 200, 'a', undefined, 'SINGLE'),
      // same trace after a success: a workflow's next call, not a fallback
      log(5, 'w', 500, 'a', 0),
      log(6, 'other', 200, 'c', undefined, 'SINGLE'),
      // same trace, but option 0 again: not the next target of the chain at 5
      log(7, 'w', 502, 'b', 0),
      log(8, 'w', 200, 'c', 1),
      log(9, 'w', 200, 'd', 2, 'SINGLE'),
      log(10, undefined, 503, 'a', 0),
      'a malformed line',
    ] as TraceRow[]);
    expect(summary(out.filter((s) => typeof s.row !== 'string'))).toEqual([
      [1, 0, 1],
      [2, 5, 1],
      [3, 6, 1],
      [4, 7, ['b:502', 'c:200']],
      [6, 9, 1],
      [7, 10, 1],
    ]);
    expect(out[out.length - 1]).toEqual({ lineNo: 8, row: 'a malformed line' });
  });
});
