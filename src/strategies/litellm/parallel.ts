/**
 * max_parallel_requests: LiteLLM gives each deployment an asyncio.Semaphore of
 * `max_parallel_requests`, else its rpm, else tpm / 1000 / 6 (at least 1), else the router's
 * `default_max_parallel_requests` (gateways.md §2.3); a request that picked a full deployment waits
 * for a slot (it does not re-pick). routebench keeps the waiters FIFO and lets each poll every 25 ms,
 * so a freed slot is taken within 25 ms; a request waits at most 3 minutes, then fails the call as a
 * timeout (LiteLLM would wait until its own request timeout).
 */
import type { DeploymentSpec, LiteConfig } from './config.js';

export const POLL_MS = 25;
const CAP_MS = 180_000;

/** poll() results. */
export const GO = 0;
export const WAIT = 1;
export const EXPIRED = 2;

export class ParallelLimits {
  readonly max: Float64Array;
  /** The wait reason per deployment. */
  readonly why: readonly string[];
  private readonly queues: { req: number; at: number }[][];

  constructor(cfg: LiteConfig, deps: readonly DeploymentSpec[]) {
    // `if calculated_max_parallel_requests:` — 0 means no semaphore
    const limit = (d: DeploymentSpec): number =>
      d.maxParallel ?? (d.rpm !== undefined ? Math.floor(d.rpm) : d.tpm !== undefined ? Math.max(1, Math.floor(d.tpm / 1000 / 6)) : (cfg.defaultMaxParallel ?? 0));
    this.max = Float64Array.from(deps, (d) => limit(d) || Infinity);
    this.why = deps.map((d) => `litellm: ${d.name} at max_parallel_requests; queued`);
    this.queues = deps.map(() => []);
  }

  enqueue(dep: number, req: number, now: number): void {
    this.queues[dep]!.push({ req, at: now });
  }

  /** GO (the caller takes the slot), WAIT, or EXPIRED (waited too long); removes the request unless WAIT. */
  poll(dep: number, req: number, since: number, now: number, inFlight: number): number {
    const q = this.queues[dep]!;
    while (q.length > 0 && q[0]!.req !== req && now - q[0]!.at > CAP_MS + POLL_MS) q.shift(); // abandoned
    const pos = q.findIndex((e) => e.req === req);
    if (pos >= 0 && pos < this.max[dep]! - inFlight) {
      q.splice(pos, 1);
      return GO;
    }
    if (now - since < CAP_MS) return WAIT;
    this.leave(dep, req);
    return EXPIRED;
  }

  leave(dep: number, req: number): void {
    const q = this.queues[dep]!;
    const pos = q.findIndex((e) => e.req === req);
    if (pos >= 0) q.splice(pos, 1);
  }
}
