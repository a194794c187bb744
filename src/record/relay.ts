/**
 * One call through `routebench record`, as an undici dispatch handler: the upstream's status,
 * headers and body bytes go to the app untouched (only hop-by-hop headers are the client
 * connection's own), a stream chunk by chunk as it arrives, a whole answer (JSON, an error) in one
 * write when it ends; meanwhile a copy of what passes is observed: the time of the first byte,
 * of the first content token (the dialect's stream decoder), every gap between chunks, the usage
 * the provider reported, and the dialect's verdict on the answer. Ends exactly once, via `done`.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { TextDecoder } from 'node:util';
import type { Dispatcher } from 'undici';
import { parseJson } from '../providers/dialects/classify.js';
import type { CallOutcome, Dialect, StreamDecoder, StreamEvent, Usage } from '../providers/dialects/dialect.js';
import { withUsage } from '../providers/dialects/outcome.js';

/** Headers that belong to one connection, not to the message (RFC 9110 §7.6.1). */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'te', 'trailer', 'upgrade']);

export interface RelayResult {
  status: number;
  headers: IncomingHttpHeaders;
  outcome: CallOutcome;
  firstByteAt: number;
  firstTokenAt: number;
  endAt: number;
  maxGapMs: number;
  chunks: number;
  /** Output tokens the stream carried (when no usage was reported). */
  streamedTokens: number;
  /** The parsed JSON body of a non-streamed answer (for the served provider and id); undefined for streams and non-JSON. */
  jsonBody: unknown;
  clientClosed: boolean;
}

export class RelayCall implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private controller: Dispatcher.DispatchController | undefined;
  private decoder: StreamDecoder | undefined;
  private utf8: TextDecoder | undefined;
  private readonly body: Buffer[] = [];
  private usage: Usage | undefined;
  private json: unknown;
  private streamOutcome: CallOutcome | undefined;
  private firstByteAt = NaN;
  private firstTokenAt = NaN;
  private lastChunkAt = NaN;
  private maxGapMs = 0;
  private chunks = 0;
  private tokens = 0;
  private clientClosed = false;
  private finished = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly dialect: Dialect,
    /** Whether the app asked for a stream: asked when the answer starts, so the request body is read after it was sent on. */
    private readonly isStream: () => boolean,
    private readonly now: () => number,
    private readonly done: (r: RelayResult) => void,
  ) {
    res.once('close', () => {
      if (this.finished) return;
      this.clientClosed = true;
      this.controller?.abort(new Error('the app closed the connection'));
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientClosed) controller.abort(new Error('the app closed the connection'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.firstByteAt = this.now();
    this.status = status;
    this.headers = headers;
    const type = headers['content-type'];
    if (status === 200 && typeof type === 'string' && type.includes('text/event-stream') && this.isStream()) {
      this.decoder = this.dialect.createStreamDecoder();
      this.utf8 = new TextDecoder();
      this.writeHead(); // set now; node:http sends it with the first chunk, in the same write (no flushHeaders: one packet, not two, before the first token)
    }
  }

  /** The upstream's status and headers, less the connection's own (once). */
  private writeHead(): void {
    if (this.res.headersSent || this.res.destroyed) return;
    const out: Record<string, string | string[]> = {};
    for (const k in this.headers) {
      const v = this.headers[k];
      if (v !== undefined && !HOP.has(k)) out[k] = v;
    }
    this.res.writeHead(this.status, out);
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    const at = this.now();
    if (!this.decoder) {
      // A whole answer (JSON, an error): relayed in one write when it ends, head and body together.
      this.body.push(chunk);
      return;
    }
    if (!this.res.destroyed) {
      if (!this.res.write(chunk) && !c.paused) {
        c.pause();
        this.res.once('drain', () => c.resume());
      }
      // node:http corks the socket at a response's write until the next tick: the chunk would wait
      // for all this tick still does (decoding it, the rest of the upstream's read, the end of the
      // call and its row). It goes to the app now; everything below is bookkeeping.
      this.res.socket?.uncork();
    }
    if (this.chunks > 0 && at - this.lastChunkAt > this.maxGapMs) this.maxGapMs = at - this.lastChunkAt;
    this.lastChunkAt = at;
    this.chunks++;
    this.take(this.decoder.push(this.utf8!.decode(chunk, { stream: true })), at);
  }

  onResponseEnd(): void {
    if (!this.res.destroyed) {
      this.writeHead();
      if (this.decoder) this.res.end();
      else this.res.end(this.body.length === 1 ? this.body[0] : Buffer.concat(this.body));
    }
    let outcome: CallOutcome;
    if (this.decoder) {
      this.take(this.decoder.end(), this.now());
      const o = this.streamOutcome ?? { ok: false, status: 200, kind: 'truncated', retryable: true };
      outcome = o.ok && this.usage ? withUsage(o, this.usage) : o;
    } else {
      // Parsed once: the dialect reads the outcome from it, the recorder who served the call.
      const text = (this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body)).toString('utf8');
      this.json = parseJson(text);
      outcome = this.dialect.decodeResponse(this.status, this.headers, text, { json: this.json });
    }
    this.finish(outcome);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (!this.res.headersSent && !this.res.destroyed && this.status !== 0 && !this.decoder) {
      // A whole answer cut short: the app sees what arrived, then the connection is cut, as upstream.
      this.writeHead();
      this.res.write(Buffer.concat(this.body));
      this.res.destroy();
    } else if (!this.res.headersSent && !this.res.destroyed) {
      // Nothing reached the app yet: it sees what a broken upstream looks like from a proxy.
      this.res.writeHead(502, { 'content-type': 'application/json' });
      this.res.end(JSON.stringify({ error: { type: 'upstream_unreachable', message: `routebench record: the upstream failed before answering (${err.message})` } }));
    } else if (!this.res.destroyed) this.res.destroy();
    const kind = this.clientClosed ? undefined : this.status === 0 ? 'connection_reset' : this.decoder ? 'truncated' : 'connection_reset';
    this.finish({ ok: false, status: this.status, kind: kind ?? 'connection_reset', retryable: true, message: err.message });
  }

  private take(events: StreamEvent[], at: number): void {
    for (const e of events) {
      if (e.type === 'first-token') {
        if (this.firstTokenAt !== this.firstTokenAt) this.firstTokenAt = at;
      } else if (e.type === 'tokens') this.tokens += e.count;
      else if (e.type === 'usage') this.usage = e.usage;
      else if (e.type === 'error') this.streamOutcome ??= e.outcome;
      else this.streamOutcome ??= { ok: true, status: 200, retryable: false, finishReason: e.finishReason };
    }
  }

  private finish(outcome: CallOutcome): void {
    if (this.finished) return;
    this.finished = true;
    this.done({
      status: this.status,
      headers: this.headers,
      outcome,
      firstByteAt: this.firstByteAt,
      firstTokenAt: this.firstTokenAt,
      endAt: this.now(),
      maxGapMs: this.maxGapMs,
      chunks: this.chunks,
      streamedTokens: this.tokens,
      jsonBody: this.json,
      clientClosed: this.clientClosed,
    });
  }
}
