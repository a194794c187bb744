/**
 * The mock server's own account of its load, `GET /_routebench/stats`: requests served, CPU ms,
 * uptime, requests in flight, and `ceiling_rps` (requests per CPU-second: what one core of it can
 * serve; null until it has enough data). A mock without the endpoint (404) or that does not answer
 * in time gives null: unknown, and the caller falls back to its own /proc sampling.
 */
import { request } from 'undici';

export interface MockStats {
  requests: number;
  cpuMs: number;
  uptimeMs: number;
  inFlight: number;
  ceilingRps: number | null;
}

export async function readMockStats(mockUrl: string, timeoutMs = 2000): Promise<MockStats | null> {
  try {
    const res = await request(`${mockUrl}/_routebench/stats`, { method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const text = await res.body.text();
    if (res.statusCode !== 200) return null;
    const s = JSON.parse(text) as { requests?: unknown; cpu_ms?: unknown; uptime_ms?: unknown; in_flight?: unknown; ceiling_rps?: unknown };
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    if (num(s.requests) === null) return null;
    return { requests: num(s.requests)!, cpuMs: num(s.cpu_ms) ?? 0, uptimeMs: num(s.uptime_ms) ?? 0, inFlight: num(s.in_flight) ?? 0, ceilingRps: num(s.ceiling_rps) };
  } catch {
    return null;
  }
}
