/**
 * What `routebench serve` learns from a client's request before routing it: the routebench marker
 * if the client sent one (request index, run key and token counts, so the mocks draw the same luck
 * as a replay of the same scenario), else estimates: input tokens from the text (~4 characters a
 * token), output tokens from `max_completion_tokens` / `max_tokens`, the route from `model`, the
 * stream flag, and tags from an `x-routebench-tags: k=v,k=v` header.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { readMarker } from '../providers/request-marker.js';
import type { Tags } from '../traffic/traffic-request.js';
import { estimatePromptTokens } from '../providers/prompt-size.js';

export interface IncomingFields {
  /** From the client's marker; undefined for unmarked requests (serve numbers them itself). */
  index: number | undefined;
  runKey: string | undefined;
  route: string;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  stream: boolean;
  tags: Tags;
}

/** What a mock answers an unmarked request that gives no output limit with (mock-service.ts does the same). */
export const DEFAULT_OUTPUT_TOKENS = 16;
const NO_TAGS: Tags = Object.freeze({});

interface ChatBody {
  model?: unknown;
  stream?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  messages?: unknown;
  system?: unknown;
}

const whole = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});
/** The marker's opening bracket and tag. */
const MARKER_START = '⟦rb ';

/**
 * `text` is the body as text when at hand: the marker is then looked for in the messages only if
 * its opening occurs at all (a string search, no walk over the messages).
 */
export function readIncoming(headers: IncomingHttpHeaders, body: Record<string, unknown>, text?: string): IncomingFields {
  const b = body as ChatBody;
  // Node lowercases header names: one lookup tells whether the marker headers are there at all.
  const marked = headers['x-routebench-request'] !== undefined;
  const marker = marked || text === undefined || text.includes(MARKER_START) ? readMarker(marked ? headers : NO_HEADERS, body) : undefined;
  const tagHeader = headers['x-routebench-tags'];
  return {
    index: marker?.request,
    runKey: marker?.run,
    // routebench's marker names the model a replay's request asked for when the body names another (external gateway runs).
    route: marker?.model ?? (typeof b.model === 'string' ? b.model : ''),
    inputTokens: marker?.inputTokens ?? estimatePromptTokens(b),
    cachedTokens: marker?.cachedTokens ?? 0,
    outputTokens: marker?.outputTokens ?? whole(b.max_completion_tokens) ?? whole(b.max_tokens) ?? DEFAULT_OUTPUT_TOKENS,
    stream: b.stream === true,
    tags: typeof tagHeader === 'string' && tagHeader !== '' ? parseTags(tagHeader) : NO_TAGS,
  };
}

/** `project=web, team=growth` → { project: 'web', team: 'growth' }; pieces without `=` or with an empty key are ignored. */
export function parseTags(header: string): Tags {
  const tags: Record<string, string> = {};
  for (const piece of header.split(',')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const key = piece.slice(0, eq).trim();
    if (key !== '') tags[key] = piece.slice(eq + 1).trim();
  }
  return tags;
}

/**
 * What the provider answers a body without a usable `model`, in its own words: serve puts each
 * target's model into the body it forwards, so without this check a request the real API refuses
 * with a 400 would be answered. OpenAI: "you must provide a model parameter"
 * (https://platform.openai.com/docs/api-reference/chat/create, `model` required); Anthropic:
 * "model: Field required" (https://docs.anthropic.com/en/api/messages, `model` required).
 */
export function modelProblem(dialect: 'openai' | 'anthropic', body: Record<string, unknown>): string | undefined {
  const m = body.model;
  if (typeof m === 'string' && m !== '') return undefined;
  if (dialect === 'openai') return 'you must provide a model parameter';
  return m === undefined ? 'model: Field required' : 'model: Input should be a valid string';
}
