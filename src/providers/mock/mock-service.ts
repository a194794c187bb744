/**
 * The mock providers of a scenario behind HTTP: for each request to a target, the same seeded
 * mock model as simulate decides what happens (from the routebench marker the request carries:
 * request number, attempt, tokens), and the target's dialect writes it exactly as the real API
 * would: a JSON body, an SSE stream paced by the model's TTFT and tokens/s, an error with its real
 * status, body and headers, a cut stream, a reset connection or silence. Used by the msw transport
 * and by `routebench mock-server`. Every hit is logged.
 */
import { ErrorKindCode, ERROR_KINDS, type ErrorKind } from '../canonical.js';
import { dialects } from '../dialects/index.js';
import type { MockReply, WireResponse, WireStream } from '../dialects/dialect.js';
import { readMarker, type HeaderSource } from '../request-marker.js';
import type { TrafficRequest } from '../../traffic/traffic-request.js';
import { newDraw, type MockTarget } from './mock-model.js';
import { HitLog, type Hit } from './hit-log.js';
import { estimatePromptTokens } from '../prompt-size.js';

/** What the service needs to know of a target (the engine's MockTargetInfo has it). */
export interface MockTargetInfo {
  index: number;
  id: string;
  model: string;
  dialect: 'openai' | 'anthropic';
  contextWindow: number;
}

/** What to send, with delays in real milliseconds from receipt. */
export type MockReplyPlan =
  | { type: 'json'; afterMs: number; response: WireResponse }
  | { type: 'stream'; stream: WireStream; resetAtEnd: boolean }
  | { type: 'reset'; afterMs: number }
  | { type: 'hang' };

export interface MockRequest {
  targetId: string;
  headers: HeaderSource;
  body: unknown;
}

export interface HandledRequest {
  plan: MockReplyPlan;
  hit: Hit;
  /** Call when the reply is over (sent, or the client went away): frees the in-flight slot. */
  done(abandoned?: boolean): void;
}

interface RunState {
  origin: number;
  scale: number;
  mocks: MockTarget[];
  inFlight: Int32Array;
  /**
   * Hits per (request, target), in arrival order. The k-th call of a request to a target draws the
   * mock's luck k (the same key simulate uses: the engine's attempt on that target), whoever sends
   * it: routebench's engine (its marker says k), an SDK retrying one attempt, or a gateway that
   * forwards the marker of the client's one call for all of its own retries and failovers.
   * Keyed `request/target`: how many calls arrived. Insertion-ordered: past `MAX_TRACKED` keys the
   * oldest is forgotten.
   */
  calls: Map<string, number>;
  /** Keyed `request/target/attempt` (the marker's): how many hits carried it, and the first of them (its billing). */
  marked: Map<string, { repeats: number; first: Hit }>;
}

/** Keys remembered per run for counting calls (about the hit log's capacity). */
const MAX_TRACKED = 1_000_000;

/** Sets `key` in an insertion-ordered map, forgetting the oldest key past MAX_TRACKED. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_TRACKED) map.delete(map.keys().next().value!);
}

/**
 * Response header with what the mock generates for the call, `<TTFT ms|->,<tokens per ms>,<output
 * tokens of the whole reply>` in scenario units, so a replay bills it as simulate does even when
 * the mock runs in another process.
 */
export const GENERATION_HEADER = 'x-routebench-generation';
/**
 * Response header with the scenario ms after receipt at which the mock scheduled the reply's first
 * byte: what a client measures beyond it (times the time scale) is the harness's own overhead.
 */
export const FIRST_BYTE_HEADER = 'x-routebench-first-byte-ms';

const STATUS_OF: Partial<Record<ErrorKind, ErrorKind>> = { gateway_error: 'bad_gateway', gateway_blocked: 'payment_required' };

export class MockService {
  private readonly byId: Map<string, MockTargetInfo>;
  private readonly runs = new Map<string, RunState>();
  private readonly draw = newDraw();
  readonly hits = new HitLog();
  private seq = 0;

  constructor(
    private readonly targets: readonly MockTargetInfo[],
    private readonly createMocks: () => MockTarget[],
    readonly realNow: () => number,
    private readonly opts: { defaultScale?: number; minGapMs?: number } = {},
  ) {
    this.byId = new Map(targets.map((t) => [t.id, t]));
  }

  /** Starts a run's clock and fresh mock state (rate limits, in-flight counts). */
  startRun(runKey: string, timeScale = this.opts.defaultScale ?? 1): void {
    this.runs.set(runKey, { origin: this.realNow(), scale: timeScale, mocks: this.createMocks(), inFlight: new Int32Array(this.targets.length), calls: new Map(), marked: new Map() });
  }

