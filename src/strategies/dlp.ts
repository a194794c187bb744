/**
 * `dlp` (wrapper): what a gateway's data-loss-prevention scan would do to this traffic, around any
 * strategy. Each request's prompt is scanned with a DLP policy (src/dlp): a `block` finding refuses
 * the request before any provider call (Merge Gateway answers 422, a Portkey guardrail with
 * `deny` 446), `redact` rewrites it and routes it on, `flag` only notes the finding. `scan_ms`
 * models the time the gateway's scan adds before routing.
 *
 * Prompts come from a seeded corpus with planted, labelled values (`prompts.corpus`), so the
 * report can show recall and precision per detector next to how many requests were blocked or
 * rewritten; or, with `prompts: trace`, from the trace itself: the detectors `routebench record`
 * (or an importer, where the log held the prompt) found on each request's prompt, to which the
 * policy's actions are applied (no text, so no custom pattern, and no recall or precision). The
 * first attempt's decision reason (or the refused request's stop reason) starts with
 * `dlp <verdict>; found=<detectors>; planted=<detectors>` (corpus) or
 * `dlp <verdict>; found=<detectors>; from=trace`, which the report reads in SQL.
 */
import { z } from 'zod';
import { corpusPrompt } from '../dlp/corpus.js';
import { builtinDetectors } from '../dlp/detectors.js';
import { applyPolicy, compilePolicy, dlpPolicySchema, PolicyError, type CompiledPolicy, type DlpAction, type DlpPolicyInput } from '../dlp/policy.js';
import { verdictOf } from '../dlp/prompt-findings.js';
import { inputError } from '../errors.js';
import { editDistance } from '../scenario/suggest.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import { memberRunner } from './member-loop.js';
import { memberSchema } from './member-schema.js';
import { defineStrategy, refuse, wait, type DecideContext, type Trigger } from './strategy.js';

/** Trace formats whose rows can carry `prompt_dlp`: routebench JSONL (record, import) and the importers that read prompts. */
const TRACE_FORMATS_WITH_FINDINGS = ['routebench', 'otel-genai', 'litellm', 'portkey'];
const HOW_TO_RECORD =
  'record the traffic with `routebench record` (every row then carries prompt_dlp), or import logs that hold the prompts (otel-genai with content capture on, litellm with store_prompts_in_spend_logs, portkey exports with request); or use prompts: { corpus: {...} }';

interface DlpState {
  /** `dlp <verdict>; found=…; planted=…` (corpus) or `dlp <verdict>; found=…; from=trace` for this request. */
  tag: string;
  blocked: boolean;
  /** The scan's wait is over and the inner strategy has seen the request arrive. */
  routed: boolean;
  /** The tag has been put on a decision that starts an attempt. */
  noted: boolean;
}

const names = (xs: readonly { detector: string }[]): string => [...new Set(xs.map((x) => x.detector))].sort().join(',');

