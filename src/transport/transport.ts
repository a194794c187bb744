/**
 * How an attempt reaches a target in real time (replay): over msw in-process HTTP mocks, over
 * loopback HTTP to `routebench mock-server`, or to live provider APIs. Provider failures are data
 * (a CallResult), never exceptions; only harness faults throw.
 */
import type { ErrorKind } from '../providers/canonical.js';
import type { Generation } from '../engine/billing.js';
import type { TargetPlan } from '../engine/plan-targets.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import type { CancelSignal } from './cancel-signal.js';

export interface ProviderCall {
  target: TargetPlan;
  request: TrafficRequest;
  /** The k-th attempt of this request on this target (the mock's common-random-number key). */
  attemptOnTarget: number;
  /** Identifies the run to mocks and in hit logs. */
  runKey: string;
  /** Real milliseconds before the attempt is abandoned as a timeout. */
  timeoutMs: number;
  /** Streamed requests: real milliseconds to wait for the first content token (Infinity: no limit). */
  firstTokenTimeoutMs?: number;
  /** Called when the first content token arrives (real time), so strategies see a stream has started. */
  onFirstToken?: (realAt: number) => void;
}

/** Times are `performance.now()` milliseconds (real time). */
export interface CallResult {
  outcome: 'ok' | 'error' | 'timeout' | 'aborted';
  /** HTTP status, 0 when there was none (connection failed, timed out before headers). */
  status: number;
  errorKind?: ErrorKind;
  retryable: boolean;
  retryAfterMs?: number;
  sentAt: number;
  firstByteAt?: number;
  /** First content token of a streamed response. */
  firstTokenAt?: number;
  endAt: number;
  /** From the response; undefined when unknown (truncated streams), never a made-up 0. */
  usage?: { input: number; output: number; cached: number };
  /** Output tokens received so far in a stream (billing of cut or cancelled streams). */
  tokensReceived: number;
  /** Stream chunks received, and the largest gap between two (ms), for streamed responses. */
  chunks?: number;
  maxGapMs?: number;
  /** A short, redacted description for failures. */
  detail?: string;
  /** routebench mocks: what the provider generates for this call (its billing), from the response header. */
  generation?: Generation;
  /** routebench mocks: scenario ms after receipt at which the mock scheduled the first byte (harness overhead is the rest). */
  plannedFirstByteMs?: number;
}

export interface Transport {
  readonly name: 'msw' | 'mock-server' | 'live' | 'gateway';
  /** `signal` aborts the call: an AbortSignal, or the lighter CancelSignal a replay gives (cancel-signal.ts). */
  send(call: ProviderCall, signal: CancelSignal): Promise<CallResult>;
  /** The routebench mock server this transport talks to (mock-server transport): its hit log attributes an external gateway's calls. */
  readonly mockUrl?: string;
  /**
   * Mocks in this process: what the mock generates for `call` (scenario units), once the call
   * reached it, so a call hung up on before any reply is billed as simulate bills it.
   */
  generation?(call: ProviderCall): Generation | undefined;
  /** Tells mocks a run starts now (fresh mock state, its clock and time scale). */
  startRun?(runKey: string, timeScale: number): Promise<void>;
  /**
   * Readies the client before a run's clock starts (mock-server: opens keep-alive connections),
   * so the first arrivals do not pay for it. Sends no provider call.
   */
  prepare?(): Promise<void>;
  close(): Promise<void>;
}
