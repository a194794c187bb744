/**
 * The attributes of OTLP JSON spans and resources that the GenAI importer (otel-genai.ts) reads:
 * `[{key, value: {stringValue|intValue|doubleValue|boolValue|arrayValue|kvlistValue}}]` decoded
 * into slots (`a[REQUEST_MODEL]`), only for the wanted names; other attributes (message contents
 * can be large) are passed over undecoded, bar OpenLLMetry's `gen_ai.prompt.<i>.content` parts.
 */
import { numberOf } from './fields.js';

/** The attributes read, each with a slot in `Attrs`; others (message contents can be large) are not decoded. */
const WANTED: string[] = [];
const slot = (key: string) => WANTED.push(key) - 1;
export const OP = slot('gen_ai.operation.name');
export const PROVIDER = slot('gen_ai.provider.name');
export const SYSTEM = slot('gen_ai.system');
export const REQUEST_MODEL = slot('gen_ai.request.model');
export const RESPONSE_MODEL = slot('gen_ai.response.model');
export const RESPONSE_ID = slot('gen_ai.response.id');
export const LLM_REQUEST_TYPE = slot('llm.request.type');
export const INPUT_TOKENS = slot('gen_ai.usage.input_tokens');
export const PROMPT_TOKENS = slot('gen_ai.usage.prompt_tokens');
export const OUTPUT_TOKENS = slot('gen_ai.usage.output_tokens');
export const COMPLETION_TOKENS = slot('gen_ai.usage.completion_tokens');
export const CACHE_READ = slot('gen_ai.usage.cache_read.input_tokens');
export const CACHE_READ_OLD = slot('gen_ai.usage.cache_read_input_tokens');
export const COST = slot('gen_ai.usage.cost');
export const STREAM = slot('gen_ai.request.stream');
export const IS_STREAMING = slot('gen_ai.is_streaming');
export const LLM_IS_STREAMING = slot('llm.is_streaming');
export const ERROR_TYPE = slot('error.type');
export const HTTP_STATUS = slot('http.response.status_code');
export const SERVER_ADDRESS = slot('server.address');
export const USER_ID = slot('user.id');
export const GEN_AI_USER = slot('gen_ai.user');
export const SERVICE_NAME = slot('service.name');
export const TTFC = slot('gen_ai.response.time_to_first_chunk');
export const TTFT_SERVER = slot('gen_ai.server.time_to_first_token');
export const MS_TO_FIRST_CHUNK = slot('ai.response.msToFirstChunk');
export const COMPLETION_START = slot('langfuse.observation.completion_start_time');
// The prompt, where the producer captures content (opt-in everywhere): scanned for DLP findings, not kept.
export const INPUT_MESSAGES = slot('gen_ai.input.messages');
export const SYSTEM_INSTRUCTIONS = slot('gen_ai.system_instructions');
export const PROMPT = slot('gen_ai.prompt');
/**
 * The wanted names by length, with their slots: a name is found with a comparison or two. Attribute
 * names are longer than the strings JSON.parse interns (10 characters in V8), so a Map lookup
 * hashed each one anew: ~75 ns against ~20 ns a name, 7 names a span.
 */
const NAMES_BY_LENGTH: string[][] = [];
const SLOTS_BY_LENGTH: number[][] = [];
WANTED.forEach((name, i) => {
  (NAMES_BY_LENGTH[name.length] ??= []).push(name);
  (SLOTS_BY_LENGTH[name.length] ??= []).push(i);
});

/** The slot of a wanted attribute name, or -1. */
function slotOf(key: string): number {
  const names = NAMES_BY_LENGTH[key.length];
  if (names !== undefined) for (let n = 0; n < names.length; n++) if (key === names[n]) return SLOTS_BY_LENGTH[key.length]![n]!;
  return -1;
}

/** A span's (or resource's) wanted attribute values, by slot: `a[SYSTEM]`. */
export type Attrs = unknown[];
const NO_ATTRS: Attrs = [];

export function value(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (o.stringValue !== undefined) return o.stringValue;
  if (o.intValue !== undefined) return numberOf(o.intValue);
  if (o.doubleValue !== undefined) return numberOf(o.doubleValue);
  if (o.boolValue !== undefined) return o.boolValue;
  if (o.arrayValue !== undefined) return ((o.arrayValue as { values?: unknown[] } | null)?.values ?? []).map(value);
  if (o.kvlistValue !== undefined) {
    const out: Record<string, unknown> = {};
    for (const kv of (o.kvlistValue as { values?: { key?: unknown; value?: unknown }[] } | null)?.values ?? []) if (typeof kv?.key === 'string') out[kv.key] = value(kv.value);
    return out;
  }
  return undefined;
}

/**
 * Scratch slots, reused: a span's are read before the next span's are decoded, a resource's while its
 * spans are. Module-wide, yet never seen by two imports: `expand` runs through a record without yielding.
 */
export const SPAN_ATTRS: Attrs = new Array<unknown>(WANTED.length).fill(undefined);
export const RESOURCE_ATTRS: Attrs = new Array<unknown>(WANTED.length).fill(undefined);
/** A span's OpenLLMetry prompt attributes (`gen_ai.prompt.<i>.content`), reused as SPAN_ATTRS is. */
export const PROMPT_PARTS: unknown[] = [];
const isPromptPart = (key: string) => key.startsWith('gen_ai.prompt.') && key.endsWith('.content');

/** Decodes the wanted attributes of `list` into `out` (cleared first); NO_ATTRS when there are none. */
export function attributes(list: unknown, out: Attrs): Attrs {
  // (a loop, and no length set when already 0: fill() and the length setter are calls into the runtime, a tenth of this function)
  if (out === SPAN_ATTRS && PROMPT_PARTS.length !== 0) PROMPT_PARTS.length = 0;
  if (!Array.isArray(list) || list.length === 0) return NO_ATTRS;
  for (let i = 0; i < out.length; i++) out[i] = undefined;
  for (let i = 0; i < list.length; i++) {
    const kv = list[i] as { key?: unknown; value?: unknown } | null;
    if (kv === null || typeof kv !== 'object' || typeof kv.key !== 'string') continue;
    const slot = slotOf(kv.key);
    if (slot >= 0) out[slot] = value(kv.value);
    else if (out === SPAN_ATTRS && isPromptPart(kv.key)) PROMPT_PARTS.push(value(kv.value));
  }
  return out;
}