export const dlp = defineStrategy({
  name: 'dlp',
  summary: 'wrapper: a DLP scan of each prompt before routing (block, redact or flag per detector): on a seeded corpus, with recall and precision, or on the detectors recorded for each request of the trace (prompts: trace)',
  options: z.strictObject({
    inner: memberSchema.meta({ description: 'Target id or nested strategy that routes what the scan lets through.' }),
    policy: dlpPolicySchema.default({}).meta({ description: 'detectors: {name: redact|block|flag|off}; custom: [{name, pattern, flags?, action}]. Default: credentials block, personal data redact.' }),
    prompts: z
      .union([
        z.strictObject({
          corpus: z.strictObject({
            seed: z.number().int().min(0).default(1),
            secret_share: z.number().min(0).max(1).default(0.05).meta({ description: 'Share of prompts carrying a planted sensitive value.' }),
            decoy_share: z.number().min(0).max(1).default(0.2).meta({ description: 'Share of prompts carrying a near-miss lookalike.' }),
          }),
        }),
        z.literal('trace').meta({ description: "The detectors recorded for each request's prompt in the trace (prompt_dlp): the policy's actions are applied to them." }),
      ])
      .default({ corpus: { seed: 1, secret_share: 0.05, decoy_share: 0.2 } })
      .meta({ description: 'Where prompts come from: a seeded corpus with planted values (default; recall and precision), or `trace`: what record/import found on the traffic\'s own prompts.' }),
    scan_ms: z.number().min(0).default(0).meta({ description: 'Time the scan adds before the request is routed (or refused), ms.' }),
  }),
  create(options, init) {
    const runner = memberRunner(init.member(options.inner, ['inner']), init.slot(), 'dlp');
    const slot = init.slot();
    const prompts = options.prompts;
    let scan: (request: TrafficRequest) => DlpState;
    if (prompts === 'trace') {
      const actions = traceActions(options.policy, init.problem);
      if (init.traffic?.kind === 'synthetic') init.problem(['prompts'], `prompts: trace reads the DLP findings recorded in a trace, and this scenario's traffic is synthetic; ${HOW_TO_RECORD}`);
      else if (init.traffic?.kind === 'trace' && !TRACE_FORMATS_WITH_FINDINGS.includes(init.traffic.format))
        init.problem(['prompts'], `prompts: trace reads the DLP findings recorded in a trace, and the trace format ${init.traffic.format} carries none (only ${TRACE_FORMATS_WITH_FINDINGS.join(', ')} can); ${HOW_TO_RECORD}`);
      scan = (request) => {
        if (request.promptDlp === undefined)
          throw inputError(
            'DLP_NO_FINDINGS',
            `dlp prompts: trace: request ${request.index + 1}${request.id === undefined ? '' : ` (id ${request.id})`} of the trace has no prompt_dlp (the DLP detectors that fired on its prompt), so the policy has nothing to act on`,
            [],
            HOW_TO_RECORD,
          );
        const { verdict, fired } = verdictOf(request.promptDlp, (d) => actions.get(d));
        return { tag: `dlp ${verdict}; found=${fired.join(',')}; from=trace`, blocked: verdict === 'block', routed: false, noted: false };
      };
    } else {
      let policy: CompiledPolicy;
      try {
        policy = compilePolicy(options.policy);
      } catch (e) {
        init.problem(['policy', ...(e instanceof PolicyError ? e.path : [])], (e as Error).message);
        policy = compilePolicy();
      }
      const corpus = { secretShare: prompts.corpus.secret_share, decoyShare: prompts.corpus.decoy_share };
      scan = (request) => {
        const prompt = corpusPrompt(prompts.corpus.seed, request.index, corpus);
        const result = applyPolicy(prompt.text, policy);
        const verdict = result.blocked ? 'block' : result.findings.some((f) => f.action === 'redact') ? 'redact' : result.findings.length > 0 ? 'flag' : 'pass';
        return { tag: `dlp ${verdict}; found=${names(result.findings)}; planted=${names(prompt.planted)}`, blocked: result.blocked, routed: false, noted: false };
      };
    }
    // The inner strategy sees the request arrive once the scan is done, as it would behind a gateway.
    const asArrival = (ctx: DecideContext) => {
      const mutable = ctx as { trigger: Trigger };
      const was = mutable.trigger;
      mutable.trigger = 'arrival';
      try {
        return runner.decide(ctx);
      } finally {
        mutable.trigger = was;
      }
    };
    return {
      observe: runner.observe,
      decide(ctx) {
        let st = ctx.state[slot] as DlpState | undefined;
        if (st === undefined) {
          st = scan(ctx.request);
          ctx.state[slot] = st;
          if (options.scan_ms > 0) return wait(options.scan_ms, `${st.tag}; scanning`);
        }
        if (st.blocked) return refuse(st.tag);
        const d = st.routed ? runner.decide(ctx) : asArrival(ctx);
        st.routed = true;
        if (st.noted || (d.type !== 'send' && d.type !== 'hedge')) return d.type === 'stop' && !st.noted ? { ...d, reason: `${st.tag} | ${d.reason}` } : d;
        st.noted = true;
        return { ...d, reason: `${st.tag} | ${d.reason}` };
      },
    };
  },
});

/**
 * The policy's action per detector name for `prompts: trace`: built-in detectors as in any policy
 * (unnamed ones keep their default, `off` drops one); a name that is not built in is a custom rule
 * of the recording's own policy (`record --dlp`), whose findings the trace carries under that name.
 * A `custom` rule (a pattern) cannot run: there is no text to run it on.
 */
function traceActions(input: DlpPolicyInput, problem: (path: readonly (string | number)[], message: string) => void): Map<string, DlpAction> {
  const builtin = new Set(builtinDetectors.map((d) => d.name));
  const named = Object.entries(input.detectors ?? {});
  for (const [i, rule] of (input.custom ?? []).entries())
    problem(
      ['policy', 'custom', i],
      `custom rule "${rule.name}" cannot run with prompts: trace: the trace holds which detectors fired on each prompt, not the text a pattern would search. If the recording's policy (record --dlp) had this rule, its findings are in the trace under its name: give its action as policy.detectors.${rule.name}; else use prompts: { corpus: {...} }`,
    );
  const actions = new Map<string, DlpAction>();
  try {
    // built-in names checked and defaulted as compilePolicy does
    const policy = compilePolicy({ detectors: Object.fromEntries(named.filter(([n]) => builtin.has(n))) });
    for (const [name, action] of policy.actions) actions.set(name, action);
  } catch (e) {
    problem(['policy', ...(e instanceof PolicyError ? e.path : [])], (e as Error).message);
  }
  for (const [name, action] of named) {
    if (builtin.has(name)) continue;
    // a typo of a built-in name would silently never fire
    const near = [...builtin].find((b) => editDistance(name, b) <= 2);
    if (!/^[a-z][a-z0-9_]*$/.test(name) || near !== undefined)
      problem(['policy', 'detectors', name], `"${name}" is no built-in detector${near === undefined ? '' : ` (did you mean "${near}"?)`}${/^[a-z][a-z0-9_]*$/.test(name) ? '' : ', nor a custom rule name (lower_snake_case)'}`);
    else if (action !== 'off') actions.set(name, action);
  }
  return actions;
}
