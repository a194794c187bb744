/**
 * Named mock behaviour profiles. A target's `mock:` block picks one and overrides fields.
 * Latencies are lognormal from (p50, p99); tokens/s p99 is the slow tail.
 */
import type { ErrorKind } from '../canonical.js';

export interface MockBehaviour {
  ttftMs: { p50: number; p99: number };
  tokensPerS: { p50: number; p99: number };
  /** Empirical TTFT (values at evenly spaced levels); replaces the lognormal when present. */
  ttftQuantilesMs?: readonly number[];
  /** Empirical output rate, likewise. */
  tokensPerSQuantiles?: readonly number[];
  prefillTokensPerS: number;
  errors: Partial<Record<ErrorKind, number>>;
  errorLatencyMs: { p50: number; p99: number };
  retryAfterMs: { min: number; max: number };
  retryAfterShare: number;
  /** Share of overloaded / server errors on streamed requests that arrive in-band, after HTTP 200 and part of the stream. */
  inBandErrorShare: number;
  rateLimit?: { rpm?: number; tpm?: number };
  maxInFlight?: number;
}

export interface Profile {
  description: string;
  behaviour: MockBehaviour;
}

const typical: MockBehaviour = {
  ttftMs: { p50: 450, p99: 2500 },
  tokensPerS: { p50: 70, p99: 20 },
  prefillTokensPerS: 8000,
  errors: { server_error: 0.002, rate_limited: 0.001, timeout: 0.0005, connection_reset: 0.0005 },
  errorLatencyMs: { p50: 300, p99: 3000 },
  retryAfterMs: { min: 1000, max: 10_000 },
  retryAfterShare: 0.5,
  inBandErrorShare: 0,
};

/** The registry of profiles (`routebench list profiles`). */
export const profiles: Record<string, Profile> = {
  typical: { description: 'a mainstream hosted model: TTFT p50 450 ms, 70 tok/s, ~0.4% errors', behaviour: typical },
  fast: {
    description: 'a small fast model: TTFT p50 250 ms / p99 900 ms, 120 tok/s, 0.1% errors',
    behaviour: {
      ...typical,
      ttftMs: { p50: 250, p99: 900 },
      tokensPerS: { p50: 120, p99: 50 },
      prefillTokensPerS: 20_000,
      errors: { server_error: 0.001 },
      errorLatencyMs: { p50: 150, p99: 800 },
    },
  },
  'heavy-tail': {
    description: 'long tails: TTFT p50 500 ms but p99 12 s, throughput down to 8 tok/s',
    behaviour: {
      ...typical,
      ttftMs: { p50: 500, p99: 12_000 },
      tokensPerS: { p50: 60, p99: 8 },
      prefillTokensPerS: 6000,
      errors: { server_error: 0.003, timeout: 0.002 },
    },
  },
  flaky: {
    description: 'typical latency with ~5% faults of every kind: 500 (a quarter in-band, mid-stream), 503, 502, resets, truncated streams, hangs',
    behaviour: {
      ...typical,
      errors: { server_error: 0.02, unavailable: 0.01, bad_gateway: 0.005, connection_reset: 0.005, truncated: 0.005, timeout: 0.003 },
      inBandErrorShare: 0.25,
    },
  },
  'rate-limited': {
    description: 'typical latency behind tight limits: 600 RPM and 400k TPM token buckets',
    behaviour: { ...typical, errors: { server_error: 0.002 }, rateLimit: { rpm: 600, tpm: 400_000 } },
  },
  overloaded: {
    description: 'an Anthropic-style busy model: 3% overloaded (529) errors, half with retry-after; on streams 30% arrive in-band after HTTP 200',
    behaviour: { ...typical, errors: { overloaded: 0.03, server_error: 0.002 }, inBandErrorShare: 0.3 },
  },
  perfect: {
    description: 'never fails; fixed 100 ms TTFT and 100 tok/s (for tests and baselines)',
    behaviour: {
      ...typical,
      ttftMs: { p50: 100, p99: 100 },
      tokensPerS: { p50: 100, p99: 100 },
      prefillTokensPerS: 1e12,
      errors: {},
      errorLatencyMs: { p50: 100, p99: 100 },
    },
  },
};
