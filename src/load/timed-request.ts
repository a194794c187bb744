/**
 * One timed request of a load run over an undici connection pool: microsecond times for start,
 * headers, first content token (streams), end, and the gaps between stream chunks. The answer is
 * read the way a client reads it (the dialect decodes the JSON body or the SSE stream), and every
 * failure is a classified result, never a throw: refused, reset (closed mid-response), timeout,
 * an HTTP error status, a 2xx that is not a valid answer (`invalid_response`), a stream cut before
 * its terminator (`truncated`) or an in-band stream error.
 */
import type { Dispatcher } from 'undici';
import { dialects } from '../providers/dialects/index.js';
import type { ArmRequest } from './arm-request.js';

export interface Timed {
  ok: boolean;
  /** HTTP status, 0 without a response. */
  status: number;
  /** Null when ok. */
  kind: string | null;
  startUs: number;
  endUs: number;
  /** First content token of a stream; NaN otherwise. */
  firstTokenUs: number;
  chunks: number;
  meanGapUs: number;
  maxGapUs: number;
  /** Gaps between chunks longer than the stall bound. */
  stalls: number;
}

export interface TimedOptions {
  nowUs: () => number;
  timeoutMs: number;
  /** A gap between stream chunks longer than this is a stall (µs). */
  stallUs?: number;
}

/** Transport failures by error code (undici, Node sockets). */
export function classifyFailure(e: unknown): string {
  const err = e as { code?: string; name?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'reset';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'UND_ERR_ABORTED' || err?.name === 'AbortError') return 'aborted';
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') return 'closed';
  if (code === 'EADDRNOTAVAIL' || code === 'EMFILE' || code === 'ENFILE') return `rig_${code.toLowerCase()}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  return 'other';
}

export async function timedRequest(pool: Dispatcher, req: ArmRequest, o: TimedOptions): Promise<Timed> {
  const startUs = o.nowUs();
  const r: Timed = { ok: false, status: 0, kind: null, startUs, endUs: startUs, firstTokenUs: NaN, chunks: 0, meanGapUs: NaN, maxGapUs: NaN, stalls: 0 };
  const dialect = dialects[req.dialect];
  try {
    const res = await pool.request({ path: req.path, method: 'POST', headers: req.headers, body: req.body, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
    r.status = res.statusCode;
    const type = String(res.headers['content-type'] ?? '');
    if (res.statusCode === 200 && type.includes('text/event-stream')) {
      const decoder = dialect.createStreamDecoder();
      const utf8 = new TextDecoder();
      let first = NaN;
      let last = NaN;
      let done = false;
      let failed: string | null = null;
      const take = (events: ReturnType<typeof decoder.push>, at: number) => {
        for (const e of events) {
          if (e.type === 'first-token' && Number.isNaN(r.firstTokenUs)) r.firstTokenUs = at;
          else if (e.type === 'done') done = true;
          else if (e.type === 'error') failed ??= e.outcome.kind === 'truncated' ? 'truncated' : e.outcome.kind === 'invalid_response' ? 'invalid_response' : 'stream_error';
        }
      };
      for await (const chunk of res.body) {
        const at = o.nowUs();
        if (r.chunks > 0) {
          const gap = at - last;
          if (!(gap <= r.maxGapUs)) r.maxGapUs = gap;
          if (o.stallUs !== undefined && gap > o.stallUs) r.stalls++;
        } else first = at;
        last = at;
        r.chunks++;
        take(decoder.push(utf8.decode(chunk as Buffer, { stream: true })), at);
      }
      r.endUs = o.nowUs();
      take(decoder.end(), r.endUs);
      if (r.chunks > 1) r.meanGapUs = (last - first) / (r.chunks - 1);
      r.kind = failed ?? (done ? null : 'truncated');
    } else {
      const text = await res.body.text();
      r.endUs = o.nowUs();
      if (res.statusCode < 200 || res.statusCode >= 300) r.kind = `http_${res.statusCode}`;
      else if (!dialect.decodeResponse(res.statusCode, res.headers as Record<string, string>, text).ok) r.kind = 'invalid_response';
    }
  } catch (e) {
    r.endUs = o.nowUs();
    r.kind = classifyFailure(e);
  }
  r.ok = r.kind === null;
  return r;
}
