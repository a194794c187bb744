/**
 * Turns an external gateway's run into attempt rows: per request, the upstream calls the mock
 * server logged for it (matched by the routebench marker the gateway forwarded), in arrival order,
 * then the client's own call to the gateway, then a `gave_up` row if the client did not get an
 * answer. An upstream call the gateway hung up on before the mock's planned end is `aborted` (the
 * gateway's own timeout or hedge); one that never answered and was given up is a `timeout`.
 */
import { KIND_RETRYABLE, type ErrorKind } from '../providers/canonical.js';
import type { AttemptRows } from './attempt-rows.js';
import { costUsd } from './billing.js';
import type { ClientCall } from './external-run.js';
import { addObservedRow } from './observed-rows.js';
import type { TargetPlan } from './plan-targets.js';

/** A mock server hit as `GET /_routebench/hits` returns it (Infinity and NaN arrive as null). */
export interface HitJson {
  seq: number;
  target: string;
  request?: number;
  status: number;
  kind?: ErrorKind;
  scenarioMs: number;
  plannedMs: number | null;
  firstTokenMs: number | null;
  tokensIn: number;
  tokensCached: number;
  tokensOut: number;
  receivedAt: number;
  endedAt?: number;
  abandoned?: boolean;
}

export interface Attribution {
  /** Upstream calls written as attempt rows. */
  upstreamRows: number;
  /** Hits of this run whose request number matched no client call. */
  unmatchedHits: number;
  /** Requests the gateway answered without any upstream call reaching the mock (a cache, or a route elsewhere). */
  answeredWithoutUpstream: number;
}

const UPSTREAM = "external: upstream call seen in the mock server's log";
const CLIENT = "external: the client's call to the gateway";

export function attributeHits(calls: readonly ClientCall[], hits: readonly HitJson[], targets: readonly TargetPlan[], scale: number, rows: AttemptRows): Attribution {
  const targetNo = new Map(targets.map((t) => [t.id, t.index]));
  const byRequest = new Map<number, HitJson[]>();
  for (const h of [...hits].sort((a, b) => a.seq - b.seq)) {
    if (h.request === undefined) continue;
    const list = byRequest.get(h.request);
    if (list) list.push(h);
    else byRequest.set(h.request, [h]);
  }
  const out: Attribution = { upstreamRows: 0, unmatchedHits: 0, answeredWithoutUpstream: 0 };
  for (const call of [...calls].sort((a, b) => a.request.index - b.request.index)) {
    const req = call.request;
    const mine = byRequest.get(req.index) ?? [];
    byRequest.delete(req.index);
    let n = 0;
    for (const h of mine) {
      const t = targetNo.get(h.target);
      if (t === undefined) continue;
      const elapsed = h.endedAt === undefined ? (h.plannedMs ?? 0) : (h.endedAt - h.receivedAt) * scale;
      // The mock knows whether the caller hung up before its reply was over.
      const outcome = h.kind === 'timeout' ? 'timeout' : h.abandoned ? 'aborted' : h.kind !== undefined ? 'error' : 'ok';
      const firstToken = h.firstTokenMs ?? NaN;
      const started = firstToken === firstToken && elapsed >= firstToken;
      const price = targets[t]!.price;
      // ok: everything; an error after HTTP 200 (in-band, cut): the prompt and what was sent; abandoned or timed out: the prompt once it was processed.
      const out_ = outcome === 'ok' || (outcome === 'error' && h.status === 200) ? h.tokensOut : 0;
      const billed = outcome === 'ok' || (outcome === 'error' && h.status === 200) || ((outcome === 'aborted' || outcome === 'timeout') && started);
      addObservedRow(rows, {
        request: req,
        attemptNo: n++,
        targetNo: t,
        sentMs: h.scenarioMs,
        firstTokenMs: req.stream && started && outcome === 'ok' ? h.scenarioMs + firstToken : NaN,
        endMs: h.scenarioMs + elapsed,
        outcome,
        status: h.status,
        errorKind: outcome === 'aborted' ? undefined : outcome === 'timeout' ? 'timeout' : h.kind,
        retryable: h.kind === undefined ? false : KIND_RETRYABLE[h.kind],
        tokensIn: billed ? h.tokensIn : 0,
        tokensCached: billed ? h.tokensCached : 0,
        tokensOut: billed ? out_ : 0,
        costUsd: billed ? costUsd(price, h.tokensIn, h.tokensCached, out_) : 0,
        reason: UPSTREAM,
      });
    }
    out.upstreamRows += n;
    const r = call.result;
    const ok = r.outcome === 'ok';
    if (ok && n === 0) out.answeredWithoutUpstream++;
    const kind: ErrorKind | undefined = ok ? undefined : (r.errorKind ?? (r.outcome === 'timeout' ? 'timeout' : 'gateway_error'));
    const base = { request: req, targetNo: -1, tokensIn: 0, tokensCached: 0, tokensOut: 0, costUsd: 0 };
    const gap = req.stream && r.chunks !== undefined && r.chunks > 1 && r.maxGapMs !== undefined ? r.maxGapMs * scale : NaN;
    addObservedRow(rows, { ...base, attemptNo: n, sentMs: call.sentMs, firstTokenMs: ok ? call.firstTokenMs : NaN, endMs: call.endMs, outcome: r.outcome === 'aborted' ? 'error' : r.outcome, status: r.status, errorKind: kind, retryable: r.retryable, reason: CLIENT, maxGapMs: gap });
    if (!ok) addObservedRow(rows, { ...base, attemptNo: n + 1, sentMs: call.endMs, firstTokenMs: NaN, endMs: call.endMs, outcome: 'gave_up', status: 0, errorKind: kind, retryable: false, reason: `external: the gateway answered ${r.status > 0 ? r.status : 'nothing'} (${kind})` });
    rows.countRequest();
  }
  for (const rest of byRequest.values()) out.unmatchedHits += rest.length;
  return out;
}
