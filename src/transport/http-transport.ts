/**
 * Attempts over real HTTP with `fetch`: to msw-intercepted URLs, to `routebench mock-server` on
 * loopback, or to live providers. The request is encoded in the target's dialect and carries the
 * routebench marker; the response is read as the real clients read it: a JSON body, or an SSE
 * stream decoded event by event (first content token = TTFT, inter-chunk gaps, a stream that ends
 * without its terminator is truncated). Failures of every kind become a CallResult, never a throw.
 */
import { dialects } from '../providers/dialects/index.js';
import type { CallOutcome } from '../providers/dialects/dialect.js';
import { withUsage } from '../providers/dialects/outcome.js';
import type { TargetPlan } from '../engine/plan-targets.js';
import type { CallResult, ProviderCall, Transport } from './transport.js';
import { redact } from './redact.js';
import { environmentError } from '../errors.js';
import { callGuard } from './call-guard.js';
import type { CancelSignal } from './cancel-signal.js';
import { FIRST_BYTE_HEADER, GENERATION_HEADER } from '../providers/mock/mock-service.js';
import type { Generation } from '../engine/billing.js';
import { fetchExchange, undiciExchange, type ExchangeReply } from './http-exchange.js';
import { utf8Chunks } from './utf8-chunks.js';
import { RequestEncoder } from './request-bytes.js';

export interface HttpTransportOptions {
  name: Transport['name'];
  /** Base URL of a target, without the dialect path (e.g. http://127.0.0.1:7070/t/openai). */
  baseUrl(target: TargetPlan): string;
  /** Auth headers (live mode); never logged. */
  auth?(target: TargetPlan): Record<string, string>;
  realNow: () => number;
  /** Scenario ms per real ms (mocks state exact waits in scenario ms). */
  timeScale: number;
  /** Secrets to scrub from any detail text. */
  secrets?: readonly string[];
  /**
   * A mock server in another process: what it generated for a call that ended before any byte came
   * back (a timeout, a reset: no header to read it from), asked once the call has ended, for its billing.
   */
  lookupGeneration?(call: ProviderCall): Promise<Generation | undefined>;
  /**
   * The HTTP client: `fetch` (default; msw intercepts it) or `undici` (undici's dispatcher with
   * callbacks: a fraction of fetch's CPU per call, for the loopback mock server). http-exchange.ts.
   */
  client?: 'fetch' | 'undici';
  /**
   * undici: before a run's clock starts (Transport.prepare), open this many keep-alive
   * connections with GETs to `url`, an endpoint that is no provider call.
   */
  preconnect?: { url: string; connections: number };
}

