/**
 * Answers `routebench serve` makes itself (no upstream answer to relay): a bad request, no target
 * of the endpoint's dialect, a strategy that sent nothing, a request the strategy's policy refuses
 * (a DLP block: 422, as Merge Gateway answers one; the SDKs do not retry a 422 as they would a
 * 503), an upstream timeout. Each is written in the endpoint's dialect, in the shape the provider
 * uses, so an SDK raises its usual error class
 * (OpenAI `{"error":{message,type,param,code}}`, Anthropic `{"type":"error","error":{type,message}}`).
 * Also: header values made safe (routing reasons are free text; HTTP headers are not).
 */
import type { DialectName } from '../providers/canonical.js';

export type ServeErrorKind = 'invalid_request' | 'not_found' | 'too_large' | 'refused' | 'no_target' | 'timeout' | 'internal' | 'unreachable';

const STATUS: Record<ServeErrorKind, number> = { invalid_request: 400, not_found: 404, too_large: 413, refused: 422, no_target: 503, timeout: 504, internal: 500, unreachable: 502 };

const OPENAI_TYPE: Record<ServeErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  not_found: 'invalid_request_error',
  too_large: 'invalid_request_error',
  refused: 'invalid_request_error',
  no_target: 'service_unavailable_error',
  timeout: 'timeout',
  internal: 'server_error',
  unreachable: 'server_error',
};

const ANTHROPIC_TYPE: Record<ServeErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  not_found: 'not_found_error',
  too_large: 'request_too_large',
  refused: 'invalid_request_error',
  no_target: 'api_error',
  timeout: 'timeout_error',
  internal: 'api_error',
  unreachable: 'api_error',
};

export interface ServeError {
  status: number;
  body: string;
}

/** An error answer in `dialect`; `status` overrides the kind's default (a 400 for "no target of this dialect"). */
export function serveError(dialect: DialectName, kind: ServeErrorKind, message: string, status = STATUS[kind]): ServeError {
  const text = `routebench serve: ${message}`;
  const body =
    dialect === 'anthropic'
      ? JSON.stringify({ type: 'error', error: { type: ANTHROPIC_TYPE[kind], message: text } })
      : JSON.stringify({ error: { message: text, type: OPENAI_TYPE[kind], param: null, code: kind === 'timeout' ? 'timeout' : null } });
  return { status, body };
}

const safeCache = new Map<string, string>();
const UNSAFE = /[^\x20-\x7e]/g;
const REPLACEMENTS: Record<string, string> = { '→': '->', '…': '...', '×': 'x', '≥': '>=', '≤': '<=', '—': '-', '–': '-', 'µ': 'u' };

/**
 * A header-safe copy of free text: printable ASCII only (arrows and the like transliterated, any
 * other character as `?`), at most 200 characters. Reasons are mostly a strategy's interned
 * strings, so results are cached (bounded).
 */
export function headerSafe(text: string): string {
  const hit = safeCache.get(text);
  if (hit !== undefined) return hit;
  let out = text.replace(UNSAFE, (c) => REPLACEMENTS[c] ?? '?');
  if (out.length > 200) out = `${out.slice(0, 197)}...`;
  if (safeCache.size >= 4096) safeCache.clear();
  safeCache.set(text, out);
  return out;
}
