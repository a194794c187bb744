/**
 * The fault catalog through routebench's own transport: for both dialects and every mock-injectable
 * error kind (plus truncated, reset and hung streams), one call through `httpTransport` over msw and
 * over the loopback mock server, and the CallResult it becomes. Then malformed providers, served by
 * hand-written node:http servers: each is a classified CallResult, never a throw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type http from 'node:http';
import type { ErrorKind } from '../../src/providers/canonical.js';
import type { TargetPlan } from '../../src/engine/plan-targets.js';
import { createTransport, type TransportKind } from '../../src/runner/create-transport.js';
import { MOCK_ERROR_KINDS } from '../../src/scenario/schema-target.js';
import { httpTransport } from '../../src/transport/http-transport.js';
import type { CallResult, ProviderCall, Transport } from '../../src/transport/transport.js';
import { findRequest, planYaml, rawServer, trafficRequest, waitFor, within, type RawServer } from '../helpers/mock-servers.js';

const DIALECTS = ['openai', 'anthropic'] as const;
type Dialect = (typeof DIALECTS)[number];
const prefix = (d: Dialect) => (d === 'openai' ? 'o' : 'a');

const target = (d: Dialect, id: string, mock: string) =>
  `  ${id}: { provider: ${d}, model: ${d === 'openai' ? 'gpt-4o-mini' : 'claude-3-5-haiku'}, mock: { profile: perfect${mock} } }`;

const YAML = `name: catalog
seed: 11
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
${DIALECTS.flatMap((d) => [
  target(d, prefix(d), ''),
  ...MOCK_ERROR_KINDS.map((k) => target(d, `${prefix(d)}_${k}`, `, errors: { ${k}: 1 }, retry_after_ms: { min: 1000, max: 1000 }, retry_after_share: 1`)),
]).join('\n')}
strategies: { s: { use: single, options: { target: o } } }
`;

const plan = planYaml(YAML);
const SCALE = 20;
/** Real ms a hung call waits before it is a timeout. */
const HANG_MS = 150;
const targetOf = (id: string): TargetPlan => {
  const t = plan.targets.find((x) => x.id === id);
  if (!t) throw new Error(`no target ${id}`);
  return t;
};

interface Expected {
  status: Record<Dialect, number>;
  outcome: CallResult['outcome'];
  errorKind: ErrorKind;
  retryable: boolean;
  /** Real ms: the mock's 1 s of scenario time at SCALE. */
  retryAfterMs?: number;
}

const wait = 1000 / SCALE;
const both = (s: number) => ({ openai: s, anthropic: s });
/** Non-streamed calls, one per mock-injectable kind. */
const CATALOG: Record<(typeof MOCK_ERROR_KINDS)[number], Expected> = {
  rate_limited: { status: both(429), outcome: 'error', errorKind: 'rate_limited', retryable: true, retryAfterMs: wait },
  quota_exhausted: { status: both(429), outcome: 'error', errorKind: 'quota_exhausted', retryable: false },
  overloaded: { status: { openai: 503, anthropic: 529 }, outcome: 'error', errorKind: 'overloaded', retryable: true, retryAfterMs: wait },
  server_error: { status: both(500), outcome: 'error', errorKind: 'server_error', retryable: true },
  bad_gateway: { status: both(502), outcome: 'error', errorKind: 'bad_gateway', retryable: true },
  unavailable: { status: both(503), outcome: 'error', errorKind: 'unavailable', retryable: true },
  timeout: { status: both(0), outcome: 'timeout', errorKind: 'timeout', retryable: true },
  connection_reset: { status: both(0), outcome: 'error', errorKind: 'connection_reset', retryable: true },
  // A non-streamed answer cannot be cut cleanly: the mock drops the connection instead.
  truncated: { status: both(0), outcome: 'error', errorKind: 'connection_reset', retryable: true },
  context_length: { status: both(400), outcome: 'error', errorKind: 'context_length', retryable: false },
  invalid_request: { status: both(400), outcome: 'error', errorKind: 'invalid_request', retryable: false },
  auth: { status: both(401), outcome: 'error', errorKind: 'auth', retryable: false },
  content_policy: { status: both(400), outcome: 'error', errorKind: 'content_policy', retryable: false },
  payment_required: { status: both(402), outcome: 'error', errorKind: 'payment_required', retryable: false },
  invalid_response: { status: both(200), outcome: 'error', errorKind: 'invalid_response', retryable: true },
};

