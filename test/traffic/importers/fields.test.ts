import { describe, expect, it } from 'vitest';
import { parseAzureTimestamp } from '../../../src/traffic/csv.js';
import { classifyError, fastIso, isoMs, unixNanoMs } from '../../../src/traffic/importers/fields.js';
import { Reorder } from '../../../src/traffic/importers/reorder.js';
import type { SourcedRow, TraceRow } from '../../../src/traffic/trace-formats.js';

describe('ISO times', () => {
  it('the fast path agrees with the general parser (a second implementation) on 20,000 generated times', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pad = (v: number, w: number) => String(v).padStart(w, '0');
    const offsets = ['', 'Z', '+00:00', '-05:30', '+0930', '+02', '-00:00'];
    for (let k = 0; k < 20_000; k++) {
      const fracDigits = rnd(10);
      const text = `${pad(1990 + rnd(60), 4)}-${pad(1 + rnd(12), 2)}-${pad(1 + rnd(28), 2)}${rnd(2) ? 'T' : ' '}${pad(rnd(24), 2)}:${pad(rnd(60), 2)}:${pad(rnd(60), 2)}${fracDigits ? `.${pad(rnd(10 ** fracDigits), fracDigits)}` : ''}${offsets[rnd(offsets.length)]}`;
      const general = parseAzureTimestamp(text);
      expect(general, text).toBeDefined();
      expect(fastIso(text), text).toBe(general);
    }
  });

  it('the fast path gives Date.parse\'s ms on 30,000 times in runs that share a minute, a day, or nothing (its minute cache)', () => {
    let seed = 777;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pad = (v: number, w: number) => String(v).padStart(w, '0');
    let checked = 0;
    let base = Date.UTC(2026, 1, 28, 23, 58);
    while (checked < 30_000) {
      // the next run: the same minute, a later minute (also across midnight, months, years), or anywhere
      const jump = rnd(4);
      base = jump === 0 ? base : jump === 1 ? base + 60_000 * (1 + rnd(3)) : jump === 2 ? base + 86_400_000 * (1 + rnd(400)) : Date.UTC(1990 + rnd(60), rnd(12), 1 + rnd(28), rnd(24), rnd(60));
      for (let k = 0; k < 1 + rnd(8); k++, checked++) {
        // one instant, written in a zone: local wall clock = UTC + offset
        const offsetMin = [0, 0, 60, -330, 570, -480, 345][rnd(7)]!;
        const utcMs = base + rnd(60) * 1000 - offsetMin * 60_000 * (rnd(3) === 0 ? 0 : 1) + rnd(1000);
        const wall = new Date(utcMs + offsetMin * 60_000);
        const fracDigits = rnd(10);
        const fracText = fracDigits === 0 ? '' : `.${(pad(wall.getUTCMilliseconds(), 3) + pad(rnd(1_000_000), 6)).slice(0, fracDigits)}`;
        const sign = offsetMin < 0 ? '-' : '+';
        const hh = pad(Math.floor(Math.abs(offsetMin) / 60), 2);
        const mm = pad(Math.abs(offsetMin) % 60, 2);
        const day = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}`;
        const clock = `${pad(wall.getUTCHours(), 2)}:${pad(wall.getUTCMinutes(), 2)}:${pad(wall.getUTCSeconds(), 2)}${fracText}`;
        // the form a log writes, and the same instant in the ISO form Date.parse reads ('T', colon offset)
        const form = rnd(5);
        const zone = form === 0 ? (offsetMin === 0 ? 'Z' : `${sign}${hh}:${mm}`) : form === 1 ? `${sign}${hh}:${mm}` : form === 2 ? `${sign}${hh}${mm}` : form === 3 && mm === '00' ? `${sign}${hh}` : offsetMin === 0 ? '' : `${sign}${hh}:${mm}`;
        const text = `${day}${rnd(2) ? 'T' : ' '}${clock}${zone}`;
        const iso = `${day}T${clock}${zone === '' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
        const parsed = Date.parse(iso);
        expect(Number.isNaN(parsed), iso).toBe(false);
        const fast = fastIso(text);
        // Date.parse keeps whole ms; the fast path also the digits past them (to the double's precision, ~0.25 µs at 2e12 ms)
        if (fracDigits <= 3) expect(fast, text).toBe(parsed);
        else expect(Math.abs(fast! - parsed - Number(`0.${fracText.slice(4)}`)), text).toBeLessThan(0.001);
      }
    }
  });

  it('hands what it does not read to the general parser, which refuses non-times', () => {
    for (const bad of ['2026-02-30T10:00:00Z', '2026-13-01 10:00:00', '2026-03-01T24:00:00', '2026-03-01T10:00:00.', '2026-03-01T10:00:00.1234567890Z', '2026-03-01T10:00:00+24:00', '2026-03-01T10:00:00Zx', 'yesterday', '']) {
      expect(fastIso(bad), bad).toBeUndefined();
      expect(isoMs(bad), bad).toBeUndefined();
    }
    expect(isoMs('2026-03-01T10:00:00.5+01:00')).toBe(Date.UTC(2026, 2, 1, 9) + 500);
  });

  it('unix nanoseconds keep the ms part exact beyond 2^53 ns', () => {
    expect(unixNanoMs('1772359201234567891')).toBe(1772359201234 + 0.567891);
    expect(unixNanoMs(1772359201000000000)).toBe(1772359201000);
    expect(unixNanoMs('12')).toBe(0.000012);
    expect(unixNanoMs('-1')).toBeUndefined();
  });
});

