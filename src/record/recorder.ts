/**
 * `routebench record`: a loopback proxy between an app and its providers (or its gateway) that
 * writes every OpenAI Chat Completions and Anthropic Messages call as a trace row with its
 * observed outcome. Answers reach the app byte for byte as the upstream sends them; other paths
 * (e.g. GET /v1/models) are relayed and not recorded. Prompts are kept as a hash and lengths
 * unless `storeText` gives a redaction policy.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import type { CompiledPolicy } from '../dlp/policy.js';
import type { DialectName } from '../providers/canonical.js';
import { dialects } from '../providers/dialects/index.js';
import { estimatePromptTokens } from '../providers/prompt-size.js';
import { promptFacts, withoutCredentials } from './prompt-facts.js';
import { traceLine, type RecordedCall } from './record-row.js';
import { RecordStats, type RecordSummary } from './record-stats.js';
import { RelayCall, type RelayResult } from './relay.js';
import { TraceWriter } from './trace-writer.js';
import { servedBy } from './served-by.js';

export interface RecordUpstream {
  /** Target name written to `recorded.target` when the answer does not say who served it. */
  name: string;
  url: string;
}

export interface RecorderOptions {
  upstreams: Partial<Record<DialectName, RecordUpstream>>;
  host: string;
  port: number;
  dir: string;
  /** Request header → tag name, e.g. x-project → project. */
  tagHeaders: readonly { header: string; tag: string }[];
  storeText?: CompiledPolicy;
  /**
   * A DLP policy whose custom rules run on every prompt too, for `prompt_dlp` (names only), with
   * or without storeText. Default: storeText. The built-in detectors always run.
   */
  dlpRules?: CompiledPolicy;
  /**
   * Key of the prompt hash (HMAC-SHA256). Default: 32 random bytes for this recording, so equal
   * prompts of one recording share a hash and no guess (a card number, an SSN) can be hashed to
   * find it.
   */
  promptKey?: Buffer;
  rotateBytes?: number;
  rotateMs?: number;
  maxBodyBytes?: number;
  /**
   * Recording a replay that runs N× faster than its scenario (routebench mock-server --time-scale):
   * times are written ×N, in the scenario's ms. Default 1 (real time).
   */
  timeScale?: number;
  /** Monotonic ms. */
  now: () => number;
  /** Epoch ms. */
  wallClock: () => number;
  /** Told once, at the first row that cannot be written; calls are still relayed. */
  onWriteError?: (e: unknown) => void;
}

export interface Recorder {
  readonly url: string;
  readonly stats: RecordStats;
  /** Stops accepting calls, lets open ones finish for up to `graceMs`, then closes the files. */
  stop(graceMs: number): Promise<RecordSummary>;
  /** Ends the grace period of a stop in progress now (a second Ctrl-C): open calls are cut, and recorded as cut. */
  hurry(): void;
  /** Calls relayed and not yet answered in full (what a stop waits for). */
  readonly openCalls: number;
}

/** A call that is not recorded (not a dialect path, refused): only its place in the order. */
const SKIPPED = Symbol('skipped') as unknown as RecordedCall;
// `expect: 100-continue` was answered by this server (Node sends the 100) and the body is read
// whole before it is relayed; passed on, it made undici refuse the call ("expect header not supported").
// `accept-encoding` is not passed on: the upstream then answers uncompressed (any HTTP client reads
// that), so the recorder can read the usage and outcome it relays (fetch, and so the SDKs, accept
// gzip, and a compressed body read as text was recorded as invalid_response).
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'te', 'trailer', 'upgrade', 'host', 'content-length', 'expect', 'accept-encoding']);
const dialectOf = (path: string): DialectName | undefined => (/\/chat\/completions(\?|$)/.test(path) ? 'openai' : /\/v1\/messages(\?|$)/.test(path) ? 'anthropic' : undefined);

/** A request body as JSON: an object, else `{}` (not JSON, an array: forwarded as sent, and the provider answers it). */
function parsedBody(raw: Buffer): Record<string, unknown> {
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // forwarded as sent: the provider answers it (and the call is recorded with what it said)
  }
  return {};
}

/**
 * A header value as its sender wrote it: Node reads header bytes as Latin-1, so a UTF-8 value
 * (`x-team: équipe`) arrives as `Ã©quipe`; bytes that are valid UTF-8 are read as UTF-8.
 */
