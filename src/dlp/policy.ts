/**
 * A DLP policy: which detectors run and what each does to a text. `redact` replaces the span with
 * `[REDACTED:<detector>]`, `block` refuses the whole text (a gateway answers 422 or 446), `flag`
 * leaves the text as it is and only counts the finding. Without a policy, credentials are blocked
 * and personal data redacted: the defaults of the gateways that offer DLP (Merge Gateway's
 * Presidio-based rules block or redact; Portkey guardrails deny with 446).
 *
 * @example
 *   const policy = compilePolicy({ detectors: { email: 'flag' }, custom: [{ name: 'ticket', pattern: 'TCK-\\d{6}', action: 'redact' }] });
 *   applyPolicy('mail me at a@b.io about TCK-123456', policy).text; // 'mail me at a@b.io about [REDACTED:ticket]'
 */
import { z } from 'zod';
import { defineDetector, scan, UNSCANNABLE, type Detector, type Finding } from './detector.js';
import { builtinDetectors } from './detectors.js';
import { nestedRepetition } from './regex-safety.js';

export const DLP_ACTIONS = ['redact', 'block', 'flag'] as const;
export type DlpAction = (typeof DLP_ACTIONS)[number];

const action = z.enum(DLP_ACTIONS);
const CREDENTIALS = new Set(['api_key', 'jwt', 'private_key']);

export const dlpPolicySchema = z.strictObject({
  /** Built-in detectors and their actions; `off` disables one. Unnamed ones keep their default. */
  detectors: z.record(z.string(), z.enum([...DLP_ACTIONS, 'off'])).optional(),
  /** Extra rules: a regular expression (JavaScript syntax) and an action. */
  custom: z
    .array(z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower_snake_case'), pattern: z.string().min(1), flags: z.string().regex(/^[imsu]*$/, 'flags may be i, m, s, u').optional(), action }))
    .optional(),
});
export type DlpPolicyInput = z.input<typeof dlpPolicySchema>;

export interface CompiledPolicy {
  readonly detectors: readonly Detector[];
  readonly actions: ReadonlyMap<string, DlpAction>;
}

export interface PolicyFinding extends Finding {
  readonly action: DlpAction;
}

export interface DlpResult {
  /** The text after redaction (unchanged when nothing was redacted). */
  readonly text: string;
  readonly blocked: boolean;
  readonly findings: readonly PolicyFinding[];
}

/** Default action of a built-in detector. */
export const defaultAction = (name: string): DlpAction => (CREDENTIALS.has(name) ? 'block' : 'redact');

/** A policy that cannot be compiled: `path` is the field inside the policy (e.g. `custom[1].pattern`). */
export class PolicyError extends Error {
  readonly path: readonly (string | number)[];
  constructor(path: readonly (string | number)[], message: string) {
    super(message);
    this.name = 'PolicyError';
    this.path = path;
  }
}

/** Builds a policy; throws a PolicyError naming the bad detector or pattern and its field path. */
export function compilePolicy(input: DlpPolicyInput = {}): CompiledPolicy {
  const policy = dlpPolicySchema.parse(input);
  const known = new Map(builtinDetectors.map((d) => [d.name, d]));
  const actions = new Map<string, DlpAction>();
  const detectors: Detector[] = [];
  for (const name of Object.keys(policy.detectors ?? {})) {
    if (!known.has(name)) throw new PolicyError(['detectors', name], `unknown detector "${name}"; known: ${[...known.keys()].join(', ')}`);
  }
  for (const d of builtinDetectors) {
    const chosen = policy.detectors?.[d.name] ?? defaultAction(d.name);
    if (chosen === 'off') continue;
    detectors.push(d);
    actions.set(d.name, chosen);
  }
  for (const [i, rule] of (policy.custom ?? []).entries()) {
    if (known.has(rule.name) || actions.has(rule.name)) throw new PolicyError(['custom', i, 'name'], `custom rule "${rule.name}" repeats a detector name`);
    let pattern: RegExp;
    try {
      pattern = new RegExp(rule.pattern, rule.flags ?? '');
    } catch (e) {
      throw new PolicyError(['custom', i, 'pattern'], `custom rule "${rule.name}": ${(e as Error).message}`);
    }
    const unsafe = nestedRepetition(rule.pattern);
    if (unsafe !== undefined) throw new PolicyError(['custom', i, 'pattern'], `custom rule "${rule.name}": ${unsafe}; it can take exponential time on some texts, write it without the nested repetition`);
    detectors.push(defineDetector({ name: rule.name, description: `custom: /${rule.pattern}/`, priority: 100, pattern }));
    actions.set(rule.name, rule.action);
  }
  return { detectors, actions };
}

const STRENGTH: Readonly<Record<DlpAction, number>> = { flag: 0, redact: 1, block: 2 };

/**
 * Scans `text` and applies the policy's actions. Where findings overlap, the higher-ranked
 * detector names the span (a card is not also a phone number), but the strictest action still
 * applies: a `block` rule whose match overlaps a flagged or redacted email still blocks, and a
 * `redact` rule overlapping a flagged finding is still redacted. Such a finding is reported too.
 */
export function applyPolicy(text: string, policy: CompiledPolicy): DlpResult {
  const overlapped: Finding[] = [];
  const found = scan(text, policy.detectors, overlapped);
  if (found.length === 0) return { text, blocked: false, findings: [] };
  // text a detector could not scan is blocked whatever the rule says: a secret in it would go unseen
  const actionOf = (f: Finding): DlpAction => (f.label === UNSCANNABLE ? 'block' : (policy.actions.get(f.detector) ?? 'flag'));
  const findings: PolicyFinding[] = found.map((f) => ({ ...f, action: actionOf(f) }));
  if (overlapped.length > 0) {
    const strength = new Int8Array(text.length).fill(-1);
    for (const f of findings) strength.fill(STRENGTH[f.action], f.start, f.end);
    for (const f of overlapped) {
      const action = actionOf(f);
      let weaker = false;
      for (let i = f.start; i < f.end && !weaker; i++) weaker = strength[i]! < STRENGTH[action];
      if (weaker) findings.push({ ...f, action });
    }
    findings.sort((a, b) => a.start - b.start || b.end - a.end);
  }
  let out = '';
  let at = 0;
  for (const f of findings) {
    if (f.action !== 'redact' || f.end <= at) continue; // a redaction inside one already made
    out += `${text.slice(at, Math.max(at, f.start))}[REDACTED:${f.detector}]`;
    at = f.end;
  }
  return { text: at === 0 ? text : out + text.slice(at), blocked: findings.some((f) => f.action === 'block'), findings };
}
