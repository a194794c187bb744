/**
 * What the recorder keeps of a prompt: by default a keyed SHA-256 (HMAC) of its messages, their
 * lengths, and the names of the DLP detectors that fire on it (every built-in one, and the
 * --dlp policy's custom rules, run as `flag`: names only, never values or offsets), never the text.
 * With --store-text, the text of every message (roles kept, one line each) passes
 * through a DLP policy first: redacted spans are replaced, and a prompt the policy would block is
 * not stored at all (only the detectors that fired are).
 *
 * The text parts of one message are stored one per line, and scanned twice: as stored and joined
 * without those line breaks, so a key split across two parts ("sk-proj-abc" + "def…", as a client
 * that chunks long text sends it) is found as the one key it is.
 */
import { createHmac } from 'node:crypto';
import type { Detector } from '../dlp/detector.js';
import { builtinDetectors } from '../dlp/detectors.js';
import { applyPolicy, compilePolicy, type CompiledPolicy, type PolicyFinding } from '../dlp/policy.js';
import { promptFindings, type PromptDlp } from '../dlp/prompt-findings.js';
import type { PromptFacts } from './record-row.js';

interface ChatBody {
  messages?: unknown;
  system?: unknown;
}

/** The text being built, and the offsets of the line breaks put between the parts of one message. */
interface Builder {
  text: string;
  seams: number[];
}

/** Content nested deeper than this is no message text (and recursing into it would overflow the stack). */
const MAX_DEPTH = 64;

/** Appends the text of a content value: a string, or the text parts of an array of parts, one per line. */
function addText(v: unknown, b: Builder, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (typeof v === 'string') {
    b.text += v;
    return;
  }
  if (Array.isArray(v)) {
    let any = false;
    for (const part of v) {
      const before = b.text.length;
      const seams = b.seams.length;
      if (any) {
        b.text += '\n';
        b.seams.push(before);
      }
      const at = b.text.length;
      addText(part, b, depth + 1);
      if (b.text.length === at) {
        // an empty part (an image, a tool call) adds no line
        b.text = b.text.slice(0, before);
        b.seams.length = seams;
      } else any = true;
    }
    return;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as { text?: unknown; content?: unknown };
    if (typeof o.text === 'string') b.text += o.text;
    else if (o.content !== undefined) addText(o.content, b, depth + 1);
  }
}

/** `role: text` per message, the Anthropic system prompt first. */
export function promptText(body: ChatBody): { text: string; messages: number; seams: number[] } {
  const b: Builder = { text: '', seams: [] };
  let lines = 0;
  const line = (role: string, content: unknown) => {
    if (lines++ > 0) b.text += '\n';
    b.text += `${role}: `;
    addText(content, b);
  };
  if (body.system !== undefined) line('system', body.system);
  const msgs = Array.isArray(body.messages) ? body.messages : [];
  for (const m of msgs) {
    const role = m !== null && typeof m === 'object' && typeof (m as { role?: unknown }).role === 'string' ? (m as { role: string }).role : 'message';
    line(role, (m as { content?: unknown } | null)?.content);
  }
  return { text: b.text, messages: msgs.length, seams: b.seams };
}

/**
 * The policy over `text` and over `text` without the line breaks at `seams`: blocked if either
 * view is, and every span either view redacts is redacted (spans of the joined view are mapped
 * back onto the stored text, across the line breaks they include).
 */
/** `text` without the line breaks at `seams` (put between the text parts of one message). */
export function joinSeams(text: string, seams: readonly number[]): string {
  let joined = '';
  let at = 0;
  for (const s of seams) {
    joined += text.slice(at, s);
    at = s + 1;
  }
  return joined + text.slice(at);
}

function applyAcrossSeams(text: string, seams: readonly number[], policy: CompiledPolicy): { text: string; blocked: boolean; findings: PolicyFinding[] } {
  const own = applyPolicy(text, policy);
  if (seams.length === 0 || own.blocked) return { ...own, findings: [...own.findings] };
  const joined = joinSeams(text, seams);
  // joined offset j -> stored offset: j plus the seams removed at or before it (binary search:
  // seam k sits at joined offset seams[k] - k, increasing in k)
  const stored = (j: number) => {
    let lo = 0;
    let hi = seams.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seams[mid]! - mid <= j) lo = mid + 1;
      else hi = mid;
    }
    return j + lo;
  };
  const across = applyPolicy(joined, policy).findings.map((f) => ({ ...f, start: stored(f.start), end: stored(f.end - 1) + 1 }));
  const seen = new Set(own.findings.map((f) => `${f.detector}:${f.start}:${f.end}`));
  const findings = [...own.findings, ...across.filter((f) => !seen.has(`${f.detector}:${f.start}:${f.end}`))];
  if (findings.some((f) => f.action === 'block')) return { text, blocked: true, findings };
  const spans = findings.filter((f) => f.action === 'redact').sort((x, y) => x.start - y.start);
  let out = '';
  let from = 0;
  for (const f of spans) {
    if (f.end <= from) continue; // inside a span already redacted
    out += `${text.slice(from, Math.max(from, f.start))}[REDACTED:${f.detector}]`;
    from = f.end;
  }
  return { text: spans.length === 0 ? text : out + text.slice(from), blocked: false, findings };
}

