/**
 * Compiles a parsed Portkey config into plan nodes, checking what the schema cannot: modes,
 * targets, weights, conditional names and queries, unsupported features, and the scenario target
 * each leaf stands for. Inheritance follows gateways.md §2.2 ("Inheritance down the tree"):
 * `override_params` merge (child wins per key), `retry` is replaced wholesale when a child sets
 * it, `request_timeout` inherits unless set (0 counts as unset, as in handlerUtils).
 * `override_params` replace the request's own params (handlerUtils spreads them over the body):
 * `model` picks the scenario target (target-map.ts); `max_tokens` and `max_completion_tokens` cap
 * the output the provider generates (the smaller of the two when both are set), so an attempt
 * through that target generates min(the request's output tokens, cap), timed and billed so. `n`
 * other than 1 (several choices) and `stream` change what is generated or how it is delivered and
 * are not reproduced (refused unless allow_unsupported). The rest (temperature, top_p, seed,
 * penalties, tools, ...) change the text, not the token counts or timing a replay measures: accepted.
 */
import { formatPath } from '../../scenario/format-issues.js';
import { nearest } from '../../scenario/suggest.js';
import type { PathSegment } from '../../scenario/yaml-source.js';
import { STRATEGY_MODES, type PortkeyRetry, type PortkeyTarget, type StrategyMode } from './config-schema.js';
import { reportUnsupported } from './features.js';
import type { GroupNode, LeafNode, PlanNode, RetryPlan } from './plan.js';
import { compileQuery, type Report } from './query.js';
import { DEFAULT_RETRY_CODES } from './status.js';
import type { LeafIdentity } from './target-map.js';

export interface CompileEnv {
  /** Records a problem at a path inside the config. */
  report: Report;
  /** The scenario target a leaf stands for (-1 after reporting a problem). */
  resolveLeaf(leaf: LeafIdentity, path: readonly PathSegment[]): number;
  allowUnsupported: boolean;
}

interface Inherited {
  /** override_params merged down the tree (a child's key wins). */
  params: Readonly<Record<string, unknown>>;
  retry: PortkeyRetry | undefined;
  timeoutMs: number | undefined;
}

export function compileConfig(config: PortkeyTarget, env: CompileEnv): PlanNode {
  return compileNode(config, [], { params: {}, retry: undefined, timeoutMs: undefined }, env);
}

const labelOf = (path: readonly PathSegment[]) => (path.length === 0 ? 'config' : formatPath(path));
/** Weights as people wrote them: 0.7 + 0.2 + 0.1 shows as 1, not 0.9999999999999999. */
const num = (x: number) => String(Number(x.toPrecision(12)));

function compileNode(t: PortkeyTarget, path: readonly PathSegment[], parent: Inherited, env: CompileEnv): PlanNode {
  if (!env.allowUnsupported) reportUnsupported(t, path, env.report);
  if (t.override_params) checkOverrides(t.override_params, [...path, 'override_params'], env);
  const inh: Inherited = {
    params: t.override_params ? { ...parent.params, ...t.override_params } : parent.params,
    retry: t.retry ?? parent.retry,
    timeoutMs: t.request_timeout ? t.request_timeout : parent.timeoutMs,
  };
  const mode = t.strategy?.mode;
  if (mode === undefined) {
    if (t.targets !== undefined) env.report([...path, 'targets'], 'targets without strategy.mode are ignored: the gateway sends to this node as a single provider; add strategy: { mode: ... }');
    return compileLeaf(t, path, inh, env);
  }
  if (!STRATEGY_MODES.includes(mode as StrategyMode)) {
    const guess = nearest(mode, STRATEGY_MODES);
    env.report([...path, 'strategy', 'mode'], `unknown strategy.mode "${mode}"${guess ? `; did you mean "${guess}"?` : ''} (the OSS gateway accepts ${STRATEGY_MODES.join(', ')})`);
  }
  const children = (t.targets ?? []).map((c, i) => compileNode(c, [...path, 'targets', i], inh, env));
  if (children.length === 0) env.report([...path, t.targets ? 'targets' : 'strategy'], `strategy.mode "${mode}" needs a non-empty targets list`);
  // an unknown mode was reported above; it is compiled as a fallback only so its children are checked too
  return compileGroup(STRATEGY_MODES.includes(mode as StrategyMode) ? (mode as StrategyMode) : 'fallback', t, children, path, env);
}

/** The output caps a node sets: whole numbers ≥ 1 (the providers refuse anything else). */
const CAP_KEYS = ['max_tokens', 'max_completion_tokens'] as const;
const isCap = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

