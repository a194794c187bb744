import { describe, expect, it } from 'vitest';
import { ErrorKindCode } from '../../src/providers/canonical.js';
import { compileIncident } from '../../src/providers/mock/incident-timeline.js';
import { MockTarget, newDraw } from '../../src/providers/mock/mock-model.js';
import { profiles, type MockBehaviour } from '../../src/providers/mock/profiles.js';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';

const req = (index: number, over: Partial<TrafficRequest> = {}): TrafficRequest => ({
  index,
  arrivalMs: 0,
  route: 'r',
  inputTokens: 0,
  cachedTokens: 0,
  outputTokens: 200,
  stream: true,
  tags: {},
  ...over,
});

function quantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function sample(b: MockBehaviour, n: number, pick: (d: ReturnType<typeof newDraw>) => number, incidents = [] as ReturnType<typeof compileIncident>[], at = 0) {
  const m = new MockTarget(b, incidents, 123, 'openai');
  const d = newDraw();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    m.draw(req(i), 0, at, 0, d);
    out.push(pick(d));
  }
  return out;
}

describe('mock model', () => {
  const base: MockBehaviour = { ...profiles.typical!.behaviour, errors: {}, prefillTokensPerS: 1e12 };

  it('TTFT has the configured p50 and p99', () => {
    const t = sample({ ...base, ttftMs: { p50: 400, p99: 4000 } }, 50_000, (d) => d.firstTokenMs).sort((a, b) => a - b);
    expect(quantile(t, 0.5)).toBeGreaterThan(400 * 0.97);
    expect(quantile(t, 0.5)).toBeLessThan(400 * 1.03);
    expect(quantile(t, 0.99)).toBeGreaterThan(4000 * 0.9);
    expect(quantile(t, 0.99)).toBeLessThan(4000 * 1.1);
  });

  it('tokens/s p99 is the slow tail: 1% of responses stream slower', () => {
    const tps = sample({ ...base, tokensPerS: { p50: 80, p99: 20 } }, 50_000, (d) => d.tokensPerMs * 1000).sort((a, b) => a - b);
    expect(quantile(tps, 0.5)).toBeGreaterThan(80 * 0.97);
    expect(quantile(tps, 0.5)).toBeLessThan(80 * 1.03);
    expect(quantile(tps, 0.01)).toBeGreaterThan(20 * 0.9);
    expect(quantile(tps, 0.01)).toBeLessThan(20 * 1.1);
  });

  it('prefill adds input tokens / prefill rate to TTFT, and cached tokens skip it', () => {
    const m = new MockTarget({ ...base, ttftMs: { p50: 100, p99: 100 }, prefillTokensPerS: 10_000 }, [], 1, 'openai');
    const d = newDraw();
    m.draw(req(0, { inputTokens: 5000 }), 0, 0, 0, d);
    expect(d.firstTokenMs).toBeCloseTo(600, 6);
    m.draw(req(0, { inputTokens: 5000, cachedTokens: 4000 }), 0, 0, 0, d);
    expect(d.firstTokenMs).toBeCloseTo(200, 6);
  });

  it('error kinds occur at their configured rates (3 sigma)', () => {
    const n = 100_000;
    const kinds = sample({ ...base, errors: { server_error: 0.05, overloaded: 0.02, truncated: 0.01 } }, n, (d) => d.kind);
    const share = (k: number) => kinds.filter((x) => x === k).length / n;
    for (const [k, p] of [
      [ErrorKindCode.server_error, 0.05],
      [ErrorKindCode.overloaded, 0.02],
      [ErrorKindCode.truncated, 0.01],
    ] as const)
      expect(Math.abs(share(k) - p)).toBeLessThan(3 * Math.sqrt((p * (1 - p)) / n));
  });

  it('Anthropic overload is a 529, OpenAI overload a 503', () => {
    const b = { ...base, errors: { overloaded: 1 } };
    const d = newDraw();
    new MockTarget(b, [], 1, 'anthropic').draw(req(0), 0, 0, 0, d);
    expect(d.status).toBe(529);
    new MockTarget(b, [], 1, 'openai').draw(req(0), 0, 0, 0, d);
    expect(d.status).toBe(503);
  });

  it('incident strength ramps linearly', () => {
    const inc = compileIncident({ kind: 'outage', startMs: 0, durationMs: 100_000, rampUpMs: 50_000 }, 0);
    const rate = (at: number) => sample(base, 20_000, (d) => (d.kind >= 0 ? 1 : 0), [inc], at).reduce((a, b) => a + b, 0) / 20_000;
    expect(Math.abs(rate(25_000) - 0.5)).toBeLessThan(0.02);
    expect(rate(75_000)).toBe(1);
    expect(rate(100_000)).toBe(0);
  });

  it('max_in_flight refuses extra concurrent requests as overloaded', () => {
    const m = new MockTarget({ ...base, maxInFlight: 2 }, [], 1, 'anthropic');
    const d = newDraw();
    m.draw(req(0), 0, 0, 1, d);
    expect(d.kind).toBe(-1);
    m.draw(req(1), 0, 0, 2, d);
    expect(d.kind).toBe(ErrorKindCode.overloaded);
  });

  it('requests over the context window fail with context_length (400)', () => {
    const m = new MockTarget(base, [], 1, 'openai', 8000);
    const d = newDraw();
    m.draw(req(0, { inputTokens: 9000 }), 0, 0, 0, d);
    expect([d.kind, d.status]).toEqual([ErrorKindCode.context_length, 400]);
  });
});
