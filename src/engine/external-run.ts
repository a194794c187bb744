/**
 * One run of the `external` strategy on the real clock: each request is sent once, at its
 * scheduled time, to a real gateway (a black box); what the client saw is kept per request.
 * The gateway's own upstream calls are attributed afterwards from the mock server's hit log
 * (attribute-hits.ts). Times are scenario ms (real × timeScale), as in replay.
 */
import type { CallResult, Transport } from '../transport/transport.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import type { TargetPlan } from './plan-targets.js';

export interface ClientCall {
  request: TrafficRequest;
  sentMs: number;
  endMs: number;
  /** NaN when no content token arrived. */
  firstTokenMs: number;
  result: CallResult;
}

export interface ExternalParts {
  /** Sends to the gateway. */
  transport: Transport;
  /** The gateway as a call target (its dialect, the model name to send, the client timeout). */
  gateway: TargetPlan;
  runKey: string;
  timeScale: number;
  realNow: () => number;
}

export class ExternalRun {
  private t0 = 0;
  private readonly inFlight = new Set<AbortController>();
  readonly calls: ClientCall[] = [];
  private open = 0;
  private idle?: () => void;
  private stopped = false;

  constructor(private readonly parts: ExternalParts) {}

  start(realT0: number): void {
    this.t0 = realT0;
  }

  now(): number {
    return (this.parts.realNow() - this.t0) * this.parts.timeScale;
  }

  realAt(ms: number): number {
    return this.t0 + ms / this.parts.timeScale;
  }

  private toScenario(real: number | undefined): number {
    return real === undefined ? NaN : (real - this.t0) * this.parts.timeScale;
  }

  arrive(request: TrafficRequest): void {
    if (this.stopped) return;
    const controller = new AbortController();
    this.inFlight.add(controller);
    this.open++;
    const sentMs = this.now();
    const { gateway, runKey, timeScale } = this.parts;
    this.parts.transport
      .send({ target: gateway, request, attemptOnTarget: 0, runKey, timeoutMs: gateway.timeoutMs / timeScale }, controller.signal)
      .catch((e: unknown): CallResult => {
        const at = this.parts.realNow();
        return { outcome: 'error', status: 0, errorKind: 'connection_reset', retryable: true, sentAt: at, endAt: at, tokensReceived: 0, detail: String(e) };
      })
      .then((result) => {
        this.inFlight.delete(controller);
        if (!this.stopped || result.outcome !== 'aborted')
          this.calls.push({ request, sentMs, endMs: this.toScenario(result.endAt), firstTokenMs: request.stream ? this.toScenario(result.firstTokenAt) : NaN, result });
        if (--this.open === 0 && this.idle) {
          const idle = this.idle;
          this.idle = undefined;
          idle();
        }
      });
  }

  /** Resolves when every call has ended. */
  drained(): Promise<void> {
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  /** Interrupt: abandon calls in flight (their requests are not written); nothing new is sent. */
  abortAll(): void {
    this.stopped = true;
    for (const c of this.inFlight) c.abort();
  }
}
