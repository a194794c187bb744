/**
 * The tag routebench puts on every request it sends, so a mock server can tell which request,
 * attempt and run a call belongs to (and how many tokens to answer with) even behind a gateway
 * that drops unknown headers: the same fields travel as `x-routebench-*` headers and as a marker
 * at the start of the first user message, e.g. `⟦rb r=123 a=0 run=ab12 in=812 c=256 out=120⟧`.
 * When the target mocks models of its own (`mock.models`), the marker also names the model the
 * request asked for (`m=`, URI-encoded; header `x-routebench-model`): the wire body keeps the
 * target's model, and the mock draws from the asked model's behaviour as simulate does.
 */

export interface MarkerFields {
  /** Request index in the replayed traffic. */
  request: number;
  /** Attempt number on this target (0-based). */
  attempt: number;
  /** Run key: letters, digits, `_`, `.` and `-` only. */
  run: string;
  inputTokens: number;
  /** Input tokens that should be reported as prompt-cache reads. */
  cachedTokens: number;
  outputTokens: number;
  /** The model the request asked for (its route), when the mock should know it. */
  model?: string;
}

/** Node's IncomingHttpHeaders, a plain record, or a fetch `Headers`. */
export type HeaderSource = Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

export const MARKER_HEADERS = {
  request: 'x-routebench-request',
  attempt: 'x-routebench-attempt',
  run: 'x-routebench-run',
  tokens: 'x-routebench-tokens',
  model: 'x-routebench-model',
} as const;

const RUN_KEY = /^[A-Za-z0-9_.-]+$/;
const MARKER = /⟦rb r=(\d+) a=(\d+) run=([A-Za-z0-9_.-]+) in=(\d+) c=(\d+) out=(\d+)(?: m=([A-Za-z0-9%._~!*'()-]+))?⟧/u;

/** A model name as the marker carries it (header-safe, no spaces or brackets). */
const encodeModel = (model: string) => encodeURIComponent(model);

/** The model an `m=` field or header names; undefined when it is not valid URI encoding. */
function decodeModel(s: string | undefined): string | undefined {
  if (s === undefined || s === '') return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function check(f: MarkerFields): void {
  for (const k of ['request', 'attempt', 'inputTokens', 'cachedTokens', 'outputTokens'] as const) {
    if (!Number.isSafeInteger(f[k]) || f[k] < 0) throw new RangeError(`marker ${k} must be a non-negative integer, got ${f[k]}`);
  }
  if (!RUN_KEY.test(f.run)) throw new RangeError(`marker run key must match ${RUN_KEY}, got ${JSON.stringify(f.run)}`);
}

export function formatMarker(f: MarkerFields): string {
  check(f);
  const m = f.model === undefined || f.model === '' ? '' : ` m=${encodeModel(f.model)}`;
  return `⟦rb r=${f.request} a=${f.attempt} run=${f.run} in=${f.inputTokens} c=${f.cachedTokens} out=${f.outputTokens}${m}⟧`;
}

export function markerHeaders(f: MarkerFields): Record<string, string> {
  check(f);
  const h: Record<string, string> = {
    [MARKER_HEADERS.request]: String(f.request),
    [MARKER_HEADERS.attempt]: String(f.attempt),
    [MARKER_HEADERS.run]: f.run,
    [MARKER_HEADERS.tokens]: `${f.inputTokens},${f.cachedTokens},${f.outputTokens}`,
  };
  if (f.model !== undefined && f.model !== '') h[MARKER_HEADERS.model] = encodeModel(f.model);
  return h;
}

/** The first marker in `text` (normally at its start), or undefined. */
export function parseMarker(text: string): MarkerFields | undefined {
  const m = MARKER.exec(text);
  if (!m) return undefined;
  const n = (i: number) => Number(m[i]);
  const f: MarkerFields = { request: n(1), attempt: n(2), run: m[3]!, inputTokens: n(4), cachedTokens: n(5), outputTokens: n(6) };
  const model = decodeModel(m[7]);
  if (model !== undefined) f.model = model;
  return [f.request, f.attempt, f.inputTokens, f.cachedTokens, f.outputTokens].every(Number.isSafeInteger) ? f : undefined;
}

function headerValue(h: HeaderSource, name: string): string | undefined {
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name) ?? undefined;
  const rec = h as Readonly<Record<string, string | readonly string[] | undefined>>;
  let v = rec[name];
  if (v === undefined) {
    const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
    v = key === undefined ? undefined : rec[key];
  }
  return typeof v === 'string' ? v : v?.[0];
}

const UINT = /^\d+$/;

function fromHeaders(h: HeaderSource): MarkerFields | undefined {
  const request = headerValue(h, MARKER_HEADERS.request)?.trim();
  const attempt = headerValue(h, MARKER_HEADERS.attempt)?.trim();
  const run = headerValue(h, MARKER_HEADERS.run)?.trim();
  const tokens = headerValue(h, MARKER_HEADERS.tokens)?.split(',').map((s) => s.trim());
  if (!request || !attempt || !run || !tokens || tokens.length !== 3) return undefined;
  if (![request, attempt, ...tokens].every((s) => UINT.test(s)) || !RUN_KEY.test(run)) return undefined;
  const [inputTokens, cachedTokens, outputTokens] = tokens.map(Number) as [number, number, number];
  const f: MarkerFields = { request: Number(request), attempt: Number(attempt), run, inputTokens, cachedTokens, outputTokens };
  const model = decodeModel(headerValue(h, MARKER_HEADERS.model)?.trim());
  if (model !== undefined) f.model = model;
  return f;
}

/** Text of a message `content`: a string, or (both dialects) an array of `{type:'text', text}` parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  for (const part of content as unknown[]) {
    const text = (part as { text?: unknown } | null)?.text;
    if (typeof text === 'string') return text;
  }
  return undefined;
}

/** Looks in the first user message of an OpenAI or Anthropic request body. */
function fromBody(body: unknown): MarkerFields | undefined {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return undefined;
  const first = (messages as unknown[]).find((m) => (m as { role?: unknown } | null)?.role === 'user') as { content?: unknown } | undefined;
  const text = contentText(first?.content);
  return text === undefined ? undefined : parseMarker(text);
}

/** The request's marker: complete, valid headers first, then the body; undefined when neither has one. */
export function readMarker(headers: HeaderSource, bodyJson: unknown): MarkerFields | undefined {
  return fromHeaders(headers) ?? fromBody(bodyJson);
}