function headerText(v: string): string {
  if (!/[^\x00-\x7f]/.test(v)) return v;
  const bytes = Buffer.from(v, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : v;
}

export async function startRecorder(o: RecorderOptions): Promise<Recorder> {
  const t0 = o.now();
  const k = o.timeScale ?? 1;
  const promptKey = o.promptKey ?? randomBytes(32);
  const writer = new TraceWriter({ dir: o.dir, startedAtMs: o.wallClock(), rotateBytes: o.rotateBytes, rotateMs: o.rotateMs, now: o.now, onError: o.onWriteError });
  const stats = new RecordStats();
  const maxBody = o.maxBodyBytes ?? 32 * 1024 * 1024;
  const upstreams = Object.entries(o.upstreams).map(([dialect, u]) => {
    const url = new URL(u!.url);
    const pool = new Pool(url.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 });
    return { dialect: dialect as DialectName, name: u!.name, base: url.pathname.replace(/\/+$/, ''), pool };
  });
  const fallbackUpstream = upstreams[0]!;
  const open = new Set<ServerResponse>();
  let drained: (() => void) | undefined;
  // Rows are written in arrival order (the trace format's order): a finished call waits until every
  // call that arrived before it has finished too. Memory is bounded by the calls open at once.
  const done = new Map<number, RecordedCall>();
  let nextSeq = 0;
  let arrivals = 0;
  let stopping = false;
  let closed = false;
  const finishSeq = (seq: number, call: RecordedCall | undefined) => {
    if (closed) return; // stop() has written everything it will; nothing may reopen a file
    if (call) done.set(seq, call);
    else done.set(seq, SKIPPED);
    for (let c = done.get(nextSeq); c !== undefined; c = done.get(nextSeq)) {
      done.delete(nextSeq++);
      if (c === SKIPPED) continue;
      writer.write(traceLine(c));
      stats.add(c);
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer, arrival: number, seq: number) => {
    const path = req.url ?? '/';
    const dialect = req.method === 'POST' ? dialectOf(path) : undefined;
    const up = (dialect && upstreams.find((u) => u.dialect === dialect)) || (dialect ? undefined : fallbackUpstream);
    if (!up) {
      finishSeq(seq, undefined);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'not_found', message: `routebench record: no --${dialect} upstream was given for ${path}` } }));
      return;
    }
    const headers: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (!HOP.has(req.rawHeaders[i]!.toLowerCase())) headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    // The body is read (JSON.parse: a long prompt takes a while) once the call is on its way to the
    // upstream, not before: the first time something asks for it, at the latest after the dispatch.
    let body: Record<string, unknown> | undefined;
    const bodyOf = (): Record<string, unknown> => (body ??= dialect ? parsedBody(raw) : {});
    open.add(res);
    const finished = (r: RelayResult) => {
      open.delete(res);
      // The row is built after the answer went out, with the rows of the other calls that ended in
      // this turn of the event loop: the chunks they brought are relayed before any row is made.
      later(() => finishSeq(seq, dialect ? recordedCall(dialect, bodyOf(), req, r, arrival, up.name) : undefined));
      if (open.size === 0) drained?.();
    };
    const relay = new RelayCall(res, dialects[dialect ?? 'openai'], () => bodyOf().stream === true, o.now, finished);
    // an upstream given as the SDKs' base URL (https://api.openai.com/v1) and an app calling /v1/...: one /v1, not two
    const upstreamPath = up.base.endsWith('/v1') && path.startsWith('/v1/') ? `${up.base.slice(0, -3)}${path}` : `${up.base}${path}`;
    up.pool.dispatch({ path: upstreamPath, method: (req.method ?? 'GET') as 'POST', headers, body: raw.length > 0 ? raw : undefined }, relay);
    bodyOf();
  };

  // Rows to build, in the order their calls ended; built in the event loop's check phase, after the
  // I/O of this turn was handled (and at stop, before the files close).
  const pendingRows: (() => void)[] = [];
  const buildRows = () => {
    for (let i = 0; i < pendingRows.length; i++) pendingRows[i]!();
    pendingRows.length = 0;
  };
  const later = (row: () => void) => {
    if (pendingRows.push(row) === 1) setImmediate(buildRows);
  };

  const recordedCall = (dialect: DialectName, body: Record<string, unknown>, req: IncomingMessage, r: RelayResult, arrival: number, upstream: string): RecordedCall => {
    const stream = body.stream === true;
    const usage = r.outcome.usage;
    const tags: Record<string, string> = {};
    for (const { header, tag } of o.tagHeaders) {
      const v = req.headers[header];
      if (typeof v === 'string' && v !== '') tags[tag] = withoutCredentials(headerText(v));
    }
    const served = servedBy(r.headers, r.jsonBody);
    const prompt = promptFacts(body, o.storeText, promptKey, o.dlpRules);
    return {
      arrivalMs: (arrival - t0) * k,
      dialect,
      // a trace row needs a route: Azure OpenAI names the deployment in the path, not the body; a body that is not JSON names none
      route: withoutCredentials(typeof body.model === 'string' && body.model !== '' ? body.model : (/\/deployments\/([^/?]+)\//.exec(req.url ?? '')?.[1] ?? 'default')),
      stream,
      tags,
      inputTokens: usage?.input ?? estimatePromptTokens(body),
      cachedTokens: usage?.cached ?? 0,
      outputTokens: usage?.output ?? r.streamedTokens,
      usageReported: usage !== undefined,
      prompt,
      observed: {
        status: r.status,
        ok: r.outcome.ok && !r.clientClosed,
        errorKind: r.outcome.ok ? undefined : (r.outcome.kind ?? 'invalid_response'),
        latencyMs: (r.endAt - arrival) * k,
        ttftMs: r.firstTokenAt === r.firstTokenAt ? (r.firstTokenAt - arrival) * k : undefined,
        maxGapMs: stream && r.chunks > 1 ? r.maxGapMs * k : undefined,
        chunks: stream ? r.chunks : undefined,
        retryAfterMs: r.outcome.retryAfterMs,
        target: served.target ?? upstream,
        requestId: served.requestId,
        attempts: served.attempts,
        clientClosed: r.clientClosed || undefined,
      },
    };
  };

  const server = createServer((req, res) => {
    const arrival = o.now();
    const seq = arrivals++;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c);
    });
    let ended = false;
    req.on('close', () => {
      if (!ended) finishSeq(seq, undefined); // the app gave up before sending the whole body
    });
    req.on('end', () => {
      ended = true;
      if (stopping) {
        // A call whose body completed after Ctrl-C is a new call: refused, not relayed, not recorded.
        finishSeq(seq, undefined);
        res.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ error: { type: 'recorder_stopping', message: 'routebench record is stopping: this call was not relayed' } }));
        return;
      }
      if (size > maxBody) {
        finishSeq(seq, undefined);
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ error: { type: 'request_too_large', message: `routebench record: the request body is over ${maxBody} bytes (--max-body-mb)` } }));
        return;
      }
      handle(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), arrival, seq);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    stats,
    get openCalls() {
      return open.size;
    },
    hurry() {
      drained?.();
    },
    async stop(graceMs) {
      stopping = true;
      server.close();
      server.closeIdleConnections();
      const settled = (ms: number) =>
        open.size === 0
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              drained = resolve;
              setTimeout(resolve, ms).unref();
            });
      await settled(graceMs);
      // Still open after the grace period: cut, and recorded as cut (client_closed).
      for (const res of open) res.destroy();
      await settled(2_000);
      server.closeAllConnections();
      // Calls still waiting for an upstream connection end here, before the files close, so they are written too.
      await Promise.all(upstreams.map((u) => u.pool.destroy()));
      buildRows();
      // Anything still held back waits for a call that never finished: write it in order anyway.
      for (const seq of [...done.keys()].sort((a, b) => a - b)) {
        const c = done.get(seq)!;
        if (c !== SKIPPED) {
          writer.write(traceLine(c));
          stats.add(c);
        }
      }
      done.clear();
      closed = true;
      await writer.close();
      const summary = stats.summary(writer.files, (o.now() - t0) * k);
      if (writer.lostRows === 0 && writer.failure === undefined) return summary;
      return { ...summary, lostRows: writer.lostRows, writeError: writer.failure instanceof Error ? writer.failure.message : String(writer.failure) };
    },
  };
}
