/**
 * What the recorder keeps of a prompt: by default a SHA-256 of its messages and their lengths,
 * never the text. With --store-text, the text of every message (roles kept, one line each) passes
 * through a DLP policy first: redacted spans are replaced, and a prompt the policy would block is
 * not stored at all (only the detectors that fired are).
 */
import { hash } from 'node:crypto';
import { applyPolicy, type CompiledPolicy } from '../dlp/policy.js';
import type { PromptFacts } from './record-row.js';

interface ChatBody {
  messages?: unknown;
  system?: unknown;
}

/** Text of a content value: a string, or the text parts of an array of parts. */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(textOf).filter((s) => s !== '').join('\n');
  if (v !== null && typeof v === 'object') {
    const o = v as { text?: unknown; content?: unknown };
    if (typeof o.text === 'string') return o.text;
    if (o.content !== undefined) return textOf(o.content);
  }
  return '';
}

/** `role: text` per message, the Anthropic system prompt first. */
export function promptText(body: ChatBody): { text: string; messages: number } {
  const lines: string[] = [];
  if (body.system !== undefined) lines.push(`system: ${textOf(body.system)}`);
  const msgs = Array.isArray(body.messages) ? body.messages : [];
  for (const m of msgs) {
    const role = m !== null && typeof m === 'object' && typeof (m as { role?: unknown }).role === 'string' ? (m as { role: string }).role : 'message';
    lines.push(`${role}: ${textOf((m as { content?: unknown } | null)?.content)}`);
  }
  return { text: lines.join('\n'), messages: msgs.length };
}

export function promptFacts(body: ChatBody, storeText: CompiledPolicy | undefined): PromptFacts {
  const { text, messages } = promptText(body);
  const sha256 = hash('sha256', text, 'hex'); // one-shot (Node ≥ 20.12): no Hash object per call
  const facts: PromptFacts = { sha256, chars: text.length, messages };
  if (storeText) {
    const r = applyPolicy(text, storeText);
    facts.dlp = { found: [...new Set(r.findings.map((f) => f.detector))].sort(), withheld: r.blocked };
    if (!r.blocked) facts.text = r.text;
  }
  return facts;
}
