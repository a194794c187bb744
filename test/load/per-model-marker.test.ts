/**
 * A load run against a target that mocks models of its own (`mock.models`): every arm's request
 * tells the mock which model it asks for, so the mock draws that model's TTFT, straight to the mock
 * and through a gateway that sends its upstream another model name (as LiteLLM does with a model
 * alias), whether or not the gateway forwards routebench's headers. The arms come from the scenario's
 * `load:` section through planArms, as `routebench load` plans them; the mock server and the
 * gateway are real HTTP on 127.0.0.1; every arm sends a fixed number of streamed requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { armRequest } from '../../src/load/arm-request.js';
import { planArms, type ArmPlan } from '../../src/load/plan-arms.js';
import { timedRequest } from '../../src/load/timed-request.js';
import { serveScenario, type ScenarioServer } from '../helpers/mock-servers.js';

// Deterministic TTFTs (p50 = p99), far apart: the target's own (pooled) 200 ms, fast 50 ms, slow 400 ms.
const TTFT = { pooled: 200, fast: 50, slow: 400 } as const;
const YAML = `
name: per-model-load
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  pool:
    provider: openai
    model: gpt-4o-mini
    mock:
      profile: perfect
      ttft_ms: { p50: ${TTFT.pooled}, p99: ${TTFT.pooled} }
      tokens_per_s: { p50: 10000, p99: 10000 }
      models:
        fast: { ttft_ms: { p50: ${TTFT.fast}, p99: ${TTFT.fast} } }
        slow: { ttft_ms: { p50: ${TTFT.slow}, p99: ${TTFT.slow} } }
  plain: { provider: openai, model: gpt-4o, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: pool } } }
load:
  arms:
    fast: { target: pool, model: fast }
    slow: { target: pool, model: slow }
    plain: { target: plain }
    via-fast: { url_env: GW_URL, model: fast }
    via-slow: { url_env: GW_URL, model: slow }
  request: { input_tokens: 8, output_tokens: 1, stream_output_tokens: 4 }
`;
const REQUESTS = 3;
const nowUs = () => Number(process.hrtime.bigint()) / 1000;

/**
 * A gateway with one deployment, the mock's target pool, behind any model name: it sends the
 * deployment's model upstream instead of the one asked for. Under /drop it also drops every
 * x-routebench-* header (the marker then travels only in the prompt text).
 */
async function aliasingGateway(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string };
      body.model = 'gpt-4o-mini';
      const drop = req.url!.startsWith('/drop/');
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-routebench-') && !drop) headers[k] = v;
      const path = req.url!.replace(/^\/(drop|keep)/, '');
      const up = http.request(`${upstream}/t/pool${path}`, { method: 'POST', headers, agent }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let mock: ScenarioServer;
let gateway: Awaited<ReturnType<typeof aliasingGateway>>;
beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: 1 });
  gateway = await aliasingGateway(mock.url);
});
afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});

/** The arms as `routebench load` plans them, direct ones pointed at the mock as runLoad does. */
function arms(gatewayPath: 'keep' | 'drop'): Map<string, ArmPlan> {
  const plan = mock.plan;
  const planned = planArms(plan, plan.loaded.scenario.load!, { env: { GW_URL: `${gateway.url}/${gatewayPath}/v1` }, allowRemote: false });
  for (const a of planned.arms) if (a.kind === 'direct') a.baseUrl = `${mock.url}/t/${a.target}/v1`;
  return new Map(planned.arms.map((a) => [a.name, a]));
}

/** REQUESTS streamed requests of one arm, one after another; its run key names the arm and case. */
async function load(arm: ArmPlan, runKey: string): Promise<number[]> {
  const spec = mock.plan.loaded.scenario.load!.request;
  const req = armRequest(arm, { inputTokens: spec.input_tokens, outputTokens: spec.output_tokens, streamOutputTokens: spec.stream_output_tokens }, true, runKey);
  const pool = new Pool(req.origin, { connections: 1 });
  const ttftMs: number[] = [];
  try {
    for (let i = 0; i < REQUESTS; i++) {
      const r = await timedRequest(pool, req, { nowUs, timeoutMs: 10_000 });
      expect(r.kind, `${runKey} request ${i}`).toBeNull();
      ttftMs.push((r.firstTokenUs - r.startUs) / 1000);
    }
  } finally {
    await pool.destroy();
  }
  return ttftMs;
}

/** The TTFTs the mock drew for one run key (scenario ms = real ms at scale 1), to the µs: the 8 prompt tokens' prefill at 1e12 tokens/s adds 8e-9 ms. */
const drawn = (runKey: string) => mock.service.hits.since(0, runKey).map((h) => Math.round(h.firstTokenMs * 1000) / 1000);

describe('load names the model each arm asks for', () => {
  it('direct arms and gateway arms (headers forwarded or dropped) draw their own model\'s TTFT, not the pooled one', async () => {
    const cases = [
      ['fast', 'direct'],
      ['slow', 'direct'],
      ['via-fast', 'keep'],
      ['via-slow', 'keep'],
      ['via-fast', 'drop'],
      ['via-slow', 'drop'],
    ] as const;
    const planned = { keep: arms('keep'), drop: arms('drop'), direct: arms('keep') };
    const observed = await Promise.all(cases.map(([name, how]) => load(planned[how].get(name)!, `pm-${name}-${how}`)));
    for (const [i, [name, how]] of cases.entries()) {
      const want = name.endsWith('fast') ? TTFT.fast : TTFT.slow;
      // The mock's own draw: the asked model's TTFT (prefill is all but instant in the perfect profile).
      expect(drawn(`pm-${name}-${how}`), `${name} (${how})`).toEqual(Array(REQUESTS).fill(want));
      // Observed by load's client: a slow model's first token never comes before its 400 ms.
      if (want === TTFT.slow) for (const t of observed[i]!) expect(t, `${name} (${how})`).toBeGreaterThanOrEqual(TTFT.slow);
    }
    // And in order: every fast first token came before any slow one.
    const fast = observed.filter((_, i) => cases[i]![0].endsWith('fast')).flat();
    const slow = observed.filter((_, i) => cases[i]![0].endsWith('slow')).flat();
    expect(Math.max(...fast)).toBeLessThan(Math.min(...slow));
  });

  it('names the model on the wire where replay would: gateway arms and per-model targets, not a plain target', () => {
    const a = arms('keep');
    const shape = { inputTokens: 8, outputTokens: 1, streamOutputTokens: 4 };
    const wire = (name: string) => {
      const r = armRequest(a.get(name)!, shape, false, 'k');
      const body = JSON.parse(r.body) as { model: string; messages: { content: string }[] };
      return { model: body.model, header: r.headers['x-routebench-model'], marker: /^⟦[^⟧]*⟧/u.exec(body.messages[0]!.content)![0] };
    };
    expect(wire('fast')).toEqual({ model: 'fast', header: 'fast', marker: '⟦rb r=0 a=0 run=k in=8 c=0 out=1 m=fast⟧' });
    expect(wire('via-slow')).toEqual({ model: 'slow', header: 'slow', marker: '⟦rb r=0 a=0 run=k in=8 c=0 out=1 m=slow⟧' });
    // A target without mock.models: the same bytes as before (the mock draws the target's behaviour).
    expect(wire('plain')).toEqual({ model: 'gpt-4o', header: undefined, marker: '⟦rb r=0 a=0 run=k in=8 c=0 out=1⟧' });
  });
});
