/**
 * `dlp` (wrapper): what a gateway's data-loss-prevention scan would do to this traffic, around any
 * strategy. Each request's prompt is scanned with a DLP policy (src/dlp): a `block` finding refuses
 * the request before any provider call (Merge Gateway answers 422, a Portkey guardrail with
 * `deny` 446), `redact` rewrites it and routes it on, `flag` only notes the finding. `scan_ms`
 * models the time the gateway's scan adds before routing.
 *
 * Prompts come from a seeded corpus with planted, labelled values (`prompts.corpus`), so the
 * report can show recall and precision per detector next to how many requests were blocked or
 * rewritten. The first attempt's decision reason (or the refused request's stop reason) starts
 * with `dlp <verdict>; found=<detectors>; planted=<detectors>`, which the report reads in SQL.
 */
import { z } from 'zod';
import { corpusPrompt } from '../dlp/corpus.js';
import { applyPolicy, compilePolicy, dlpPolicySchema, PolicyError, type CompiledPolicy } from '../dlp/policy.js';
import { memberRunner } from './member-loop.js';
import { memberSchema } from './member-schema.js';
import { defineStrategy, stop, wait, type DecideContext, type Trigger } from './strategy.js';

interface DlpState {
  /** `dlp <verdict>; found=…; planted=…` for this request. */
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
  summary: 'wrapper: a DLP scan of each prompt before routing (block, redact or flag per detector), with recall and precision on a seeded corpus',
  options: z.strictObject({
    inner: memberSchema.meta({ description: 'Target id or nested strategy that routes what the scan lets through.' }),
    policy: dlpPolicySchema.default({}).meta({ description: 'detectors: {name: redact|block|flag|off}; custom: [{name, pattern, flags?, action}]. Default: credentials block, personal data redact.' }),
    prompts: z
      .strictObject({
        corpus: z.strictObject({
          seed: z.number().int().min(0).default(1),
          secret_share: z.number().min(0).max(1).default(0.05).meta({ description: 'Share of prompts carrying a planted sensitive value.' }),
          decoy_share: z.number().min(0).max(1).default(0.2).meta({ description: 'Share of prompts carrying a near-miss lookalike.' }),
        }),
      })
      .default({ corpus: { seed: 1, secret_share: 0.05, decoy_share: 0.2 } }),
    scan_ms: z.number().min(0).default(0).meta({ description: 'Time the scan adds before the request is routed (or refused), ms.' }),
  }),
  create(options, init) {
    const runner = memberRunner(init.member(options.inner, ['inner']), init.slot(), 'dlp');
    const slot = init.slot();
    let policy: CompiledPolicy;
    try {
      policy = compilePolicy(options.policy);
    } catch (e) {
      init.problem(['policy', ...(e instanceof PolicyError ? e.path : [])], (e as Error).message);
      policy = compilePolicy();
    }
    const corpus = { secretShare: options.prompts.corpus.secret_share, decoyShare: options.prompts.corpus.decoy_share };
    const scan = (index: number): DlpState => {
      const prompt = corpusPrompt(options.prompts.corpus.seed, index, corpus);
      const result = applyPolicy(prompt.text, policy);
      const verdict = result.blocked ? 'block' : result.findings.some((f) => f.action === 'redact') ? 'redact' : result.findings.length > 0 ? 'flag' : 'pass';
      return { tag: `dlp ${verdict}; found=${names(result.findings)}; planted=${names(prompt.planted)}`, blocked: result.blocked, routed: false, noted: false };
    };
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
          st = scan(ctx.request.index);
          ctx.state[slot] = st;
          if (options.scan_ms > 0) return wait(options.scan_ms, `${st.tag}; scanning`);
        }
        if (st.blocked) return stop(st.tag);
        const d = st.routed ? runner.decide(ctx) : asArrival(ctx);
        st.routed = true;
        if (st.noted || (d.type !== 'send' && d.type !== 'hedge')) return d.type === 'stop' && !st.noted ? { ...d, reason: `${st.tag} | ${d.reason}` } : d;
        st.noted = true;
        return { ...d, reason: `${st.tag} | ${d.reason}` };
      },
    };
  },
});
