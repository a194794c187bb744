/** Helpers for the litellm strategy tests: scenario targets, config builders, hand-driven attempts. */
import { expect } from 'vitest';
import type { Price } from '../../src/providers/canonical.js';
import type { Decision, TargetInfo } from '../../src/strategies/strategy.js';
import { buildStrategy, Harness, makeAttempt, type FakeRequest } from './fake-context.js';

export interface TargetSpec {
  id: string;
  provider: string;
  model: string;
  price?: Partial<Price>;
  contextWindow?: number;
}

/** Default scenario targets: two providers of gpt-4o-mini, one Claude, one big-context model. */
export const TARGETS: TargetSpec[] = [
  { id: 'oa', provider: 'openai', model: 'gpt-4o-mini', price: { input: 0.15, output: 0.6 } },
  { id: 'az', provider: 'azure', model: 'gpt-4o-mini', price: { input: 0.15, output: 0.6 } },
  { id: 'an', provider: 'anthropic', model: 'claude-3-5-haiku', price: { input: 0.8, output: 4 } },
  { id: 'big', provider: 'google', model: 'gemini-2.5-flash', price: { input: 0.3, output: 2.5 }, contextWindow: 1_000_000 },
];

export function targets(specs: readonly TargetSpec[] = TARGETS): TargetInfo[] {
  return specs.map((s, index) => {
    const input = s.price?.input ?? 1;
    return { index, id: s.id, provider: s.provider, model: s.model, price: { input, output: s.price?.output ?? 1, cached_input: input }, contextWindow: s.contextWindow ?? 128_000, timeoutMs: 60_000 };
  });
}

/** One model_list entry. */
export function dep(group: string, model: string, params: Record<string, unknown> = {}, id?: string): Record<string, unknown> {
  return { model_name: group, litellm_params: { model, ...params }, ...(id === undefined ? {} : { model_info: { id } }) };
}

/** The two-deployment gpt-4o-mini group plus a claude group (1 deployment) and a big-context group. */
export function baseList(p: { oa?: Record<string, unknown>; az?: Record<string, unknown> } = {}): Record<string, unknown>[] {
  return [
    dep('gpt-4o-mini', 'openai/gpt-4o-mini', p.oa),
    dep('gpt-4o-mini', 'azure/gpt-4o-mini', p.az),
    dep('claude', 'anthropic/claude-3-5-haiku'),
    dep('big', 'google/gemini-2.5-flash'),
  ];
}

export function lite(config: Record<string, unknown>, extra: Record<string, unknown> = {}, seed = 1, specs: readonly TargetSpec[] = TARGETS): Harness {
  return new Harness(buildStrategy('litellm', { config, ...extra }, { targets: targets(specs), seed }));
}

/** The problems (path: message) building the strategy records. */
export function problemsOf(options: Record<string, unknown>, specs: readonly TargetSpec[] = TARGETS): string[] {
  return buildStrategy('litellm', options, { targets: targets(specs), allowProblems: true }).problems.map((p) => `${p.path}: ${p.message}`);
}

export function expectProblem(options: Record<string, unknown>, pattern: RegExp, specs?: readonly TargetSpec[]): void {
  const problems = problemsOf(options, specs);
  expect(problems.some((p) => pattern.test(p)), `${pattern} not in:\n${problems.join('\n')}`).toBe(true);
}

export const target = (d: Decision): number => (d.type === 'send' || d.type === 'hedge' ? d.target : -1);

/** Ends the request's oldest pending attempt successfully, with tokens (FakeRequest.end bills none). */
export function succeed(h: Harness, req: FakeRequest, o: { latencyMs: number; tokensOut: number; ttftMs?: number }): void {
  const p = req.pending.shift()!;
  h.inFlight[p.target]!--;
  const a = makeAttempt({
    request: req.request,
    target: p.target,
    attempt: p.attempt,
    outcome: 'ok',
    sentMs: p.sentMs,
    endMs: p.sentMs + o.latencyMs,
    ttftMs: o.ttftMs,
    tokensIn: req.request.inputTokens,
    tokensOut: o.tokensOut,
  });
  req.attempts.push(a);
  h.router.observe?.(a, h.now);
}

/** |count − n·p| within 3 standard deviations of a binomial(n, p). */
export function expectWithin3Sigma(count: number, n: number, p: number, label: string): void {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - n * p), `${label}: ${count} vs expected ${n * p} ± ${3 * sigma}`).toBeLessThanOrEqual(3 * sigma);
}

/** First-pick counts per target over `n` requests on `route`, each finished at once (ok, no tokens). */
export function firstPicks(h: Harness, n: number, route: string): number[] {
  const counts = new Array<number>(h.built.targets.length).fill(0);
  for (let i = 0; i < n; i++) {
    const req = h.request({ route });
    const t = target(req.decide('arrival'));
    counts[t]!++;
    req.end({ outcome: 'ok' });
  }
  return counts;
}

/** The scenario that runs fixtures/configs/litellm-router.yaml (or a config equal to it) over 1,200 requests with two outages. */
export const fixtureScenario = (configFile: string, name = 'litellm-include') => `
name: ${name}
seed: 4
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 2 }
    count: 1200
    input_tokens: { dist: lognormal, p50: 4000, p99: 150000 }
    output_tokens: { dist: constant, value: 100 }
    stream: 0
targets:
  openai: { provider: openai, model: gpt-4o-mini, context_window: 128000, mock: { profile: perfect } }
  azure: { provider: azure, model: gpt-4o-mini, context_window: 128000, mock: { profile: perfect, ttft_ms: { p50: 600, p99: 600 } } }
  anthropic: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
  gemini: { provider: gemini, model: gemini-2.5-flash, context_window: 1048576, mock: { profile: perfect } }
incidents:
  - { name: openai-down, kind: outage, targets: [openai], start: 200s, duration: 100s }
  - { name: gpt-down, kind: outage, targets: [openai, azure], start: 400s, duration: 60s }
strategies:
  litellm: { use: litellm, options: { config_file: ${configFile} } }
`;
