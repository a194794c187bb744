/**
 * One HTTP POST and its reply, read the way http-transport.ts needs it: status and headers first,
 * then the body as a whole text or chunk by chunk. Two clients behind one interface:
 *
 * - `fetchExchange`: the global `fetch` (msw intercepts it; live providers).
 * - `undiciExchange`: undici's dispatcher API with callbacks (keep-alive pool per origin, no WHATWG
 *   streams, no Request/Response objects, no promise per chunk; free connections found in constant
 *   time, client-pool.ts), for the loopback mock server, where
 *   the client's own cost per call decides how many calls per second a replay can offer. `fetch`
 *   spends most of a streamed call's client CPU on its stream and abort machinery
 *   (https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatcherdispatchoptions-handler).
 *
 * Both reject with the abort reason once `signal` fires, and with the network error otherwise.
 */
import type { Client } from 'undici';
import { abortSignalOf, type CancelSignal } from './cancel-signal.js';
import { ClientPool } from './client-pool.js';

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
  /** `body`: text, or its UTF-8 bytes. `signal`: an AbortSignal, or a lighter CancelSignal (fetch then makes an AbortSignal of it). */
  post(url: string, headers: Record<string, string>, body: string | Uint8Array, signal: CancelSignal): Promise<ExchangeReply>;
  /**
   * Opens `connections` keep-alive connections to the origin of `url` by sending that many GETs
   * to it at once (each answered by a connection of its own), bodies read and discarded; resolves
   * when all have ended, failed or not. Only undici's pool keeps connections for later calls.
   */
  preconnect?(url: string, connections: number): Promise<void>;
  close(): Promise<void>;
}

export function fetchExchange(): Exchange {
  return {
    async post(url, headers, body, cancel) {
      const signal = abortSignalOf(cancel);
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

const ONCE = { once: true } as const;

/**
 * One call over undici's dispatcher: its handler (undici calls the on* methods) and, once the head
 * has come, its reply. One object per call, not a dozen closures.
 */
class UndiciCall implements ExchangeReply {
  status = 0;
  headers: Record<string, string> = {};
  private controller: Controller | undefined;
  private replied = false;
  // Body chunks and the end are held until the reader attaches (the same socket read can carry
  // headers, data and the end before the awaiting caller resumes).
  private pending: Uint8Array[] = [];
  private onChunk: ((c: Uint8Array) => void) | undefined;
  private ended = false;
  private failed: { error: unknown } | undefined;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private readonly onAbort = () => this.controller?.abort(this.signal.reason);

  constructor(
    private readonly signal: CancelSignal,
    private readonly resolveHead: (r: ExchangeReply) => void,
    private readonly rejectHead: (e: unknown) => void,
    /** The connection the call is on, handed back to its pool when the call ends. */
    private readonly pool: ClientPool,
    private readonly client: Client,
  ) {
    signal.addEventListener('abort', this.onAbort, ONCE);
  }

  onRequestStart(c: Controller): void {
    this.controller = c;
    if (this.signal.aborted) c.abort(this.signal.reason);
  }

  onResponseStart(_c: unknown, status: number, raw: Record<string, string | string[]>): void {
    if (status < 200) return; // 1xx: the real reply follows
    const hs: Record<string, string> = {};
    for (const k in raw) {
      const v = raw[k]!;
      hs[k] = typeof v === 'string' ? v : v.join(', ');
    }
    this.status = status;
    this.headers = hs;
    this.replied = true;
    this.resolveHead(this);
  }

  onResponseData(_c: unknown, chunk: Uint8Array): void {
    if (this.onChunk) this.onChunk(chunk);
    else this.pending.push(chunk);
  }

  onResponseEnd(): void {
    this.pool.release(this.client);
    this.ended = true;
    this.finish();
  }

  onResponseError(_c: unknown, error: Error): void {
    this.pool.release(this.client);
    const e = this.signal.aborted ? this.signal.reason : error;
    if (!this.replied) {
      this.signal.removeEventListener('abort', this.onAbort);
      return this.rejectHead(e);
    }
    this.failed = { error: e };
    this.finish();
  }

  each(fn: (c: Uint8Array) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.onChunk = fn;
      this.settle = { resolve, reject };
      const held = this.pending;
      this.pending = [];
      for (const c of held) fn(c);
      if (this.ended || this.failed) this.finish();
    });
  }

  async text(): Promise<string> {
    const parts: Uint8Array[] = [];
    await this.each((c) => parts.push(c));
    return Buffer.concat(parts).toString('utf8');
  }

  private finish(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    if (!this.settle) return;
    if (this.failed) this.settle.reject(this.failed.error);
    else if (this.ended) this.settle.resolve();
  }
}

/** Keep-alive connections of its own, per origin (opened as calls overlap, reused after: client-pool.ts). */
export function undiciExchange(): Exchange {
  const pools = new Map<string, ClientPool>();
  // A replay posts to a handful of URLs (one per target and dialect path): each is parsed once.
  const parsed = new Map<string, { pool: ClientPool; path: string }>();
  const split = (url: string) => {
    let u = parsed.get(url);
    if (u === undefined) {
      const p = new URL(url);
      let pool = pools.get(p.origin);
      if (pool === undefined) pools.set(p.origin, (pool = new ClientPool(p.origin)));
      u = { pool, path: p.pathname + p.search };
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
        const client = u.pool.take();
        client.dispatch({ path: u.path, method: 'POST', headers, body }, new UndiciCall(signal, resolveHead, rejectHead, u.pool, client));
      });
    },
    preconnect(url, connections) {
      const u = split(url);
      const one = () =>
        new Promise<void>((resolve) => {
          const client = u.pool.take();
          const done = () => {
            u.pool.release(client);
            resolve();
          };
          client.dispatch({ path: u.path, method: 'GET', headers: {} }, { onRequestStart() {}, onResponseStart() {}, onResponseData() {}, onResponseEnd: done, onResponseError: done });
        });
      // All taken before any is released: one connection each.
      return Promise.all(Array.from({ length: connections }, one)).then(() => undefined);
    },
    // Nothing is waited for at close: a call still open (a stalled stream) is cut.
    close: async () => {
      const all = [...pools.values()];
      pools.clear();
      parsed.clear();
      await Promise.all(all.map((p) => p.close()));
    },
  };
}
