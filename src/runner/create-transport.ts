/**
 * Builds the transport a replay asks for: `msw` (the scenario's mocks intercepted in-process),
 * `mock-server` (the mocks over loopback HTTP: started here, or an already running
 * `routebench mock-server` given by URL), or `live` (the real APIs, keys from the environment).
 */
import { setupServer } from 'msw/node';
import { environmentError, inputError } from '../errors.js';
import { createMocks, type ScenarioPlan } from '../engine/plan-scenario.js';
import type { TargetPlan } from '../engine/plan-targets.js';
import { MockService } from '../providers/mock/mock-service.js';
import { mockHandlers } from '../providers/mock/msw-handlers.js';
import { startMockServer } from '../providers/mock/mock-http-server.js';
import { httpTransport } from '../transport/http-transport.js';
import { mockBase, startRemoteRun } from '../transport/remote-mock.js';
import type { ProviderCall, Transport } from '../transport/transport.js';
import type { Generation } from '../engine/billing.js';

export type TransportKind = 'msw' | 'mock-server' | 'live';

export interface TransportOptions {
  kind: TransportKind;
  timeScale: number;
  realNow: () => number;
  /** mock-server: use this running server instead of starting one. */
  mockUrl?: string;
  env: Readonly<Record<string, string | undefined>>;
}

const MSW_BASE = 'http://mock.routebench.test';
/** Keep-alive connections to the mock server opened before a run's clock starts (about the calls in flight at 5,000 streamed calls a second). */
export const PRECONNECT = 64;

export async function createTransport(plan: ScenarioPlan, o: TransportOptions): Promise<Transport> {
  const service = () => new MockService(plan.targets, () => createMocks(plan), o.realNow, { defaultScale: o.timeScale });
  if (o.kind === 'msw') {
    const svc = service();
    const server = setupServer(...mockHandlers(svc));
    server.listen({ onUnhandledRequest: 'error' });
    const http = httpTransport({ name: 'msw', baseUrl: (t) => `${MSW_BASE}/t/${t.id}`, realNow: o.realNow, timeScale: o.timeScale });
    return { ...http, generation: generationIn(svc), startRun: async (key, scale) => svc.startRun(key, scale), close: async () => server.close() };
  }
  if (o.kind === 'mock-server') {
    // The server's origin without a trailing slash: ours, or the running one given (mockBase checks it).
    let base: string;
    let stop: (() => Promise<void>) | undefined;
    let startRun: (key: string, scale: number) => Promise<void>;
    let generation: Transport['generation'];
    if (o.mockUrl === undefined) {
      const svc = service();
      const server = await startMockServer(svc);
      base = server.url.replace(/\/+$/, '');
      stop = server.close;
      startRun = async (key, scale) => svc.startRun(key, scale);
      generation = generationIn(svc);
    } else {
      const remote = (base = mockBase(o.mockUrl));
      const ids = plan.targets.map((t) => t.id);
      // Checked before any run is recorded: a wrong, stopped or other-scenario mock is refused up front.
      await startRemoteRun(remote, 'routebench-check', o.timeScale, ids, { check: true });
      startRun = (key, scale) => startRemoteRun(remote, key, scale, ids);
    }
    const lookupGeneration = generation ? undefined : remoteGeneration(base);
    // undici's dispatcher, not fetch: the client's CPU per call bounds the rate a replay can offer.
    // Connections opened before each run's clock starts (GET /_routebench/health: no provider
    // call, not in the mock's counts), so the first arrivals do not open them while others are due.
    const preconnect = { url: `${base}/_routebench/health`, connections: PRECONNECT };
    const http = httpTransport({ name: 'mock-server', baseUrl: (t) => `${base}/t/${t.id}`, realNow: o.realNow, timeScale: o.timeScale, lookupGeneration, client: 'undici', preconnect });
    return { ...http, mockUrl: base, generation, startRun, close: async () => (await http.close(), await stop?.()) };
  }
  return liveTransport(plan, o);
}

/** Billing lookups in a mock server of another process (`GET /_routebench/generation`); undefined when it does not know the call. */
function remoteGeneration(base: string) {
  return async (call: ProviderCall): Promise<Generation | undefined> => {
    const q = new URLSearchParams({ run: call.runKey, request: String(call.request.index), target: call.target.id, attempt: String(call.attemptOnTarget) });
    const res = await fetch(`${base}/_routebench/generation?${q}`);
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    const g = (await res.json()) as { ttftMs: number | null; tokensPerMs: number; tokensOut: number };
    return { ttftMs: g.ttftMs ?? NaN, tokensPerMs: g.tokensPerMs, tokensOut: g.tokensOut };
  };
}

/** Billing lookups in a mock service of this process (a mock in another process sends the same in a header). */
const generationIn = (svc: MockService): Transport['generation'] => (call) => svc.generation(call.runKey, call.request.index, call.target.id, call.attemptOnTarget);

function liveTransport(plan: ScenarioPlan, o: TransportOptions): Transport {
  const keys = liveKeys(plan, o.env);
  const auth = (t: TargetPlan): Record<string, string> => (t.dialect === 'anthropic' ? { 'x-api-key': keys.get(t.id)! } : { authorization: `Bearer ${keys.get(t.id)!}` });
  return httpTransport({ name: 'live', baseUrl: (t) => t.live!.baseUrl, auth, realNow: o.realNow, timeScale: 1, secrets: [...keys.values()] });
}

/**
 * What a live replay needs before it sends anything: a `live:` block on every target (exit 2) and
 * each block's key variable set (exit 4). The keys by target id. `replay --dry-run` checks the same.
 */
export function liveKeys(plan: Pick<ScenarioPlan, 'targets' | 'name'>, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const missing = plan.targets.filter((t) => !t.live).map((t) => t.id);
  if (missing.length > 0)
    throw inputError('LIVE_TARGETS', `replay --transport live needs targets.<id>.live {base_url, api_key_env} for every target; scenario ${plan.name} has none for ${missing.join(', ')}`, [], 'add to each target e.g. live: { base_url: https://api.openai.com, api_key_env: OPENAI_API_KEY } (the real API, and the variable holding its key)');
  const keys = new Map<string, string>();
  for (const t of plan.targets) {
    const value = env[t.live!.apiKeyEnv];
    if (!value) throw environmentError('KEY_MISSING', `environment variable ${t.live!.apiKeyEnv} (the API key of target ${t.id}) is not set`, `export ${t.live!.apiKeyEnv}=… before a live run; mock transports need no keys`);
    keys.set(t.id, value);
  }
  return keys;
}
