/** Shared helpers for the openrouter strategy tests: endpoints, observed attempts, plans. */
import { expect } from 'vitest';
import type { ErrorKind } from '../../src/providers/canonical.js';
import type { Decision, TargetInfo } from '../../src/strategies/strategy.js';
import { Harness, makeAttempt, makeRequest } from './fake-context.js';

/** Targets [id, provider slug, model, price]: a number is one price for every token. */
export function endpoints(spec: readonly (readonly [string, string, string, number | { input: number; output: number }])[]): TargetInfo[] {
  return spec.map(([id, provider, model, p], index) => {
    const { input, output } = typeof p === 'number' ? { input: p, output: p } : p;
    return { index, id, provider, model, price: { input, output, cached_input: input }, contextWindow: Infinity, timeoutMs: 60_000 };
  });
}

/** A, B, C at $1 / $2 / $3 per 1M tokens, one model: the documented load-balancing example. */
export const ABC = endpoints([
  ['A', 'a', 'm', 1],
  ['B', 'b', 'm', 2],
  ['C', 'c', 'm', 3],
]);

export const build = (options: unknown, targets: readonly TargetInfo[] = ABC, seed = 7) => Harness.of('openrouter', options, { targets, seed });

/** Feeds `count` failed attempts of `kind` on `target`, ending at `at`. */
export function failures(h: Harness, target: number, count: number, at: number, kind: ErrorKind = 'server_error'): void {
  for (let i = 0; i < count; i++) h.router.observe!(makeAttempt({ target, outcome: kind === 'timeout' ? 'timeout' : 'error', errorKind: kind, sentMs: at - 50, endMs: at }), at);
}

/** Feeds successful attempts of `target` with these TTFTs (ms) and output tokens/s. */
export function successes(h: Harness, target: number, at: number, samples: readonly { ttft?: number; tps?: number; ms?: number }[]): void {
  for (const s of samples) {
    const ms = s.ms ?? 1000;
    const tokensOut = s.tps === undefined ? 0 : Math.round((s.tps * ms) / 1000);
    h.router.observe!(makeAttempt({ request: makeRequest({ stream: s.ttft !== undefined }), target, outcome: 'ok', sentMs: at - ms, endMs: at, ttftMs: s.ttft, tokensOut }), at);
  }
}

/**
 * Runs one request to the end, every attempt failing, and returns the target ids tried in order
 * and the decisions. The failures are not shown to observe (so they do not demote anything)
 * unless `observe` is set.
 */
export function tryAll(h: Harness, partial: Parameters<Harness['request']>[0] = {}, observe = false): { ids: string[]; decisions: Decision[] } {
  const req = h.request(partial);
  let d = req.decide('arrival');
  while (d.type === 'send') {
    if (observe) d = req.fail('server_error');
    else {
      const p = req.pending.shift()!;
      h.inFlight[p.target]!--;
      const view = makeAttempt({ request: req.request, target: p.target, attempt: p.attempt, outcome: 'error', errorKind: 'server_error', retryable: true, sentMs: p.sentMs, endMs: h.now });
      req.attempts.push(view);
      d = req.decide('attempt', view);
    }
  }
  const ids = req.decisions.flatMap((x) => (x.type === 'send' ? [h.built.targets[x.target]!.id] : []));
  return { ids, decisions: req.decisions };
}

export const reasons = (ds: readonly Decision[]) => ds.map((d) => d.reason);

/** Shares of first picks over `n` requests, by target id. */
export function firstPickShares(h: Harness, n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const d = h.first();
    const id = d.type === 'send' ? h.built.targets[d.target]!.id : d.type;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / n]));
}

/** |observed − expected| within 3 standard errors of a share over n draws. */
export function expectShare(observed: number | undefined, expected: number, n: number, label: string): void {
  const sigma = Math.sqrt((expected * (1 - expected)) / n);
  expect(Math.abs((observed ?? 0) - expected), `${label}: ${observed} vs ${expected} (3σ = ${(3 * sigma).toFixed(4)})`).toBeLessThanOrEqual(3 * sigma);
}
