/**
 * The ceiling of `mock-server-replay-stream`, measured against the same mock server in the same
 * run: a bare streaming client with nothing of routebench's (no engine, no strategy, no SSE
 * decoding, no DuckDB), in a fresh plain `node` process from a .mjs file written to the bench's
 * temporary folder. It sends the requests a replay of the bench scenario sends (each target's
 * dialect encoding, streamed, a fresh routebench marker per request, so the mock server does
 * the same work per call), closed loop over keep-alive connections with undici's dispatcher,
 * reads every body to its end, and counts the calls answered 200 per second and its own CPU per
 * call. What it reaches is what the mock server on its core gives any client: routebench's replay
 * cannot complete more, and its CPU per call over the bare client's is the harness's own cost.
 * Bounded: the run's seconds plus 60 s.
 */
import { dialects } from '../src/providers/dialects/index.js';
import { formatMarker } from '../src/providers/request-marker.js';
import { mswReplayTargets, REPLAY_TOKENS } from './msw-replay-case.js';
import { nodeJson, rootUrl, scriptFile } from './util.js';

/**
 * argv: root URL, JSON { origin, templates: [{ path, headers, body }], connections, seconds }.
 * A template's marker says r=0 (body and x-routebench-request); each call puts its own number in.
 */
const BARE_CLIENT = `
const [, , root, spec] = process.argv;
const { origin, templates, connections, seconds } = JSON.parse(spec);
const { Agent } = await import(new URL('node_modules/undici/index.js', root).href);
const agent = new Agent({ keepAliveTimeout: 60000, pipelining: 1 });
let next = 0, ok = 0, failed = 0, bytes = 0;
const call = () => new Promise((resolve) => {
  const i = next++;
  const t = templates[i % templates.length];
  const body = t.body.replace('\u27e6rb r=0 ', '\u27e6rb r=' + i + ' ');
  let status = 0;
  agent.dispatch({ origin, path: t.path, method: 'POST', headers: { ...t.headers, 'x-routebench-request': String(i) }, body }, {
    onRequestStart() {},
    onResponseStart(_c, s) { status = s; },
    onResponseData(_c, chunk) { bytes += chunk.length; },
    onResponseEnd() { if (status === 200) ok++; else failed++; resolve(); },
    onResponseError() { failed++; resolve(); },
  });
});
const t0 = performance.now();
const c0 = process.cpuUsage();
await Promise.all(Array.from({ length: connections }, async () => { while (performance.now() - t0 < seconds * 1000) await call(); }));
const c = process.cpuUsage(c0);
const s = (performance.now() - t0) / 1000;
await agent.close();
process.stdout.write(JSON.stringify({ rps: ok / s, calls: ok + failed, failed, cpuUsPerCall: (c.user + c.system) / (ok + failed), bytesPerCall: bytes / (ok + failed) }) + '\\n');
`;

export interface StreamCeiling {
  /** Calls answered 200 per second. */
  rps: number;
  calls: number;
  failed: number;
  /** CPU of the bare client per call (µs): what any client spends. */
  cpuUsPerCall: number;
  bytesPerCall: number;
}

/** The bare client against `mockUrl` for `seconds`, over the bench scenario's `targets` (msw-replay-case.ts), as its replay sends. */
export function bareStreamCeiling(o: { root: string; tmp: string; mockUrl: string; targets: number; connections: number; seconds: number }): StreamCeiling {
  const templates = mswReplayTargets(o.targets).map((t) => {
    const { input, output } = REPLAY_TOKENS;
    const marker = formatMarker({ request: 0, attempt: 0, run: 'ceiling', inputTokens: input, cachedTokens: 0, outputTokens: output });
    const enc = dialects[t.dialect].encodeRequest({ model: t.model, inputTokens: input, cachedTokens: 0, maxOutputTokens: output, outputTokens: output, stream: true, marker });
    return { path: `/t/${t.id}${enc.path}`, headers: { 'content-type': 'application/json', ...enc.headers }, body: JSON.stringify(enc.body) };
  });
  const spec = JSON.stringify({ origin: o.mockUrl, templates, connections: o.connections, seconds: o.seconds });
  return nodeJson<StreamCeiling>([scriptFile(o.tmp, 'bare-stream-client', BARE_CLIENT), rootUrl(o.root), spec], { cwd: o.root, timeoutMs: (o.seconds + 60) * 1000, what: 'bare streaming client' });
}
