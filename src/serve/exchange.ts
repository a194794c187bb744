/**
 * One client request inside `routebench serve`, from arrival to the last byte of its answer. It is
 * the TrafficRequest the request machine routes (so strategies see the usual fields), and it owns
 * the client response: a committed stream is written through as it arrives; otherwise, when the
 * request is over, the winning attempt (or the last failed one) is relayed as the upstream sent it:
 * status, body bytes and headers, plus `x-routebench-target`, `-attempts` and `-reason`.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { DialectName } from '../providers/canonical.js';
import type { RequestState } from '../engine/engine-attempt.js';
import { promptDlpOf, promptText } from '../record/prompt-facts.js';
import type { PromptDlp, Tags, TrafficRequest } from '../traffic/traffic-request.js';
import type { IncomingFields } from './incoming.js';
import { headerSafe, serveError, type ServeError } from './serve-errors.js';
import type { UpstreamCall } from './upstream-call.js';

/** What an upstream attempt captured, as far as relaying it goes. */
export interface Captured {
  readonly targetId: string;
  /** HTTP status; 0 when no response head arrived. */
  readonly status: number;
  readonly headers: IncomingHttpHeaders | undefined;
  /** Body bytes received and not yet written to the client. */
  readonly chunks: Buffer[];
  /** How the upstream response ended: cleanly, by a reset, or cut by the attempt timeout. */
  readonly ending: 'end' | 'reset' | 'timeout' | 'cancelled' | undefined;
  /** The upstream refused the connection (nothing listens there: a stopped mock server, a provider down). */
  readonly refused?: boolean;
}

/** Hop-by-hop and framing headers: never relayed (the client connection has its own). */
const HOP: Readonly<Record<string, true>> = { connection: true, 'keep-alive': true, 'transfer-encoding': true, 'content-length': true, 'proxy-connection': true, te: true, trailer: true, upgrade: true };
/** Client headers passed on to the upstream (the rest, auth included, are not). */
const PASSED = ['anthropic-version', 'anthropic-beta', 'openai-beta', 'accept'] as const;
const JSON_TYPE: IncomingHttpHeaders = Object.freeze({ 'content-type': 'application/json' });

/** Makes serve's own answer when there is nothing to relay: no attempt at all, or the last one timed out. */
export interface OwnAnswer {
  ownAnswer(ex: Exchange, reason: string, timedOut: Captured | undefined, refused: boolean): ServeError;
}

export class Exchange implements TrafficRequest {
  readonly index: number;
  readonly arrivalMs: number;
  readonly route: string;
  readonly inputTokens: number;
  readonly cachedTokens: number;
  readonly outputTokens: number;
  readonly stream: boolean;
  readonly tags: Tags;
  readonly runKey: string;
  /** Marker header values, the same for every attempt (the attempt number is per attempt). */
  readonly markerRequest: string;
  readonly markerTokens: string;
  /** Client headers for the upstream, as a flat [name, value, ...] list. */
  readonly passed: string[] | undefined;
  /** The machine's state while the request is open. */
  state: RequestState | undefined;
  /** The streaming attempt whose first token reached the client: no failover after it. */
  committed: Captured | undefined;
  winner: Captured | undefined;
  /** The failed attempt that ended last (relayed when every attempt failed). */
  last: Captured | undefined;
  attempts = 0;
  reason = '';
  /** Its upstream calls in flight. */
  readonly calls: UpstreamCall[] = [];
  /** Neighbours in the driver's list of open requests (for a shutdown). */
  prevOpen: Exchange | undefined = undefined;
  nextOpen: Exchange | undefined = undefined;
  private altKey: string | undefined;
  private altBody: string | undefined;
  private dlp: PromptDlp | undefined;

  constructor(
    readonly dialect: DialectName,
    readonly raw: Buffer,
    readonly json: Record<string, unknown>,
    fields: IncomingFields,
    index: number,
    runKey: string,
    arrivalMs: number,
    clientHeaders: IncomingHttpHeaders,
    readonly res: ServerResponse,
  ) {
    this.index = index;
    this.arrivalMs = arrivalMs;
    this.route = fields.route;
    this.inputTokens = fields.inputTokens;
    this.cachedTokens = fields.cachedTokens;
    this.outputTokens = fields.outputTokens;
    this.stream = fields.stream;
    this.tags = fields.tags;
    this.runKey = runKey;
    this.markerRequest = String(index);
    this.markerTokens = `${fields.inputTokens},${fields.cachedTokens},${fields.outputTokens}`;
    let passed: string[] | undefined;
    for (const name of PASSED) {
      const v = clientHeaders[name];
      if (typeof v === 'string') (passed ??= []).push(name, v);
    }
    this.passed = passed;
  }