function checkOverrides(own: Readonly<Record<string, unknown>>, at: readonly PathSegment[], env: CompileEnv): void {
  for (const k of CAP_KEYS)
    if (own[k] !== undefined && own[k] !== null && !isCap(own[k])) env.report([...at, k], `override_params.${k} must be a whole number ≥ 1 (the provider refuses anything else)`);
  if (env.allowUnsupported) return;
  const ignore = '; set allow_unsupported: true to ignore it';
  if (own.n !== undefined && own.n !== 1) env.report([...at, 'n'], `override_params.n asks for several choices, which multiplies output tokens and cost; not reproduced${ignore}`);
  if (own.stream !== undefined) env.report([...at, 'stream'], `override_params.stream changes how the answer is delivered, which the request's own stream flag decides in a replay; not reproduced${ignore}`);
}

function compileLeaf(t: PortkeyTarget, path: readonly PathSegment[], inh: Inherited, env: CompileEnv): LeafNode {
  const model = typeof inh.params.model === 'string' ? inh.params.model : undefined;
  const caps = CAP_KEYS.map((k) => inh.params[k]).filter(isCap);
  const maxOutputTokens = caps.length > 0 ? Math.min(...caps) : undefined;
  const target = env.resolveLeaf({ name: t.name, virtualKey: t.virtual_key, provider: t.provider, model }, path);
  const attempts = inh.retry?.attempts ?? 0;
  // requestContext.normalizeRetryConfig: codes only when attempts > 0; given codes replace the defaults
  const retry: RetryPlan = { attempts, codes: attempts > 0 ? (inh.retry?.on_status_codes ?? DEFAULT_RETRY_CODES) : [], useRetryAfter: inh.retry?.use_retry_after_header === true };
  const label = labelOf(path);
  const retrySend = Array.from({ length: attempts + 1 }, (_, k) => `portkey: retry ${k}/${attempts} of ${label}`);
  return { kind: 'leaf', label, target: Math.max(0, target), timeoutMs: inh.timeoutMs, maxOutputTokens, retry, retrySend, reasons: new Map() };
}

function compileGroup(mode: StrategyMode, t: PortkeyTarget, children: PlanNode[], path: readonly PathSegment[], env: CompileEnv): GroupNode {
  const strategy = t.strategy!;
  const targets = t.targets ?? [];
  const childLabels = children.map((c) => c.label);
  const weights = targets.map((c) => c.weight ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  if (mode === 'loadbalance' && children.length > 0 && total <= 0)
    env.report([...path, 'targets'], 'every weight is 0: the gateway picks no target ("No provider selected"); give at least one target a positive weight');
  const conditions: { when: GroupNode['conditions'][number]['when']; child: number }[] = [];
  const conditionReason: string[] = [];
  let defaultChild = -1;
  if (mode === 'conditional') {
    const names = targets.map((c) => c.name);
    const named = (name: string, at: readonly PathSegment[]) => {
      const i = names.indexOf(name);
      if (i < 0) env.report(at, `no target named "${name}" in this node's targets (names: ${names.filter(Boolean).join(', ') || 'none; give targets a name'}); the gateway answers 400`);
      return i;
    };
    const at = [...path, 'strategy'];
    if (strategy.conditions === undefined) env.report(at, 'mode "conditional" needs strategy.conditions (without them the gateway answers 400 "No conditions passed")');
    (strategy.conditions ?? []).forEach((c, i) => {
      const child = named(c.then, [...at, 'conditions', i, 'then']);
      conditions.push({ when: compileQuery(c.query, [...at, 'conditions', i, 'query'], env.report), child });
      conditionReason.push(`conditional ${childLabels[child] ?? '?'} (condition ${i + 1}, then "${c.then}")`);
    });
    if (strategy.default !== undefined) defaultChild = named(strategy.default, [...at, 'default']);
    conditionReason.push(`conditional default ${childLabels[defaultChild] ?? '?'} ("${strategy.default ?? ''}")`);
  }
  const enterReason = childLabels.map((label, i) => {
    if (mode === 'loadbalance') return `loadbalance picked ${label} (weight ${num(weights[i]!)}/${num(total)})`;
    if (mode === 'fallback') return `fallback ${label} (${i + 1} of ${children.length})`;
    return `single ${label}`;
  });
  const codes = mode === 'fallback' && strategy.on_status_codes ? new Set(strategy.on_status_codes) : undefined;
  return { kind: mode, label: labelOf(path), children, codes, weights, conditions, defaultChild, enterReason, conditionReason };
}