const CREDENTIALS_ONLY = compilePolicy({ detectors: Object.fromEntries(builtinDetectors.map((d) => [d.name, ['api_key', 'jwt', 'private_key'].includes(d.name) ? 'redact' : 'off'])) });

/**
 * A value written outside the prompt (a tag header's value, the model name) with any API key,
 * JWT or private key in it replaced by `[REDACTED:<detector>]`: always, with or without --store-text.
 */
export function withoutCredentials(value: string): string {
  return applyPolicy(value, CREDENTIALS_ONLY).text;
}

/** The detectors whose findings a recording keeps: every built-in one, and the storing policy's custom rules. */
const factDetectors = new WeakMap<CompiledPolicy, readonly Detector[]>();
function detectorsFor(policy: CompiledPolicy | undefined): readonly Detector[] {
  if (policy === undefined) return builtinDetectors;
  let ds = factDetectors.get(policy);
  if (ds === undefined) {
    const builtin = new Set(builtinDetectors.map((d) => d.name));
    ds = [...builtinDetectors, ...policy.detectors.filter((d) => !builtin.has(d.name))];
    factDetectors.set(policy, ds);
  }
  return ds;
}

/**
 * Which detectors fire on a prompt (every built-in one and `rules`' custom ones, as `flag`; names
 * only), on its text and across the seams between its parts: what `record` writes as prompt_dlp,
 * and what `serve` scans a live call for.
 */
export function promptDlpOf(text: string, seams: readonly number[], rules?: CompiledPolicy): PromptDlp {
  return promptFindings(text, detectorsFor(rules), seams.length === 0 ? [] : [joinSeams(text, seams)]);
}

/** Bytes of JSON a stored prompt may take: the row stays within the 2 MiB a trace line may have (read-lines.ts). */
export const MAX_STORED_PROMPT_BYTES = 1024 * 1024;

/** The stored text, cut (after the policy ran on all of it) when its JSON would take more than MAX_STORED_PROMPT_BYTES. */
export function storable(text: string): string {
  let bytes = Buffer.byteLength(JSON.stringify(text));
  if (bytes <= MAX_STORED_PROMPT_BYTES) return text;
  let keep = text.length;
  const note = (k: number) => `\n[… ${(text.length - k).toLocaleString('en-US')} more characters not stored]`;
  while (bytes > MAX_STORED_PROMPT_BYTES) {
    keep = Math.floor((keep * (MAX_STORED_PROMPT_BYTES - 100)) / bytes);
    if (keep > 0 && text.charCodeAt(keep - 1) >= 0xd800 && text.charCodeAt(keep - 1) <= 0xdbff) keep--; // not half a surrogate pair
    bytes = Buffer.byteLength(JSON.stringify(text.slice(0, keep) + note(keep)));
  }
  return text.slice(0, keep) + note(keep);
}

/**
 * `rules`: the policy whose custom rules run for `dlp` besides the built-in detectors (default: the storing policy).
 * `key` makes the hash an HMAC-SHA256: a plain SHA-256 of a prompt that is only a card number or
 * an SSN ("user: 4111 …") is found again by hashing every candidate, so it would store the value.
 */
export function promptFacts(body: ChatBody, storeText: CompiledPolicy | undefined, key: Buffer, rules: CompiledPolicy | undefined = storeText): PromptFacts {
  const { text, messages, seams } = promptText(body);
  const sha256 = createHmac('sha256', key).update(text).digest('hex');
  const facts: PromptFacts = { sha256, chars: text.length, messages };
  // every detector, as `flag`: which fired (names only), whatever the storing policy does with them
  facts.dlp = promptDlpOf(text, seams, rules);
  if (storeText) {
    const r = applyAcrossSeams(text, seams, storeText);
    facts.dlp = { ...facts.dlp, withheld: r.blocked };
    if (!r.blocked) facts.text = storable(r.text);
    if (!r.blocked && r.findings.some((f) => f.action === 'redact')) facts.redacted = true;
  }
  return facts;
}
