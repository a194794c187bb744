/**
 * Which detectors fire on a prompt, as names only (never the values or where they sit): what a
 * recording or an imported log keeps of a prompt so that a scenario can later ask what a DLP
 * policy would have done to it without the text. Every detector runs as if its action were
 * `flag`; the policy's actions are applied later, to the names (`verdictOf`).
 *
 * `found` are the detectors that named a span (where two overlap, the higher-ranked one names it,
 * as in a policy scan); `overlapped` are the detectors whose every finding lay inside a span
 * another detector named. Both are needed for an exact verdict: a policy applies the strictest
 * action of any finding, an overlapped one included (a `phone: block` rule still blocks a card
 * number that also reads as a phone number), so the verdict is the strictest action over both.
 */
import { scan, type Detector, type Finding } from './detector.js';
import { builtinDetectors } from './detectors.js';
import type { CompiledPolicy, DlpAction } from './policy.js';

export interface PromptDlp {
  /** Detectors that named at least one span, sorted. */
  readonly found: readonly string[];
  /** Detectors whose findings all lay inside another's span (not in `found`), sorted; absent when none. */
  readonly overlapped?: readonly string[];
}

export type DlpVerdict = 'block' | 'redact' | 'flag' | 'pass';

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/**
 * The findings of `detectors` (default: every built-in one) on `text`, and on each extra view of
 * the same prompt in `views` (e.g. its text parts joined without line breaks), merged.
 */
export function promptFindings(text: string, detectors: readonly Detector[] = builtinDetectors, views: readonly string[] = []): PromptDlp {
  const found = new Set<string>();
  const lost = new Set<string>();
  for (const t of [text, ...views]) {
    const overlapped: Finding[] = [];
    for (const f of scan(t, detectors, overlapped)) found.add(f.detector);
    for (const f of overlapped) lost.add(f.detector);
  }
  const overlapped = sorted([...lost].filter((d) => !found.has(d)));
  return overlapped.length > 0 ? { found: sorted(found), overlapped } : { found: sorted(found) };
}

const STRENGTH: Readonly<Record<DlpAction, number>> = { flag: 0, redact: 1, block: 2 };

/** A detector's action under `policy`; `off` (not in the policy) is undefined. */
export type ActionOf = (detector: string) => DlpAction | undefined;

/** The action of each detector of a compiled policy (a detector it turned off has none). */
export const policyActions = (policy: CompiledPolicy): ActionOf => (d) => policy.actions.get(d);

/**
 * What a policy does to a prompt with these findings: `block` when any fired detector's action
 * is block, else `redact` when any is redact, else `flag` when any fired, else `pass`. `fired` are
 * the detectors the policy counts: every `found` one it has an action for, and an overlapped one
 * whose action is stricter than every found one's (a scan of the text reports those too).
 */
export function verdictOf(dlp: PromptDlp, actionOf: ActionOf): { verdict: DlpVerdict; fired: string[] } {
  let strongest = -1;
  const fired: string[] = [];
  for (const d of dlp.found) {
    const a = actionOf(d);
    if (a === undefined) continue;
    fired.push(d);
    strongest = Math.max(strongest, STRENGTH[a]);
  }
  let overall = strongest;
  for (const d of dlp.overlapped ?? []) {
    const a = actionOf(d);
    if (a === undefined || STRENGTH[a] <= strongest) continue;
    fired.push(d);
    overall = Math.max(overall, STRENGTH[a]);
  }
  const verdict: DlpVerdict = overall === 2 ? 'block' : overall === 1 ? 'redact' : overall === 0 ? 'flag' : 'pass';
  return { verdict, fired: fired.sort() };
}