  endRun(runKey: string): void {
    this.runs.delete(runKey);
  }

  /** The ids of the targets this service mocks, in scenario order. */
  targetIds(): string[] {
    return this.targets.map((t) => t.id);
  }

  knows(targetId: string): boolean {
    return this.byId.has(targetId);
  }

  /** A target's dialect, model and context window, for the checks a server makes before `handle` (request-gate.ts). */
  target(targetId: string): MockTargetInfo | undefined {
    return this.byId.get(targetId);
  }

  handle(req: MockRequest): HandledRequest {
    const target = this.byId.get(req.targetId);
    if (!target) throw new Error(`unknown mock target ${req.targetId}`);
    const marker = readMarker(req.headers, req.body);
    const runKey = marker?.run ?? 'unmarked';
    if (!this.runs.has(runKey)) this.startRun(runKey);
    const run = this.runs.get(runKey)!;
    const body = (req.body ?? {}) as { model?: unknown; stream?: boolean; max_tokens?: number; max_completion_tokens?: number };
    const stream = body.stream === true;
    const index = marker?.request ?? this.seq;
    // Unmarked requests are each a fresh draw (index = seq): nothing to count, and no key to keep per request.
    let repeat = 0;
    let drawIndex = 0;
    let markedKey: string | undefined;
    if (marker) {
      const key = `${index}/${target.index}`;
      const earlier = run.calls.get(key) ?? 0;
      remember(run.calls, key, earlier + 1);
      markedKey = `${key}/${marker.attempt}`;
      repeat = run.marked.get(markedKey)?.repeats ?? 0;
      // The marker's attempt k is the k-th call when every earlier one arrived; one that never did
      // (blocked, cut before it reached the mock) leaves k as it is, and calls the sender did not
      // count (an SDK's or a gateway's retries) move later calls on.
      drawIndex = Math.max(marker.attempt, earlier);
    }
    const request: TrafficRequest = {
      index,
      arrivalMs: 0,
      // The model the request asked for picks the target's per-model behaviour (mock.models) in the
      // mock's own draw, as in simulate: routebench's marker names it (the wire carries the target's
      // model); another sender's body names what it asked for.
      route: marker?.model ?? (typeof body.model === 'string' ? body.model : ''),
      inputTokens: marker?.inputTokens ?? estimatePromptTokens(req.body),
      cachedTokens: marker?.cachedTokens ?? 0,
      outputTokens: marker?.outputTokens ?? body.max_completion_tokens ?? body.max_tokens ?? 16,
      stream,
      tags: {},
    };
    const now = (this.realNow() - run.origin) * run.scale;
    const d = this.draw;
    run.mocks[target.index]!.draw(request, drawIndex, now, run.inFlight[target.index]!, d);
    run.inFlight[target.index]!++;
    const plan = this.replyPlan(target, request, d, run.scale, `${runKey}-${index}-${target.index}-${marker?.attempt ?? 0}-${repeat}`);
    // What the provider generates for this call (scenario ms, tokens): billing follows it (engine/billing.ts).
    const generation = `${d.firstTokenMs === d.firstTokenMs ? d.firstTokenMs : '-'},${d.tokensPerMs},${d.tokensOut}`;
    // When the first byte is due (scenario ms): a JSON reply's whole body at its end, a stream's head at once.
    if (plan.type === 'json') Object.assign(plan.response.headers, { [GENERATION_HEADER]: generation, [FIRST_BYTE_HEADER]: String(d.durationMs) });
    else if (plan.type === 'stream') Object.assign(plan.stream.headers, { [GENERATION_HEADER]: generation, [FIRST_BYTE_HEADER]: '0' });
    const seq = this.seq++;
    const kind = d.kind < 0 ? undefined : (ERROR_KINDS[d.kind] as ErrorKind);
    const hit: Hit = {
      seq,
      run: runKey,
      target: target.id,
      request: marker?.request,
      attempt: marker?.attempt,
      repeat,
      drawIndex,
      stream,
      status: plan.type === 'json' ? plan.response.status : plan.type === 'stream' ? 200 : 0,
      kind,
      scenarioMs: now,
      plannedMs: d.durationMs,
      firstTokenMs: d.firstTokenMs,
      tokensPerMs: d.tokensPerMs,
      tokensIn: request.inputTokens,
      tokensCached: request.cachedTokens,
      tokensOut: d.tokensOut,
      receivedAt: this.realNow(),
      headers: pickHeaders(req.headers),
    };
    this.hits.add(hit);
    if (markedKey !== undefined) {
      const m = run.marked.get(markedKey);
      if (m) m.repeats++;
      else remember(run.marked, markedKey, { repeats: 1, first: hit });
    }
    let released = false;
    return {
      plan,
      hit,
      done: (abandoned = false) => {
        if (released) return;
        released = true;
        run.inFlight[target.index]!--;
        hit.endedAt = this.realNow();
        if (abandoned) hit.abandoned = true;
      },
    };
  }