  /**
   * The DLP detectors that fire on this call's prompt, as `routebench record` would write them:
   * scanned on first use only (a `dlp` strategy with `prompts: trace`), so other strategies pay nothing.
   */
  get promptDlp(): PromptDlp {
    if (this.dlp === undefined) {
      const { text, seams } = promptText(this.json);
      this.dlp = promptDlpOf(text, seams);
    }
    return this.dlp;
  }

  /**
   * The request body for a target serving `model`: the client's bytes when the model is the same
   * and the output is not capped. `maxTokens`: the strategy caps the attempt's output (Portkey
   * `override_params.max_tokens`, which the gateway spreads over the body, replacing the client's
   * value: https://portkey.ai/docs/product/ai-gateway/configs): the body's `max_tokens` /
   * `max_completion_tokens` become the cap (the ones it has; with neither, the dialect's own:
   * Anthropic `max_tokens`, OpenAI `max_completion_tokens`).
   */
  bodyFor(model: string, maxTokens?: number): Buffer | string {
    if (maxTokens === undefined && this.json.model === model) return this.raw;
    const key = maxTokens === undefined ? model : `${model}\n${maxTokens}`;
    if (this.altKey !== key) {
      this.altKey = key;
      const body: Record<string, unknown> = { ...this.json, model };
      if (maxTokens !== undefined) {
        const keys = ['max_tokens', 'max_completion_tokens'].filter((k) => body[k] !== undefined);
        if (keys.length === 0) keys.push(this.dialect === 'anthropic' ? 'max_tokens' : 'max_completion_tokens');
        for (const k of keys) body[k] = maxTokens;
      }
      this.altBody = JSON.stringify(body);
    }
    return this.altBody!;
  }

  /** Response headers as a flat [name, value, ...] list: the upstream's (hop-by-hop ones dropped) and routebench's own. */
  headersFor(up: IncomingHttpHeaders | undefined, targetId: string | undefined, contentLength?: number): (string | number | string[])[] {
    const h: (string | number | string[])[] = [];
    if (up) {
      for (const k in up) {
        const v = up[k];
        if (HOP[k] !== true && v !== undefined) h.push(k, v);
      }
    }
    if (contentLength !== undefined) h.push('content-length', contentLength);
    if (targetId !== undefined) h.push('x-routebench-target', targetId);
    h.push('x-routebench-attempts', this.attempts);
    if (this.reason !== '') h.push('x-routebench-reason', headerSafe(this.reason));
    return h;
  }

  /** First token of a streaming attempt: the client gets its head and everything buffered so far. */
  commit(call: Captured, attempts: number, reason: string): void {
    this.committed = call;
    this.attempts = attempts;
    this.reason = reason;
    if (!this.open()) return;
    this.res.writeHead(call.status, this.headersFor(call.headers, call.targetId));
    for (const c of call.chunks) this.res.write(c);
    call.chunks.length = 0;
  }

  /**
   * The request is over (not committed): relay the winner or the last failure. `own` makes serve's
   * own answer when there is nothing to relay: no attempt at all, or the last one timed out.
   */
  finish(attempts: number, reason: string, own: OwnAnswer, refused = false): void {
    this.attempts = attempts;
    this.reason = reason;
    if (this.committed || !this.open()) return;
    const c = this.winner ?? this.last;
    if (c === undefined) return this.answer(own.ownAnswer(this, reason, undefined, refused));
    if (c.ending === 'timeout') return this.answer(own.ownAnswer(this, reason, c, false), c.targetId);
    // Nothing to mirror: no connection was made. A gateway answers 502, naming what it could not reach.
    if (c.refused === true) return this.answer(serveError(this.dialect, 'unreachable', `cannot reach the upstream of target ${c.targetId}: connection refused (${reason})`), c.targetId);
    if (c.ending !== 'end' || c.status === 0) {
      this.res.destroy(); // the upstream reset the connection: so does serve, and the client sees the same network error
      return;
    }
    const body = c.chunks.length === 1 ? c.chunks[0]! : Buffer.concat(c.chunks);
    this.res.writeHead(c.status, this.headersFor(c.headers, c.targetId, body.length));
    this.res.end(body);
  }

  /** An answer serve makes itself, in the endpoint's dialect. */
  answer(e: ServeError, targetId?: string): void {
    if (!this.open()) return;
    const h = this.headersFor(JSON_TYPE, targetId, Buffer.byteLength(e.body));
    this.res.writeHead(e.status, h);
    this.res.end(e.body);
  }

  /** The client is still there and nothing has been answered yet. */
  open(): boolean {
    return !this.res.destroyed && !this.res.headersSent;
  }
}
