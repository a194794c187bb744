/**
 * The mock server's own account of its load, served as `GET /_routebench/stats`:
 * `{"requests", "cpu_ms", "uptime_ms", "in_flight", "ceiling_rps"}`. `requests` counts the POSTs
 * served since start (answered, or ended by the client going away); `cpu_ms` is the process's
 * user + system CPU since start; `ceiling_rps` is requests per CPU-second of the mock process
 * (requests ÷ (cpu_ms / 1000)), its one-core ceiling, null before 1,000 requests. A load run
 * compares its observed throughput with it to tell when the mock, not the system under test, is
 * the limit. Clock and CPU counter are injected (performance.now / process.cpuUsage in production).
 */

import { count } from '../../plural.js';

export interface MockServerStats {
  requests: number;
  cpu_ms: number;
  uptime_ms: number;
  in_flight: number;
  ceiling_rps: number | null;
}

/** Below this many requests the ceiling is too noisy to report (startup CPU dominates). */
export const CEILING_MIN_REQUESTS = 1000;

export type CpuUsage = () => { user: number; system: number };

export class ServerStats {
  private served = 0;
  private open = 0;
  private readonly t0: number;
  private readonly cpu0: number;

  constructor(
    private readonly now: () => number,
    private readonly cpuUsage: CpuUsage,
  ) {
    this.t0 = now();
    this.cpu0 = cpuMicros(cpuUsage());
  }

  /** A POST arrived; call the returned function (idempotent) when its reply is over. */
  begin(): () => void {
    this.open++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.open--;
      this.served++;
    };
  }

  snapshot(): MockServerStats {
    const cpuMs = (cpuMicros(this.cpuUsage()) - this.cpu0) / 1000;
    const ceiling = this.served >= CEILING_MIN_REQUESTS && cpuMs > 0 ? this.served / (cpuMs / 1000) : null;
    return {
      requests: this.served,
      cpu_ms: Math.round(cpuMs),
      uptime_ms: Math.round(this.now() - this.t0),
      in_flight: this.open,
      ceiling_rps: ceiling === null ? null : Math.round(ceiling),
    };
  }
}

const cpuMicros = (u: { user: number; system: number }) => u.user + u.system;

/** One line for a terminal: `12,345 requests in 61.2 s, 4,100 ms CPU, ceiling ≈ 3,011 req/s per core`. */
export function formatStats(s: MockServerStats): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const ceiling = s.ceiling_rps === null ? `no ceiling estimate before ${n(CEILING_MIN_REQUESTS)} requests` : `ceiling ≈ ${n(s.ceiling_rps)} req/s per CPU core`;
  return `${count(s.requests, 'request')} in ${(s.uptime_ms / 1000).toFixed(1)} s, ${n(s.cpu_ms)} ms CPU, ${s.in_flight} in flight; ${ceiling}`;
}