  /**
   * The hit of one marked call, for billing it the way simulate does (what the mock generated):
   * the `attempt`-th engine call of `request` to `targetId` in run `runKey`, when it reached the
   * mock; undefined otherwise.
   */
  hitOf(runKey: string, request: number, targetId: string, attempt: number): Hit | undefined {
    const target = this.byId.get(targetId);
    return target && this.runs.get(runKey)?.marked.get(`${request}/${target.index}/${attempt}`)?.first;
  }

  /** What the mock generates for that call (scenario ms, tokens; engine/billing.ts's Generation). */
  generation(runKey: string, request: number, targetId: string, attempt: number): { ttftMs: number; tokensPerMs: number; tokensOut: number } | undefined {
    const h = this.hitOf(runKey, request, targetId, attempt);
    return h && { ttftMs: h.firstTokenMs, tokensPerMs: h.tokensPerMs, tokensOut: h.tokensOut };
  }

  private replyPlan(target: MockTargetInfo, req: TrafficRequest, d: ReturnType<typeof newDraw>, scale: number, id: string): MockReplyPlan {
    const dialect = dialects[target.dialect];
    const real = (ms: number) => ms / scale;
    const reply: MockReply = {
      id,
      model: target.model,
      inputTokens: req.inputTokens,
      cachedTokens: req.cachedTokens,
      outputTokens: req.outputTokens,
      ttftMs: real(d.firstTokenMs === d.firstTokenMs ? d.firstTokenMs : 0),
      tokensPerMs: d.tokensPerMs * scale || 1,
      finishReason: 'stop',
    };
    const minGapMs = this.opts.minGapMs;
    if (d.kind < 0) {
      if (req.stream) return { type: 'stream', stream: dialect.encodeStream(reply, { minGapMs }), resetAtEnd: false };
      return { type: 'json', afterMs: real(d.durationMs), response: dialect.encodeResponse(reply) };
    }
    const kind = ERROR_KINDS[d.kind] as ErrorKind;
    if (d.kind === ErrorKindCode.timeout) {
      if (req.stream) return { type: 'stream', stream: dialect.encodeStream(reply, { minGapMs, stall: { afterTokens: 0, ms: Infinity } }), resetAtEnd: false };
      return { type: 'hang' };
    }
    if (d.kind === ErrorKindCode.truncated || d.kind === ErrorKindCode.connection_reset) {
      if (req.stream && d.tokensOut > 0)
        return { type: 'stream', stream: dialect.encodeStream(reply, { minGapMs, truncate: { afterTokens: d.tokensOut, atMs: real(d.durationMs) } }), resetAtEnd: d.kind === ErrorKindCode.connection_reset };
      return { type: 'reset', afterMs: real(d.durationMs) };
    }
    if (d.status === 200 && req.stream) {
      // An in-band error: the stream starts (HTTP 200), then an error event in the dialect's framing.
      return { type: 'stream', stream: dialect.encodeStream(reply, { minGapMs, error: { afterTokens: d.tokensOut, atMs: real(d.durationMs), kind } }), resetAtEnd: false };
    }
    const wireKind = STATUS_OF[kind] ?? kind;
    const retry = d.retryAfterMs >= 0 ? real(d.retryAfterMs) : undefined;
    const response = dialect.encodeError(wireKind, { requestId: `req_${id}`, model: target.model, retryAfterMs: retry, retryAfterShare: retry !== undefined, inputTokens: req.inputTokens, contextWindow: Number.isFinite(target.contextWindow) ? target.contextWindow : undefined });
    // Exact wait in scenario time for routebench's own transport (Anthropic's header has whole seconds).
    if (d.retryAfterMs >= 0) response.headers['x-routebench-retry-after-ms'] = String(d.retryAfterMs);
    return { type: 'json', afterMs: real(d.durationMs), response };
  }
}

function pickHeaders(h: HeaderSource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['x-request-id', 'x-stainless-retry-count', 'x-routebench-request', 'user-agent']) {
    const v = typeof (h as { get?: unknown }).get === 'function' ? (h as { get(n: string): string | null }).get(name) : (h as Record<string, string | string[] | undefined>)[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}
