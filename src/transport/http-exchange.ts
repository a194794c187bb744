/**
 * One HTTP POST and its reply, read the way http-transport.ts needs it: status and headers first,
 * then the body as a whole text or chunk by chunk. Two clients behind one interface:
 *
 * - `fetchExchange`: the global `fetch` (msw intercepts it; live providers).
 * - `undiciExchange`: undici's dispatcher API with callbacks (keep-alive pool per origin, no WHATWG
 *   streams, no Request/Response objects, no promise per chunk), for the loopback mock server, where
 *   the client's own cost per call decides how many calls per second a replay can offer. `fetch`
 *   spends most of a streamed call's client CPU on its stream and abort machinery
 *   (https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatcherdispatchoptions-handler).
 *
 * Both reject with the abort reason once `signal` fires, and with the network error otherwise.
 */
import { Agent } from 'undici';

export interface ExchangeReply {
  status: number;
  /** Lower-case names; repeated headers joined with ", " (as fetch's Headers does). */
  headers: Record<string, string>;
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /** Calls `onChunk` for each body chunk as it arrives; resolves at the end of the body. Call at most once. */
  each(onChunk: (chunk: Uint8Array) => void): Promise<void>;
}

export interface Exchange {
  post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<ExchangeReply>;
  close(): Promise<void>;
}

export function fetchExchange(): Exchange {
  return {
    async post(url, headers, body, signal) {
      const res = await fetch(url, { method: 'POST', headers, body, signal });
      return {
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        text: () => res.text(),
        async each(onChunk) {
          const reader = res.body!.getReader();
          // End the read when the call is aborted, even if the body never errors by itself.
          const stop = () => void reader.cancel(signal.reason).catch(() => undefined);
          if (signal.aborted) stop();
          else signal.addEventListener('abort', stop, { once: true });
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) return;
              onChunk(value);
            }
          } finally {
            signal.removeEventListener('abort', stop);
          }
        },
      };
    },
    async close() {},
  };
}

type Controller = { abort(reason: unknown): void };

/** A keep-alive undici Agent of its own (connections opened as calls overlap, reused after). */
export function undiciExchange(): Exchange {
  const agent = new Agent({ keepAliveTimeout: 60_000, pipelining: 1 });
  // A replay posts to a handful of URLs (one per target and dialect path): each is parsed once.
  const parsed = new Map<string, { origin: string; path: string }>();
  const split = (url: string) => {
    let u = parsed.get(url);
    if (u === undefined) {
      const p = new URL(url);
      u = { origin: p.origin, path: p.pathname + p.search };
      if (parsed.size >= 1024) parsed.clear();
      parsed.set(url, u);
    }
    return u;
  };
  return {
    post(url, headers, body, signal) {
      return new Promise<ExchangeReply>((resolveHead, rejectHead) => {
        if (signal.aborted) return rejectHead(signal.reason);
        const u = split(url);
        let controller: Controller | undefined;
        let reply: ExchangeReply | undefined;
        // Body chunks and the end are held until the reader attaches (the same socket read can carry
        // headers, data and the end before the awaiting caller resumes).
        let pending: Uint8Array[] = [];
        let onChunk: ((c: Uint8Array) => void) | undefined;
        let ended = false;
        let failed: { error: unknown } | undefined;
        let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
        const finish = () => {
          signal.removeEventListener('abort', onAbort);
          if (!settle) return;
          if (failed) settle.reject(failed.error);
          else if (ended) settle.resolve();
        };
        const onAbort = () => controller?.abort(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        const attach = (fn: (c: Uint8Array) => void) =>
          new Promise<void>((resolve, reject) => {
            onChunk = fn;
            settle = { resolve, reject };
            const held = pending;
            pending = [];
            for (const c of held) fn(c);
            if (ended || failed) finish();
          });
        agent.dispatch(
          { origin: u.origin, path: u.path, method: 'POST', headers, body },
          {
            onRequestStart(c: Controller) {
              controller = c;
              if (signal.aborted) c.abort(signal.reason);
            },
            onResponseStart(_c: unknown, status: number, raw: Record<string, string | string[]>) {
              if (status < 200) return; // 1xx: the real reply follows
              const hs: Record<string, string> = {};
              for (const k in raw) {
                const v = raw[k]!;
                hs[k] = typeof v === 'string' ? v : v.join(', ');
              }
              reply = {
                status,
                headers: hs,
                each: attach,
                async text() {
                  const parts: Uint8Array[] = [];
                  await attach((c) => parts.push(c));
                  return Buffer.concat(parts).toString('utf8');
                },
              };
              resolveHead(reply);
            },
            onResponseData(_c: unknown, chunk: Uint8Array) {
              if (onChunk) onChunk(chunk);
              else pending.push(chunk);
            },
            onResponseEnd() {
              ended = true;
              finish();
            },
            onResponseError(_c: unknown, error: Error) {
              const e = signal.aborted ? signal.reason : error;
              if (!reply) {
                signal.removeEventListener('abort', onAbort);
                return rejectHead(e);
              }
              failed = { error: e };
              finish();
            },
          },
        );
      });
    },
    // Nothing is waited for at close: a call still open (a stalled stream) is cut.
    close: () => agent.destroy(),
  };
}