let runs = 0;
function call(t: TargetPlan, index: number, o: { stream?: boolean; output?: number; timeoutMs?: number; input?: number; cached?: number } = {}): ProviderCall {
  return {
    target: t,
    request: trafficRequest(index, { stream: o.stream, outputTokens: o.output ?? 20, inputTokens: o.input ?? 200, cachedTokens: o.cached ?? 0 }),
    attemptOnTarget: 0,
    runKey: `cat-${runs++}`,
    timeoutMs: o.timeoutMs ?? 5000,
  };
}

/** A streamed request on `id` that the mock cuts after some tokens (its draw delivers 1..output-1 tokens). */
const cutStream = (id: string) => findRequest(plan, id, { ...trafficRequest(0, { stream: true, outputTokens: 200 }) }, (d) => d.tokensOut > 2 && d.tokensOut < 200);

const TRANSPORTS: TransportKind[] = ['msw', 'mock-server'];

describe.each(TRANSPORTS)('fault catalog over %s', (kind) => {
  let transport: Transport;
  beforeAll(async () => {
    transport = await createTransport(plan, { kind, timeScale: SCALE, realNow: () => performance.now(), env: {} });
  });
  afterAll(async () => {
    await transport?.close();
  });

  /** Sends one call on a fresh run of the mock (its own clock, no shared state). */
  async function send(c: ProviderCall): Promise<CallResult> {
    await transport.startRun?.(c.runKey, SCALE);
    return within(transport.send(c, new AbortController().signal), Math.min(5000, c.timeoutMs + 1000), `${kind} ${c.target.id} (call timeout ${c.timeoutMs} ms)`);
  }

  describe.each(DIALECTS)('%s dialect', (dialect) => {
    it('a plain answer: ok, 200, usage with cached tokens', async () => {
      const r = await send(call(targetOf(prefix(dialect)), 1, { input: 900, cached: 300, output: 15 }));
      expect(r).toMatchObject({ outcome: 'ok', status: 200, retryable: false, usage: { input: 900, cached: 300, output: 15 }, tokensReceived: 15 });
      expect(r.errorKind).toBeUndefined();
      expect(r.firstByteAt).toBeGreaterThanOrEqual(r.sentAt);
      expect(r.endAt).toBeGreaterThanOrEqual(r.firstByteAt!);
    });

    it('a streamed answer: ok with TTFT, chunks and the final usage', async () => {
      const r = await send(call(targetOf(prefix(dialect)), 2, { stream: true, input: 900, cached: 300, output: 40 }));
      expect(r).toMatchObject({ outcome: 'ok', status: 200, usage: { input: 900, cached: 300, output: 40 }, tokensReceived: 40 });
      expect(r.firstTokenAt).toBeGreaterThanOrEqual(r.firstByteAt!);
      expect(r.endAt).toBeGreaterThanOrEqual(r.firstTokenAt!);
      expect(r.chunks).toBeGreaterThanOrEqual(1);
    });

    it.each(MOCK_ERROR_KINDS)('%s', async (k) => {
      const e = CATALOG[k];
      const r = await send(call(targetOf(`${prefix(dialect)}_${k}`), 3, { timeoutMs: k === 'timeout' ? HANG_MS : 5000 }));
      expect({ outcome: r.outcome, status: r.status, errorKind: r.errorKind, retryable: r.retryable, retryAfterMs: r.retryAfterMs }).toEqual({
        outcome: e.outcome,
        status: e.status[dialect],
        errorKind: e.errorKind,
        retryable: e.retryable,
        retryAfterMs: e.retryAfterMs,
      });
      expect(r.usage).toBeUndefined();
      if (k === 'timeout') expect(r.endAt - r.sentAt).toBeGreaterThanOrEqual(HANG_MS - 5);
      if (e.outcome === 'error' && e.status[dialect] !== 0) expect(r.detail).toMatch(/\S/);
    });

    it('a truncated stream: error truncated after HTTP 200, the tokens so far counted, usage unknown', async () => {
      const id = `${prefix(dialect)}_truncated`;
      const r = await send(call(targetOf(id), cutStream(id), { stream: true, output: 200 }));
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'truncated', retryable: true });
      expect(r.usage).toBeUndefined();
      expect(r.tokensReceived).toBeGreaterThan(0);
      expect(r.tokensReceived).toBeLessThan(200);
      expect(r.firstTokenAt).toBeDefined();
    });

    it('a connection reset mid-stream: connection_reset after HTTP 200, the tokens so far counted', async () => {
      const id = `${prefix(dialect)}_connection_reset`;
      const r = await send(call(targetOf(id), cutStream(id), { stream: true, output: 200 }));
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'connection_reset', retryable: true });
      expect(r.tokensReceived).toBeGreaterThan(0);
      expect(r.tokensReceived).toBeLessThan(200);
    });

    it('a stream that hangs after its headers: timeout at the call timeout', async () => {
      const r = await send(call(targetOf(`${prefix(dialect)}_timeout`), 4, { stream: true, timeoutMs: HANG_MS }));
      expect(r).toMatchObject({ outcome: 'timeout', status: 200, errorKind: 'timeout', retryable: true, tokensReceived: 0 });
      expect(r.firstTokenAt).toBeUndefined();
      expect(r.endAt - r.sentAt).toBeGreaterThanOrEqual(HANG_MS - 5);
    });

    it('the caller aborting a hung call: aborted, not a timeout', async () => {
      const c = call(targetOf(`${prefix(dialect)}_timeout`), 5, { timeoutMs: 5000 });
      await transport.startRun?.(c.runKey, SCALE);
      const ctl = new AbortController();
      const pending = transport.send(c, ctl.signal);
      setTimeout(() => ctl.abort(), 30);
      const r = await within(pending, 2000, 'aborted call');
      expect(r.outcome).toBe('aborted');
    });

    it('the caller aborting a stream stalled after its headers: aborted (a hedge loser, Ctrl-C)', async () => {
      const c = call(targetOf(`${prefix(dialect)}_timeout`), 6, { stream: true, timeoutMs: 5000 });
      await transport.startRun?.(c.runKey, SCALE);
      const ctl = new AbortController();
      const pending = transport.send(c, ctl.signal);
      // abort once the mock has the call (it writes the stream's head in the same tick), not after a fixed delay from sending
      await waitFor(() => transport.generation?.(c), 5000, 'the call to reach the mock');
      setTimeout(() => ctl.abort(), 50);
      const r = await within(pending, 5000, `${kind} aborted stream`);
      expect(r).toMatchObject({ outcome: 'aborted', status: 200 });
    });
  });
});

