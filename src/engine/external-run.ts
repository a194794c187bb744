/**
 * One run of the `external` strategy on the real clock: each request is sent once, at its
 * scheduled time, to a real gateway (a black box); what the client saw is kept per request.
 * The gateway's own upstream calls are attributed afterwards from the mock server's hit log
 * (attribute-hits.ts). Times are scenario ms (real × timeScale), as in replay.
 */
import type { CallResult, Transport } from '../transport/transport.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import type { TargetPlan } from './plan-targets.js';
import { TimeFrame } from './time-frame.js';

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
  readonly frame: TimeFrame;
  private readonly inFlight = new Set<AbortController>();
  readonly calls: ClientCall[] = [];
  private stopped = false;

  constructor(private readonly parts: ExternalParts) {
    this.frame = new TimeFrame(parts.realNow, parts.timeScale);
  }

  arrive(request: TrafficRequest): void {
    if (this.stopped) return;
    const controller = new AbortController();
    this.inFlight.add(controller);
    this.frame.opened();
    const sentMs = this.frame.now();
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
          this.calls.push({ request, sentMs, endMs: this.frame.toScenario(result.endAt), firstTokenMs: request.stream ? this.frame.toScenario(result.firstTokenAt) : NaN, result });
        this.frame.closed();
      });
  }


  /** Interrupt: abandon calls in flight (their requests are not written); nothing new is sent. */
  abortAll(): void {
    this.stopped = true;
    for (const c of this.inFlight) c.abort();
  }
}