export function httpTransport(o: HttpTransportOptions): Transport {
  const scrub = (s: string) => redact(s, o.secrets ?? []);
  const http = o.client === 'undici' ? undiciExchange() : fetchExchange();
  const pre = o.preconnect;
  // Bodies as bytes from a template per request shape (request-bytes.ts): the same bytes as the dialect's encodeRequest + JSON.stringify.
  const encoder = new RequestEncoder();
  return {
    name: o.name,
    close: () => http.close(),
    prepare: pre && http.preconnect ? () => http.preconnect!(pre.url, pre.connections) : undefined,
    async send(call: ProviderCall, signal: CancelSignal): Promise<CallResult> {
      const { target, request } = call;
      const dialect = dialects[target.dialect];
      // A mock with models of its own (mock.models) is told the model asked for, and so are an external
      // gateway's mock upstreams (it forwards the marker); a live API's body is not.
      const model = o.name === 'live' || (target.models === undefined && o.name !== 'gateway') ? undefined : request.route;
      const fields = { request: request.index, attempt: call.attemptOnTarget, run: call.runKey, inputTokens: request.inputTokens, cachedTokens: request.cachedTokens, outputTokens: request.outputTokens, model };
      const enc = encoder.encode(dialect, { model: o.name === 'live' ? (target.live?.model ?? target.model) : target.model, inputTokens: request.inputTokens, cachedTokens: request.cachedTokens, maxOutputTokens: Math.max(1, request.outputTokens), outputTokens: request.outputTokens, stream: request.stream }, fields);
      // One signal for the caller's abort, the attempt timeout and a stream's first-token deadline
      // (whole ms: a scaled timeout such as 60 s / 7 is not), its timers released when the call ends.
      const guard = callGuard(signal, call.timeoutMs, request.stream ? call.firstTokenTimeoutMs : undefined);
      // undici's client takes the guard itself; fetch an AbortSignal made from it.
      const both = o.client === 'undici' ? guard : guard.signal;
      const sentAt = o.realNow();
      // What the mock said it generates (its billing) and when it planned the first byte, once read.
      let generation: Generation | undefined;
      let plannedFirstByteMs: number | undefined;
      /** The result, every field set in one order (object spreads cost microseconds each on Node 20). */
      const result = (outcome: CallResult['outcome'], status: number, errorKind: CallResult['errorKind'], retryable: boolean, retryAfterMs: number | undefined, usage: CallResult['usage'], detail: string | undefined, r: Received): CallResult => ({
        outcome, status, errorKind, retryable, retryAfterMs, sentAt, firstByteAt: r.firstByteAt, firstTokenAt: r.firstTokenAt, endAt: o.realNow(), usage,
        tokensReceived: r.tokensReceived, chunks: r.chunks, maxGapMs: r.maxGapMs, detail, generation, plannedFirstByteMs,
      });
      const ended = (why: unknown, r: Received = NOTHING): CallResult => {
        guard.clear();
        if (signal.aborted) return result('aborted', r.status, undefined, true, undefined, undefined, undefined, r);
        if (guard.cause === 'timeout' || guard.cause === 'first-token') return result('timeout', r.status, 'timeout', true, undefined, undefined, undefined, r);
        return result('error', r.status, 'connection_reset', true, undefined, undefined, scrub(String((why as Error)?.message ?? why)), r);
      };
      let res: ExchangeReply;
      try {
        // The dialect's headers carry the content type and the marker headers already.
        const headers = o.auth === undefined ? enc.headers : { ...enc.headers, ...o.auth(target) };
        res = await http.post(`${o.baseUrl(target)}${enc.path}`, headers, enc.body, both);
      } catch (e) {
        // The loopback mock server is the harness, not a provider: nothing listening there means it stopped.
        if (o.name === 'mock-server' && !signal.aborted && refused(e)) throw mockGone(o.baseUrl(target), e);
        const r = ended(e);
        if (r.outcome !== 'aborted' && o.lookupGeneration) r.generation = await o.lookupGeneration(call).catch(() => undefined);
        return r;
      }
      const firstByteAt = o.realNow();
      const headers = res.headers;
      // routebench mocks state the exact wait (scenario ms); a live API's header is not trusted for it.
      const exactWait = o.name === 'live' ? undefined : headers['x-routebench-retry-after-ms'];
      // ... and what they generate for the call (its billing), whatever reaches the client.
      if (o.name !== 'live') {
        generation = parseGeneration(headers[GENERATION_HEADER]);
        const planned = Number(headers[FIRST_BYTE_HEADER] ?? NaN);
        if (planned >= 0) plannedFirstByteMs = planned;
      }
      const finish = (out: CallOutcome, r: Received): CallResult => {
        guard.clear();
        const retryAfterMs = exactWait !== undefined ? Number(exactWait) / o.timeScale : out.retryAfterMs;
        return out.ok ? result('ok', res.status, undefined, out.retryable, retryAfterMs, out.usage, undefined, r) : result('error', res.status, out.kind, out.retryable, retryAfterMs, out.usage, scrub(out.message ?? ''), r);
      };
      const isStream = res.status === 200 && (headers['content-type'] ?? '').includes('text/event-stream');
      if (!isStream) {
        let text: string;
        try {
          text = await res.text();
        } catch (e) {
          return ended(e, received(res.status, firstByteAt, undefined, 0, undefined, undefined));
        }
        const out = dialect.decodeResponse(res.status, headers, text);
        return finish(out, received(res.status, firstByteAt, undefined, out.usage?.output ?? 0, undefined, undefined));
      }
      const decoder = dialect.createStreamDecoder();
      const text = utf8Chunks();
      let tokens = 0;
      let chunks = 0;
      let maxGapMs = 0;
      let last = firstByteAt;
      let firstTokenAt: number | undefined;
      let outcome: CallOutcome | undefined;
      let usage: CallOutcome['usage'];
      const take = (events: ReturnType<typeof decoder.push>) => {
        for (const e of events) {
          if (e.type === 'first-token' && firstTokenAt === undefined) {
            guard.firstTokenSeen();
            firstTokenAt = o.realNow();
            call.onFirstToken?.(firstTokenAt);
          } else if (e.type === 'tokens') tokens += e.count;
          else if (e.type === 'usage') usage = e.usage;
          else if (e.type === 'error') outcome ??= e.outcome;
          else if (e.type === 'done') outcome ??= { ok: true, status: 200, retryable: false, finishReason: e.finishReason, usage };
        }
      };
      try {
        // Each chunk as it arrives (the body read ends when the call is aborted or times out).
        await res.each((value) => {
          const now = o.realNow();
          chunks++;
          if (chunks > 1) maxGapMs = Math.max(maxGapMs, now - last);
          last = now;
          take(decoder.push(text(value)));
        });
        if (both.aborted) return ended(both.reason, received(200, firstByteAt, firstTokenAt, tokens, chunks, maxGapMs));
        take(decoder.end());
      } catch (e) {
        return ended(e, received(200, firstByteAt, firstTokenAt, tokens, chunks, maxGapMs));
      } finally {
        guard.clear();
      }
      const out = outcome && outcome.ok ? withUsage(outcome, usage ?? outcome.usage) : (outcome ?? { ok: false, status: 200, kind: 'truncated' as const, retryable: true });
      return finish(out, received(200, firstByteAt, firstTokenAt, tokens, chunks, maxGapMs));
    },
  };
}