/** A CallResult from `httpTransport` pointed at a hand-written server; `send` must never throw. */
describe('malformed providers (hand-written node:http servers)', () => {
  const servers: RawServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  async function against(dialect: Dialect, handler: (req: http.IncomingMessage, res: http.ServerResponse) => void, o: { stream?: boolean; timeoutMs?: number } = {}): Promise<CallResult> {
    const server = await rawServer(handler);
    servers.push(server);
    const t = httpTransport({ name: 'live', baseUrl: () => server.url, realNow: () => performance.now(), timeScale: 1 });
    const r = await within(t.send(call(targetOf(prefix(dialect)), 0, { stream: o.stream, timeoutMs: o.timeoutMs ?? 3000 }), new AbortController().signal), 5000, 'malformed call');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.url).toBe(dialect === 'openai' ? '/v1/chat/completions' : '/v1/messages');
    await server.close();
    return r;
  }
  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  const html = '<!DOCTYPE html><html><head><title>example.com | 502: Bad gateway</title></head><body><h1>Bad gateway</h1></body></html>';
  const sse = (dialect: Dialect, tokens: number) =>
    dialect === 'openai'
      ? `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n` +
        Array.from({ length: tokens }, (_, i) => `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" w${i}"},"finish_reason":null}]}\n\n`).join('')
      : `event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":10,"output_tokens":1}}}\n\n` +
        Array.from({ length: tokens }, (_, i) => `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" w${i}"}}\n\n`).join('');

  describe.each(DIALECTS)('%s dialect', (dialect) => {
    it('an HTML page with a 502: bad_gateway, retryable, its title as the detail', async () => {
      const r = await against(dialect, (_, res) => send(res, 502, 'text/html', html));
      expect(r).toMatchObject({ outcome: 'error', status: 502, errorKind: 'bad_gateway', retryable: true });
      expect(r.detail).toContain('502: Bad gateway');
    });

    it('an HTML page with a 200: invalid_response', async () => {
      const r = await against(dialect, (_, res) => send(res, 200, 'text/html', html));
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'invalid_response', retryable: true });
    });

    it('JSON missing the fields of an answer: invalid_response', async () => {
      const body = dialect === 'openai' ? '{"id":"x","object":"chat.completion","choices":[]}' : '{"id":"x","type":"message","content":[]}';
      const r = await against(dialect, (_, res) => send(res, 200, 'application/json', body));
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'invalid_response', retryable: true });
      expect(r.usage).toBeUndefined();
    });

    it('a body that is not UTF-8: invalid_response', async () => {
      const r = await against(dialect, (_, res) => send(res, 200, 'application/json', Buffer.from([0xff, 0xfe, 0x7b, 0xc3, 0x28, 0xa0, 0xa1, 0x00, 0x80])));
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'invalid_response' });
    });

    it('a 200 with an error object inside: invalid_response quoting the error', async () => {
      const body = dialect === 'openai' ? '{"error":{"message":"upstream exploded","type":"server_error","param":null,"code":null}}' : '{"type":"error","error":{"type":"api_error","message":"upstream exploded"}}';
      const r = await against(dialect, (_, res) => send(res, 200, 'application/json', body));
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'invalid_response', retryable: true });
      expect(r.detail).toContain('upstream exploded');
    });

    it('a stream that never ends: timeout at the call timeout, first token and tokens recorded', async () => {
      const r = await against(
        dialect,
        (_, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(sse(dialect, 3));
        },
        { stream: true, timeoutMs: HANG_MS },
      );
      expect(r).toMatchObject({ outcome: 'timeout', status: 200, errorKind: 'timeout', retryable: true, tokensReceived: 3 });
      expect(r.firstTokenAt).toBeDefined();
      // ended by the call timeout (the stream itself never ends), never before it
      expect(r.endAt - r.sentAt).toBeGreaterThanOrEqual(HANG_MS - 5);
    });

    it('a connection reset mid-stream: connection_reset after HTTP 200', async () => {
      const r = await against(
        dialect,
        (req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(sse(dialect, 4), () => setTimeout(() => req.socket.destroy(), 20));
        },
        { stream: true },
      );
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'connection_reset', retryable: true, tokensReceived: 4 });
      expect(r.detail).toMatch(/\S/);
    });

    it('a stream with an event that is not JSON: invalid_response', async () => {
      const r = await against(
        dialect,
        (_, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(`${sse(dialect, 2)}${dialect === 'anthropic' ? 'event: content_block_delta\n' : ''}data: {"broken\n\n`);
        },
        { stream: true },
      );
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'invalid_response', tokensReceived: 2 });
    });

    it('a stream of bytes that are not UTF-8: a classified failure', async () => {
      const r = await against(
        dialect,
        (_, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(Buffer.concat([Buffer.from('data: '), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\n\n')]));
        },
        { stream: true },
      );
      expect(r).toMatchObject({ outcome: 'error', status: 200, errorKind: 'invalid_response' });
    });

    it('the connection dropped before any response: connection_reset, status 0', async () => {
      const r = await against(dialect, (req) => req.socket.destroy());
      expect(r).toMatchObject({ outcome: 'error', status: 0, errorKind: 'connection_reset', retryable: true });
    });
  });

  it('a fractional call timeout (an attempt timeout divided by the time scale, e.g. 2 s at 30×) is a timeout, not a throw', async () => {
    const server = await rawServer(() => {}); // never answers
    servers.push(server);
    const t = httpTransport({ name: 'mock-server', baseUrl: () => server.url, realNow: () => performance.now(), timeScale: 30 });
    const c = { ...call(targetOf('o'), 0), timeoutMs: 2000 / 30 };
    const r = await within(
      t.send(c, new AbortController().signal).catch((e: unknown) => ({ threw: String(e) })),
      2000,
      'fractional timeout',
    );
    expect(r).toMatchObject({ outcome: 'timeout', errorKind: 'timeout', status: 0 });
  });

  it('nothing listening (connection refused): connection_reset, status 0', async () => {
    const server = await rawServer(() => {});
    await server.close();
    const t = httpTransport({ name: 'live', baseUrl: () => server.url, realNow: () => performance.now(), timeScale: 1 });
    const r = await within(t.send(call(targetOf('o'), 0), new AbortController().signal), 5000, 'refused call');
    expect(r).toMatchObject({ outcome: 'error', status: 0, errorKind: 'connection_reset', retryable: true });
  });
});