describe('error classification', () => {
  it('reads an HTTP status, or the status an SDK exception class stands for', () => {
    expect(classifyError(429)).toEqual({ status: 429, kind: 'rate_limited' });
    expect(classifyError(429, 'insufficient_quota', 'insufficient_quota', 'You exceeded your current quota')).toEqual({ status: 429, kind: 'quota_exhausted' });
    expect(classifyError(undefined, 'openai.RateLimitError')).toEqual({ status: 429, kind: 'rate_limited' });
    expect(classifyError(undefined, 'litellm.ContextWindowExceededError')).toEqual({ status: 400, kind: 'context_length' });
    expect(classifyError(undefined, 'APIConnectionError')).toEqual({ status: 0, kind: 'connection_reset' });
    expect(classifyError(undefined, 'anthropic.OverloadedError')).toEqual({ status: 529, kind: 'overloaded' });
    expect(classifyError(undefined, '_OTHER')).toEqual({ status: 0, kind: 'server_error' });
  });
});

const row = (timeMs: number): TraceRow => ({ timeMs, inputTokens: 0, outputTokens: 0, cachedTokens: 0 });

describe('reorder buffer', () => {
  it('holds at most `capacity` rows; a row older than one passed on is reported, not placed', () => {
    const r = new Reorder(60_000, 3);
    const out: SourcedRow[] = [];
    for (const [t, line] of [[50, 1], [10, 2], [40, 3], [30, 4]] as const) r.push(row(t), line, out);
    // four rows, capacity 3: the earliest (10) had to go
    expect(out).toEqual([{ lineNo: 2, row: row(10) }]);
    r.push(row(5), 5, out);
    expect(out[1]).toEqual({ lineNo: 5, row: 'starts at 1970-01-01T00:00:00.005Z, 0.005 s before a row already passed on: the file is out of time order by more than the 1-minute reorder window; sort it by start time first' });
    r.push(row(30), 6, out); // ties keep file order
    r.flush(out);
    expect(out.slice(2).map((o) => [(o.row as TraceRow).timeMs, o.lineNo])).toEqual([[30, 4], [30, 6], [40, 3], [50, 1]]);
  });

  it('passes rows on once the newest start is a window past them', () => {
    const r = new Reorder(100, 1000);
    const out: SourcedRow[] = [];
    r.push(row(0), 1, out);
    r.push(row(100), 2, out);
    expect(out.map((o) => o.lineNo)).toEqual([1]);
    r.push(row(150), 3, out);
    expect(out.map((o) => o.lineNo)).toEqual([1]);
    r.push(row(200), 4, out);
    expect(out.map((o) => o.lineNo)).toEqual([1, 2]);
  });
});

