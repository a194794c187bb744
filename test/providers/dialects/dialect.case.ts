/**
 * The conformance suite both wire dialects pass: each dialect's test file calls
 * describeDialect(dialect, fixturesDir, expectations) and then tests its own quirks.
 * Client half: every recorded fixture decodes and classifies as expected (streams also when split
 * at random byte offsets). Server half: what encodeResponse / encodeStream / encodeError write
 * decodes back to the same usage, finish reason, token count, kind, retryable flag and retry-after.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, KIND_RETRYABLE, KIND_STATUS, type ErrorKind } from '../../../src/providers/canonical.js';
import type { CallOutcome, Dialect, MockReply, StreamEvent, Usage } from '../../../src/providers/dialects/dialect.js';
import { summarizeStream } from '../../../src/providers/dialects/outcome.js';
import { formatMarker, readMarker } from '../../../src/providers/request-marker.js';
import { decodePieces, listFixtures, readHttpFixture, splitAtRandomBytes, splitEveryChar } from './wire-fixtures.js';

export type ResponseExpectation = Partial<CallOutcome> & { ok: boolean };

export interface StreamExpectation {
  tokens: number;
  usage?: Usage;
  /** 'done' with the finish reason, or the error kind the stream ends in. */
  end: { finishReason: string } | { kind: ErrorKind };
}

export interface DialectExpectations {
  /** Epoch ms used as "now" when classifying fixtures (HTTP-date retry-after). */
  nowMs: number;
  responses: Record<string, ResponseExpectation>;
  streams: Record<string, StreamExpectation>;
  /** The retry-after a client reads back from encodeError(kind, { retryAfterMs: ms, retryAfterShare: share }). */
  wireRetryAfter(kind: ErrorKind, ms: number, share: boolean): number | undefined;
  /** Kind of an in-band stream error when the plan names none. */
  inBandDefault: ErrorKind;
}

const REPLIES: MockReply[] = [
  { id: 'r-slow', model: 'm-1', inputTokens: 812, cachedTokens: 256, outputTokens: 120, ttftMs: 450, tokensPerMs: 0.04, finishReason: 'stop' },
  { id: 'r-fast', model: 'm-2', inputTokens: 9000, cachedTokens: 0, outputTokens: 333, ttftMs: 120.5, tokensPerMs: 0.35, finishReason: 'length' },
  { id: 'r-one', model: 'm-3', inputTokens: 1, cachedTokens: 0, outputTokens: 1, ttftMs: 80, tokensPerMs: 0.07, finishReason: 'stop' },
  { id: 'r-zero', model: 'm-4', inputTokens: 50, cachedTokens: 50, outputTokens: 0, ttftMs: 200, tokensPerMs: 0.07, finishReason: 'length' },
];
const usageOf = (r: MockReply): Usage => ({ input: r.inputTokens, output: r.outputTokens, cached: r.cachedTokens });
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

/** Decodes each SSE event separately, returning the decoded events per wire event. */
function perEvent(dialect: Dialect, data: readonly string[]): { decoded: StreamEvent[][]; end: StreamEvent[] } {
  const d = dialect.createStreamDecoder();
  return { decoded: data.map((x) => d.push(x)), end: d.end() };
}

function expectStream(events: StreamEvent[], want: StreamExpectation): void {
  const s = summarizeStream(events);
  expect(s.tokens).toBe(want.tokens);
  expect(s.sawFirstToken).toBe(want.tokens > 0);
  if (want.tokens > 0) expect(events.findIndex((e) => e.type === 'first-token')).toBeLessThan(events.findIndex((e) => e.type === 'tokens'));
  if ('kind' in want.end) {
    expect(s.outcome).toMatchObject({ ok: false, kind: want.end.kind, retryable: KIND_RETRYABLE[want.end.kind] });
    if (want.end.kind === 'truncated') expect(s.outcome.usage).toBeUndefined();
  } else {
    expect(s.outcome.finishReason).toBe(want.end.finishReason);
    expect(s.outcome.usage).toEqual(want.usage);
  }
  expect(events.filter((e) => e.type === 'done' || e.type === 'error')).toHaveLength(1);
  expect(events.at(-1)!.type).toMatch(/^(done|error)$/);
}