/** What a call received before it ended: its HTTP status (0: none) and how far the body got. */
interface Received {
  status: number;
  firstByteAt: number | undefined;
  firstTokenAt: number | undefined;
  tokensReceived: number;
  chunks: number | undefined;
  maxGapMs: number | undefined;
}
const received = (status: number, firstByteAt: number | undefined, firstTokenAt: number | undefined, tokensReceived: number, chunks: number | undefined, maxGapMs: number | undefined): Received => ({ status, firstByteAt, firstTokenAt, tokensReceived, chunks, maxGapMs });
/** A call that received nothing (no connection, or no response head). */
const NOTHING: Received = Object.freeze(received(0, undefined, undefined, 0, undefined, undefined));

/** A connection refused (undici's error, or fetch's TypeError with it as the cause). */
function refused(e: unknown): boolean {
  for (let at = e, depth = 0; at !== null && typeof at === 'object' && depth < 4; at = (at as { cause?: unknown }).cause, depth++)
    if ((at as NodeJS.ErrnoException).code === 'ECONNREFUSED') return true;
  return false;
}

function mockGone(targetUrl: string, cause: unknown): Error {
  const server = targetUrl.replace(/\/t\/[^/]*$/, '');
  return environmentError('MOCK_GONE', `the mock server at ${server} stopped answering (connection refused) during the replay`, 'keep `routebench mock-server` running until the replay ends (or drop --mock-url to start one in-process), and run again; the run was marked error', cause);
}

/** The mock's generation header (`<TTFT ms|->,<tokens per ms>,<output tokens>`); undefined when absent or malformed. */
export function parseGeneration(value: string | undefined): Generation | undefined {
  if (value === undefined) return undefined;
  const [t, rate, out] = value.split(',');
  const g = { ttftMs: t === '-' ? NaN : Number(t), tokensPerMs: Number(rate), tokensOut: Number(out) };
  return (g.ttftMs === g.ttftMs || t === '-') && g.tokensPerMs >= 0 && Number.isInteger(g.tokensOut) && g.tokensOut >= 0 ? g : undefined;
}
