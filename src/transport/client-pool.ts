/**
 * Keep-alive connections to one origin for undici's dispatcher, one call at a time on each: a
 * stack of the connections (undici `Client`s) with no call on them, so finding one costs the same
 * however many are open. undici's own pool (`Agent` → `Pool`) looks for a free connection by
 * walking its list from the start, twice per call; when a replay falls behind and the calls in
 * flight open thousands of connections, that walk made each call dearer the further behind it was
 * (a fifth of the client's CPU at 5,000 streamed calls a second on a busy machine).
 * The last connection freed is the next one used. A connection the server closed is reopened by
 * its Client on the next call (https://undici.nodejs.org/#/docs/api/Client).
 */
import { Client } from 'undici';

const OPTIONS = { keepAliveTimeout: 60_000, pipelining: 1 } as const;

export class ClientPool {
  private readonly free: Client[] = [];
  private readonly all = new Set<Client>();
  private closed = false;

  constructor(private readonly origin: string) {}

  /** A connection with no call on it (a new one when none is free); `release` it when its call has ended. */
  take(): Client {
    const c = this.free.pop();
    if (c !== undefined) return c;
    const made = new Client(this.origin, OPTIONS);
    this.all.add(made);
    return made;
  }

  /** The call on `c` has ended (answered, failed or aborted): `c` is free for the next. */
  release(c: Client): void {
    if (this.closed || c.destroyed || c.closed) {
      this.all.delete(c);
      return;
    }
    this.free.push(c);
  }

  /** Connections open or opening. */
  get size(): number {
    return this.all.size;
  }

  /** Cuts every connection (calls still open on them end with an error). */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.all];
    this.all.clear();
    this.free.length = 0;
    await Promise.all(all.map((c) => c.destroy().catch(() => undefined)));
  }
}
