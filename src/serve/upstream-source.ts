/**
 * Where `routebench serve` sends its attempts: the scenario's mock providers on a loopback mock
 * server started in-process (the default: one command), a separately started `routebench
 * mock-server` (`--mock-url`, for benchmarks: the mock gets its own process), or the targets'
 * real APIs (`--transport live`, each target's `live:` block, keys from the environment).
 */
import { environmentError, inputError } from '../errors.js';
import { createMocks, type ScenarioPlan } from '../engine/plan-scenario.js';
import type { TargetPlan } from '../engine/plan-targets.js';
import { startMockServer } from '../providers/mock/mock-http-server.js';
import { MockService } from '../providers/mock/mock-service.js';
import { mockBase, startRemoteRun } from '../transport/remote-mock.js';
import { createUpstreams, type UpstreamSet } from './upstreams.js';

export type UpstreamKind = 'mock-server' | 'live';

export interface UpstreamSourceOptions {
  kind: UpstreamKind;
  mockUrl?: string;
  timeScale: number;
  realNow: () => number;
  env: Readonly<Record<string, string | undefined>>;
  /** Run key of serve's own (unmarked) requests: its mock clock starts now. */
  runKey: string;
}

export interface OpenedUpstreams {
  set: UpstreamSet;
  /** For the startup line: a mock server URL, or 'live APIs'. */
  where: string;
  /** The mock server's base URL (its control endpoints are forwarded there); undefined for live APIs. */
  mockUrl?: string;
  mock?: MockService;
  close(): Promise<void>;
}

export async function openUpstreams(plan: ScenarioPlan, o: UpstreamSourceOptions): Promise<OpenedUpstreams> {
  if (o.kind === 'live') {
    if (o.mockUrl !== undefined) throw inputError('BAD_OPTION', '--mock-url is for --transport mock-server; live targets use their live.base_url');
    if (o.timeScale !== 1) throw inputError('BAD_OPTION', '--time-scale applies to mocks only; live APIs answer in real time');
    return openLive(plan, o.env);
  }
  if (o.mockUrl === undefined) {
    const mock = new MockService(plan.targets, () => createMocks(plan), o.realNow, { defaultScale: o.timeScale });
    mock.startRun(o.runKey, o.timeScale);
    const server = await startMockServer(mock, { port: 0 });
    const set = createUpstreams(plan.targets, { baseUrl: (t) => `${server.url}/t/${t.id}`, model: (t) => t.model, live: false });
    const close = async () => {
      await set.close();
      await server.close();
    };
    return { set, where: `${server.url} (in-process mock)`, mockUrl: server.url, mock, close };
  }
  const base = mockBase(o.mockUrl);
  // Start serve's own run on the mock: fresh mock state, its clock from now, at this time scale.
  await startRemoteRun(base, o.runKey, o.timeScale, plan.targets.map((t) => t.id), { check: true });
  const set = createUpstreams(plan.targets, { baseUrl: (t) => `${base}/t/${t.id}`, model: (t) => t.model, live: false });
  return { set, where: base, mockUrl: base, close: () => set.close() };
}

function openLive(plan: ScenarioPlan, env: Readonly<Record<string, string | undefined>>): OpenedUpstreams {
  const missing = plan.targets.filter((t) => !t.live).map((t) => t.id);
  if (missing.length > 0) throw inputError('LIVE_TARGETS', `serve --transport live needs targets.<id>.live {base_url, api_key_env} for every target; missing for ${missing.join(', ')}`, [], 'add to each target e.g. live: { base_url: https://api.openai.com, api_key_env: OPENAI_API_KEY } (the real API, and the variable holding its key)');
  const keys = new Map<string, string>();
  for (const t of plan.targets) {
    const value = env[t.live!.apiKeyEnv];
    if (!value) throw environmentError('KEY_MISSING', `environment variable ${t.live!.apiKeyEnv} (the API key of target ${t.id}) is not set`, `export ${t.live!.apiKeyEnv}=… before serving live targets; mock upstreams need no keys`);
    keys.set(t.id, value);
  }
  const auth = (t: TargetPlan): Record<string, string> => (t.dialect === 'anthropic' ? { 'x-api-key': keys.get(t.id)! } : { authorization: `Bearer ${keys.get(t.id)!}` });
  const set = createUpstreams(plan.targets, { baseUrl: (t) => t.live!.baseUrl, model: (t) => t.live!.model ?? t.model, auth, live: true, connections: 64 });
  return { set, where: 'live APIs', close: () => set.close() };
}
