import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_GAP_MS, type MockReply } from '../../../src/providers/dialects/dialect.js';
import { formatGoDuration, parseGoDuration, rfc3339 } from '../../../src/providers/dialects/header-values.js';
import { readRetryAfter } from '../../../src/providers/dialects/retry-after.js';
import { SseParser } from '../../../src/providers/dialects/sse.js';
import { scheduleStream } from '../../../src/providers/dialects/stream-schedule.js';
import { synthPrompt, TokenCounter } from '../../../src/providers/dialects/synth-text.js';

describe('Go durations', () => {
  it('formats like Go and parses back', () => {
    const cases: [number, string][] = [[0, '0s'], [12, '12ms'], [1000, '1s'], [3890, '3.89s'], [17_552, '17.552s'], [90_000, '1m30s'], [360_000, '6m0s'], [3_600_000, '1h0m0s'], [3_723_500, '1h2m3.5s']];
    for (const [ms, text] of cases) {
      expect(formatGoDuration(ms)).toBe(text);
      expect(parseGoDuration(text)).toBe(ms);
    }
    expect(parseGoDuration('1.005s')).toBe(1005);
    expect(parseGoDuration('soon')).toBeNaN();
    expect(rfc3339(Date.UTC(2024, 2, 26, 20, 0, 0, 999))).toBe('2024-03-26T20:00:00Z');
  });
});

describe('readRetryAfter', () => {
  it('skips a date-valued retry-after when no clock is given, and says where the wait came from', () => {
    expect(readRetryAfter({ 'retry-after': 'Tue, 26 Mar 2024 20:00:00 GMT' }, '', undefined, 60_000)).toBeUndefined();
    expect(readRetryAfter({ 'retry-after': 'Tue, 26 Mar 2024 20:00:00 GMT' }, '', Date.UTC(2024, 2, 26, 19, 59, 59), 60_000)).toEqual({ ms: 1000, clamped: false, source: 'retry-after' });
    expect(readRetryAfter({}, 'Please try again in 3.89s.', 0, 60_000)).toEqual({ ms: 3890, clamped: false, source: 'message' });
    expect(readRetryAfter({ 'retry-after': ['2', '9'] }, '', 0, 60_000)?.ms).toBe(2000);
  });
});

describe('SseParser', () => {
  it('handles CR, CRLF split across pushes, comments, multi-line data and a missing final blank line', () => {
    const p = new SseParser();
    const out = [...p.push('\uFEFFevent: a\r'), ...p.push('\ndata: 1\r\n'), ...p.push('\r\n: keep-alive\n\ndata:x\ndata: y\n\nda'), ...p.push('ta: z\n')];
    expect(out).toEqual([{ event: 'a', data: '1' }, { event: '', data: 'x\ny' }]);
    expect(p.end()).toEqual([{ event: '', data: 'z' }]);
    const cut = new SseParser();
    expect(cut.push('data: {"partial')).toEqual([]);
    expect(cut.end()).toEqual([]);
  });
});

describe('stream schedule (chunking rule)', () => {
  const reply = (tokensPerMs: number, outputTokens = 100): MockReply => ({ id: 'x', model: 'm', inputTokens: 1, cachedTokens: 0, outputTokens, ttftMs: 300, tokensPerMs, finishReason: 'stop' });

  it('one token per delta while tokens are ≥ minGapMs apart, else ceil(minGap · rate) per delta', () => {
    expect(scheduleStream(reply(1 / DEFAULT_MIN_GAP_MS)).deltas).toHaveLength(100);
    const fast = scheduleStream(reply(0.35)); // 2.86 ms per token → 4 per delta
    expect(fast.deltas[0]).toEqual({ atMs: 300, from: 0, to: 1 });
    expect(fast.deltas.slice(1, -1).every((d) => d.to - d.from === 4)).toBe(true);
    expect(fast.deltas.at(-1)!.to).toBe(100);
    expect(fast.deltas.at(-1)!.to - fast.deltas.at(-1)!.from).toBeLessThan(8);
    expect(fast.endMs).toBeCloseTo(300 + 100 / 0.35, 9);
  });

  it('never lets a delta straddle a stall', () => {
    const s = scheduleStream(reply(0.35), { stall: { afterTokens: 10, ms: 1000 } });
    expect(s.deltas.some((d) => d.from < 10 && d.to > 10)).toBe(false);
    expect(s.deltas.find((d) => d.from === 10)!.atMs).toBeGreaterThanOrEqual(1300);
  });
});

describe('synthetic text', () => {
  it('pads the prompt to about the requested tokens and counts mock words as tokens', () => {
    expect(synthPrompt('M', 5)).toBe('M');
    expect(synthPrompt('M', 1000).split(' ')).toHaveLength(1 + 1000 - 8 - 1);
    const c = new TokenCounter();
    expect([c.count('Hel'), c.count('lo'), c.count(' wor'), c.count('ld! two'), c.count(''), c.count(' ')]).toEqual([1, 1, 1, 1, 0, 1]);
  });
});