describe('reorder buffer against a sort', () => {
  it('gives a stable sort by start of 5,000 jittered rows when none is later than the window', () => {
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const input = Array.from({ length: 5000 }, (_, i) => ({ t: Math.round(i * 10 + (rnd() - 0.5) * 400), line: i + 1 }));
    const r = new Reorder(1000, 100_000);
    const out: SourcedRow[] = [];
    for (const x of input) r.push(row(x.t), x.line, out);
    r.flush(out);
    const expected = [...input].sort((a, b) => a.t - b.t).map((x) => [x.t, x.line]);
    expect(out.map((o) => [(o.row as TraceRow).timeMs, o.lineNo])).toEqual(expected);
  });

  it('with a small capacity: what it passes on is in order, and every row is passed on or reported', () => {
    let seed = 11;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const r = new Reorder(60_000, 50);
    const out: SourcedRow[] = [];
    for (let i = 0; i < 3000; i++) r.push(row(i * 10 + Math.round(rnd() * 2000)), i + 1, out);
    r.flush(out);
    const passed = out.filter((o) => typeof o.row !== 'string').map((o) => (o.row as TraceRow).timeMs);
    expect(passed.every((t, i) => i === 0 || t >= passed[i - 1]!)).toBe(true);
    expect(out).toHaveLength(3000);
    expect(new Set(out.map((o) => o.lineNo)).size).toBe(3000);
    expect(out.length - passed.length).toBeGreaterThan(0);
  });
});

describe('reorder buffer: in-order rows (the queue) and late ones (the heap)', () => {
  const run = (rows: { t: number; line: number }[], windowMs: number, capacity: number) => {
    const r = new Reorder(windowMs, capacity);
    const out: SourcedRow[] = [];
    for (const x of rows) r.push(row(x.t), x.line, out);
    r.flush(out);
    return out.map((o) => (typeof o.row === 'string' ? [o.row, o.lineNo] : [(o.row as TraceRow).timeMs, o.lineNo]));
  };

  it('a sorted file and the same rows jittered within the window give the same rows, in the same order (20,000 rows, through the queue\'s compaction)', () => {
    let seed = 5;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    // distinct times 10 ms apart; every 7th row is written up to 40 rows late (< the 1 s window)
    const sorted = Array.from({ length: 20_000 }, (_, i) => ({ t: i * 10, line: 0 }));
    const jittered = sorted.map((x) => ({ ...x, key: x.t + (x.t % 70 === 0 ? Math.floor(rnd() * 400) : 0) })).sort((a, b) => a.key - b.key);
    const withLines = (rows: { t: number }[]) => rows.map((x, i) => ({ t: x.t, line: i + 1 }));
    const a = run(withLines(sorted), 1000, 100_000);
    const b = run(withLines(jittered), 1000, 100_000);
    expect(a.map((x) => x[0])).toEqual(sorted.map((x) => x.t));
    expect(b.map((x) => x[0])).toEqual(sorted.map((x) => x.t));
    // and each row keeps its own line: the oracle is a stable sort of the jittered file
    expect(b).toEqual(withLines(jittered).sort((x, y) => x.t - y.t).map((x) => [x.t, x.line]));
  });

  it('a row later than the window after a sorted stretch is still reported, and the rows around it still pass', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ t: i * 10, line: i + 1 }));
    rows.splice(9000, 0, { t: 50, line: 99_999 }); // after the row at 89.99 s; window 60 s, so 29.99 s was the last passed on
    const out = run(rows, 60_000, 100_000);
    expect(out.filter((x) => typeof x[0] === 'string')).toEqual([
      ['starts at 1970-01-01T00:00:00.050Z, 29.940 s before a row already passed on: the file is out of time order by more than the 1-minute reorder window; sort it by start time first', 99_999],
    ]);
    expect(out.filter((x) => typeof x[0] === 'number').map((x) => x[0])).toEqual(Array.from({ length: 10_000 }, (_, i) => i * 10));
  });
});