export function describeDialect(dialect: Dialect, fixturesDir: string, x: DialectExpectations): void {
  const files = listFixtures(fixturesDir);

  describe(`${dialect.name}: recorded fixtures`, () => {
    it('has an inline expectation for every fixture file, and a fixture for every expectation', () => {
      expect(files.responses).toEqual(Object.keys(x.responses).sort());
      expect(files.streams).toEqual(Object.keys(x.streams).sort());
    });

    it.each(files.responses)('%s decodes and classifies as expected', (file) => {
      const f = readHttpFixture(join(fixturesDir, file));
      const want = x.responses[file]!;
      const got = dialect.decodeResponse(f.status, f.headers, f.body, { nowMs: x.nowMs });
      expect(got).toMatchObject(want);
      if (!('retryAfterMs' in want)) expect(got.retryAfterMs).toBeUndefined();
      if (want.ok) return;
      expect(got.message).toBeTruthy();
      const c = dialect.classifyError(f.status, f.headers, f.body, x.nowMs);
      expect({ kind: c.kind, retryable: c.retryable, retryAfterMs: c.retryAfterMs }).toEqual({ kind: got.kind, retryable: got.retryable, retryAfterMs: got.retryAfterMs });
    });

    it.each(files.streams)('%s decodes whole, byte-split and char by char to the same events', (file) => {
      const text = readFileSync(join(fixturesDir, file), 'utf8');
      const whole = decodePieces(dialect, [text]);
      expectStream(whole, x.streams[file]!);
      for (const seed of SEEDS) expect(decodePieces(dialect, splitAtRandomBytes(text, seed)), `seed ${seed}`).toEqual(whole);
      expect(decodePieces(dialect, splitEveryChar(text))).toEqual(whole);
    });
  });

  describe(`${dialect.name}: client request`, () => {
    it('tags the request in headers and in the first user message, with a prompt of about inputTokens', () => {
      const fields = { request: 123, attempt: 2, run: 'ab12', inputTokens: 812, cachedTokens: 256, outputTokens: 120 };
      for (const stream of [false, true]) {
        const req = dialect.encodeRequest({ model: 'm', inputTokens: 812, cachedTokens: 256, maxOutputTokens: 400, outputTokens: 120, stream, marker: formatMarker(fields) });
        expect(req.path).toMatch(/^\/v1\//);
        expect(req.body.stream).toBe(stream);
        expect(JSON.stringify(req)).not.toMatch(/authorization|x-api-key|sk-/i);
        expect(readMarker(req.headers, {})).toEqual(fields);
        expect(readMarker({}, JSON.parse(JSON.stringify(req.body)))).toEqual(fields);
        const prompt = ((req.body.messages as { content: string }[])[0]!).content;
        expect(prompt.startsWith(formatMarker(fields))).toBe(true);
        expect(prompt.split(' ').length).toBeGreaterThan(812 * 0.9);
        expect(prompt.split(' ').length).toBeLessThan(812 * 1.05);
      }
    });
  });

  describe(`${dialect.name}: server half round-trips`, () => {
    it.each(REPLIES)('encodeResponse($id) decodes to its usage and finish reason', (r) => {
      const w = dialect.encodeResponse(r);
      expect(dialect.decodeResponse(w.status, w.headers, w.body)).toEqual({ ok: true, status: 200, retryable: false, usage: usageOf(r), finishReason: r.finishReason });
    });

    it.each(REPLIES)('encodeStream($id) decodes event by event and byte-split to its tokens, usage and terminator', (r) => {
      for (const minGapMs of [undefined, 0, 25]) {
        const s = dialect.encodeStream(r, minGapMs === undefined ? {} : { minGapMs });
        expect(s).toMatchObject({ status: 200, terminated: true, keepOpen: false });
        expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
        const times = s.events.map((e) => e.atMs);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(s.endMs).toBeCloseTo(r.ttftMs + r.outputTokens / r.tokensPerMs, 6);
        const { decoded, end } = perEvent(dialect, s.events.map((e) => e.data));
        expect(end).toEqual([]);
        const all = decoded.flat();
        expectStream(all, { tokens: r.outputTokens, usage: usageOf(r), end: { finishReason: r.finishReason } });
        // Chunk pacing: the first delta at TTFT, later ones at least minGap apart (one token each when tokens are slower).
        const deltas = s.events.filter((_, i) => decoded[i]!.some((e) => e.type === 'tokens'));
        const gap = minGapMs ?? 10;
        if (r.outputTokens > 0) expect(deltas[0]!.atMs).toBe(r.ttftMs);
        for (let i = 2; i < deltas.length; i++) expect(deltas[i]!.atMs - deltas[i - 1]!.atMs).toBeGreaterThanOrEqual(gap - 1e-9);
        if (1 / r.tokensPerMs >= gap) expect(deltas).toHaveLength(r.outputTokens);
        const text = s.events.map((e) => e.data).join('');
        for (const seed of SEEDS.slice(0, 4)) expect(decodePieces(dialect, splitAtRandomBytes(text, seed))).toEqual(all);
      }
      expect(dialect.encodeStream(r)).toEqual(dialect.encodeStream(r)); // pure
    });

    it('a truncated stream stops after N tokens without its terminator and decodes as truncated, usage unknown', () => {
      const r = REPLIES[0]!;
      const s = dialect.encodeStream(r, { truncate: { afterTokens: 5 } });
      expect(s).toMatchObject({ terminated: false, keepOpen: false });
      expect(s.endMs).toBeCloseTo(r.ttftMs + 5 / r.tokensPerMs, 6);
      const events = decodePieces(dialect, s.events.map((e) => e.data));
      expectStream(events, { tokens: 5, end: { kind: 'truncated' } });
      const late = dialect.encodeStream(r, { truncate: { afterTokens: 0, atMs: 30 } });
      expect(late.endMs).toBe(30);
      expectStream(decodePieces(dialect, late.events.map((e) => e.data)), { tokens: 0, end: { kind: 'truncated' } });
    });

    it('an in-band error after HTTP 200 decodes to its kind after the tokens already sent', () => {
      const r = REPLIES[1]!;
      for (const kind of [undefined, 'rate_limited', 'server_error', 'overloaded'] as const) {
        const s = dialect.encodeStream(r, { error: { afterTokens: 40, ...(kind ? { kind } : {}) } });
        expect(s.terminated).toBe(false);
        expectStream(decodePieces(dialect, s.events.map((e) => e.data)), { tokens: 40, end: { kind: kind ?? x.inBandDefault } });
      }
    });

    it('a stall delays later tokens; an endless one keeps the socket open without a terminator', () => {
      const r = REPLIES[0]!;
      const clean = dialect.encodeStream(r);
      const stalled = dialect.encodeStream(r, { stall: { afterTokens: 10, ms: 5000 } });
      expect(stalled.endMs).toBeCloseTo(clean.endMs + 5000, 6);
      expect(summarizeStream(decodePieces(dialect, stalled.events.map((e) => e.data))).outcome.ok).toBe(true);
      const idle = dialect.encodeStream(r, { stall: { afterTokens: 10, ms: Infinity } });
      expect(idle).toMatchObject({ terminated: false, keepOpen: true, endMs: Infinity });
      expectStream(decodePieces(dialect, idle.events.map((e) => e.data)), { tokens: 10, end: { kind: 'truncated' } });
      expect(() => dialect.encodeStream(r, { truncate: { afterTokens: 1 }, error: { afterTokens: 1 } })).toThrow(RangeError);
    });
  });

  describe(`${dialect.name}: encodeError round-trips through classifyError`, () => {
    const variants: { retryAfterMs?: number; retryAfterShare?: boolean }[] = [{}, { retryAfterMs: 3890 }, { retryAfterMs: 3890, retryAfterShare: false }, { retryAfterMs: 0 }];
    it.each(dialect.wireKinds)('%s', (kind) => {
      for (const v of variants) {
        const w = dialect.encodeError(kind, { requestId: 'req_abc', model: 'm-1', nowMs: Date.UTC(2025, 5, 2, 15, 14, 45), ...v });
        const canonical = KIND_STATUS[kind][dialect.name];
        expect(w.status).toBe(canonical === 0 ? 504 : canonical);
        const c = dialect.classifyError(w.status, w.headers, w.body, Date.UTC(2025, 5, 2, 15, 14, 45));
        const retryAfter = v.retryAfterMs !== undefined && w.status >= 400 ? x.wireRetryAfter(kind, v.retryAfterMs, v.retryAfterShare ?? true) : undefined;
        expect({ kind: c.kind, retryable: c.retryable, retryAfterMs: c.retryAfterMs }, JSON.stringify(v)).toEqual({ kind, retryable: KIND_RETRYABLE[kind], retryAfterMs: retryAfter });
        expect(dialect.decodeResponse(w.status, w.headers, w.body)).toMatchObject({ ok: false, kind });
      }
    });

    it('refuses kinds that have no HTTP response of their own', () => {
      for (const kind of ERROR_KINDS.filter((k) => !dialect.wireKinds.includes(k))) expect(() => dialect.encodeError(kind, { requestId: 'r', model: 'm' })).toThrow(RangeError);
    });
  });
}
