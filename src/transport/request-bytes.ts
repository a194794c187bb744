/**
 * A replayed call's request, its body already UTF-8 bytes: what `dialect.encodeRequest` plus
 * `JSON.stringify` give, built without either for the calls after the first of each shape.
 *
 * The body of a routebench call depends on its marker only through the marker's text at the start
 * of the first user message and the marker's length (the filler after it is sized so the prompt
 * comes to the asked tokens: synth-text.ts). So per shape (dialect, model, token counts, stream,
 * marker length) the JSON is encoded once, split around the marker into a prefix and a suffix of
 * bytes, and each call writes its own marker between them into one buffer. The marker starts with
 * `⟦`, which made every prompt a two-byte string in V8: encoding each body from strings built
 * and copied ~2 KB of two-byte text per call, then encoded it to UTF-8 again for the socket.
 * The headers are the dialect's fixed ones and the call's marker headers, as encodeRequest gives.
 */
import type { Dialect } from '../providers/dialects/dialect.js';
import { formatMarker, MARKER_HEADERS, markerHeaders, type MarkerFields } from '../providers/request-marker.js';

export interface RequestShape {
  model: string;
  inputTokens: number;
  cachedTokens: number;
  maxOutputTokens: number;
  outputTokens: number;
  stream: boolean;
}

export interface RequestBytes {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface Template {
  path: string;
  /** The dialect's own headers (no marker headers), in its order. */
  fixed: readonly (readonly [string, string])[];
  prefix: Buffer;
  suffix: Buffer;
}

const MARKER_NAMES = new Set<string>(Object.values(MARKER_HEADERS));
/**
 * Template bytes kept per encoder: a synthetic replay has a handful of shapes; a trace may have a
 * prompt size per request, each template as large as its body, so the templates are dropped (and
 * made again as calls come) once they hold this much.
 */
export const MAX_TEMPLATE_BYTES = 16 * 1024 * 1024;

/** Encodes the calls of one transport; templates kept per dialect and shape. */
export class RequestEncoder {
  private readonly templates = new Map<string, Template | null>();
  private bytes = 0;

  /** Bytes the templates hold now (at most MAX_TEMPLATE_BYTES). */
  get heldBytes(): number {
    return this.bytes;
  }

  encode(dialect: Dialect, shape: RequestShape, fields: MarkerFields): RequestBytes {
    const marker = formatMarker(fields);
    const key = `${dialect.name}\n${shape.model}\n${shape.inputTokens}\n${shape.cachedTokens}\n${shape.maxOutputTokens}\n${shape.outputTokens}\n${shape.stream}\n${marker.length}`;
    let t = this.templates.get(key);
    if (t === undefined) {
      t = template(dialect, shape, marker);
      const size = t === null ? 0 : t.prefix.length + t.suffix.length;
      if (this.bytes + size > MAX_TEMPLATE_BYTES) {
        this.templates.clear();
        this.bytes = 0;
      }
      this.templates.set(key, t);
      this.bytes += size;
    }
    if (t === null) {
      // A body the marker does not appear in exactly once: encoded whole, every call.
      const enc = dialect.encodeRequest({ ...shape, marker });
      return { path: enc.path, headers: enc.headers, body: Buffer.from(JSON.stringify(enc.body)) };
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of t.fixed) headers[k] = v;
    const mh = markerHeaders(fields);
    for (const k in mh) headers[k] = mh[k]!;
    const markerBytes = Buffer.byteLength(marker);
    const body = Buffer.allocUnsafe(t.prefix.length + markerBytes + t.suffix.length);
    t.prefix.copy(body, 0);
    body.write(marker, t.prefix.length, 'utf8');
    t.suffix.copy(body, t.prefix.length + markerBytes);
    return { path: t.path, headers, body };
  }
}

/** The shape's template from one real encoding; null when the marker is not in the JSON exactly once. */
function template(dialect: Dialect, shape: RequestShape, marker: string): Template | null {
  const enc = dialect.encodeRequest({ ...shape, marker });
  const json = JSON.stringify(enc.body);
  const at = json.indexOf(marker);
  if (at < 0 || json.indexOf(marker, at + 1) >= 0) return null;
  return {
    path: enc.path,
    fixed: Object.entries(enc.headers).filter(([k]) => !MARKER_NAMES.has(k)),
    prefix: Buffer.from(json.slice(0, at)),
    suffix: Buffer.from(json.slice(at + marker.length)),
  };
}
