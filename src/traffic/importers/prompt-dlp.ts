/**
 * A log record's prompt, where the source logged it, scanned at import time by every built-in DLP
 * detector: only the names of the detectors that fired are kept (the row's `prompt_dlp`), never
 * the text, a value or an offset. Sources log prompts as text, as JSON text (OTel
 * `gen_ai.input.messages` in a string attribute, a SpendLogs `messages` cell of a CSV export) or
 * as structured messages; every string in them is scanned, one per line (roles and part types
 * too: they are short words no detector takes).
 */
import { promptFindings, type PromptDlp } from '../../dlp/prompt-findings.js';

/** Deeper than this is no message text (and recursing into it would overflow the stack). */
const MAX_DEPTH = 64;

function collect(v: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH || v === null || v === undefined) return;
  if (typeof v === 'string') {
    const t = v.trimStart();
    if ((t.startsWith('[') || t.startsWith('{')) && depth < MAX_DEPTH) {
      try {
        collect(JSON.parse(t) as unknown, out, depth + 1);
        return;
      } catch {
        // not JSON: the text itself
      }
    }
    if (v !== '') out.push(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out, depth + 1);
    return;
  }
  if (typeof v === 'object') for (const x of Object.values(v as Record<string, unknown>)) collect(x, out, depth + 1);
}

/** The strings of a logged prompt (in the order logged), or undefined when it holds none. */
export function promptStrings(...values: unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const v of values) collect(v, out, 0);
  return out.length === 0 ? undefined : out;
}

/**
 * The detectors that fire on the logged prompt `values` (any mix of text, JSON text and parsed
 * JSON); undefined when the record logged no prompt (an empty `{}` or `[]` included: LiteLLM writes
 * `messages: {}` unless prompts are stored).
 */
export function promptDlpOf(...values: unknown[]): PromptDlp | undefined {
  const strings = promptStrings(...values);
  return strings === undefined ? undefined : promptFindings(strings.join('\n'));
}
