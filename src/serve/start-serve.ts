/**
 * `routebench serve` as a function: one strategy of a scenario as a live OpenAI- and
 * Anthropic-compatible gateway on loopback, in front of the scenario's targets: a mock server
 * started here (default), a running `routebench mock-server` (`mockUrl`), or the live APIs.
 * The router is built once and keeps its state for the server's life.
 */
import { EXTERNAL } from '../strategies/external.js';
import { inputError } from '../errors.js';
import { planScenario } from '../engine/plan-scenario.js';
import { checkTimeScale } from '../engine/time-scale.js';
import type { DialectName } from '../providers/canonical.js';
import type { MockService } from '../providers/mock/mock-service.js';
import type { LoadedScenario } from '../scenario/load-scenario.js';
import { dialectGate, endpointTargets } from './dialect-gate.js';
import { ServeDriver, type ServeCounters } from './serve-driver.js';
import { startServeServer } from './serve-server.js';
import { openUpstreams, type UpstreamKind } from './upstream-source.js';

export interface ServeOptions {
  loaded: LoadedScenario;
  /** Strategy label in the scenario. */
  strategy: string;
  seed?: number;
  host?: string;
  port?: number;
  /** Listen on a non-loopback address. */
  allowRemote?: boolean;
  transport?: UpstreamKind;
  /** A running `routebench mock-server` (transport mock-server only). */
  mockUrl?: string;
  /** Scenario ms per real ms: the in-process mock plays this much faster, timeouts and waits shrink with it. */
  timeScale?: number;
  realNow: () => number;
  env: Readonly<Record<string, string | undefined>>;
  /** A strategy bug while routing one request (that request gets a 500). */
  onFault?: (e: unknown) => void;
}

export interface ServeHandle {
  url: string;
  port: number;
  scenario: string;
  strategy: string;
  /** Per endpoint dialect, the targets the strategy can reach there. */
  endpoints: Readonly<Record<DialectName, readonly string[]>>;
  /** Where the targets are: the mock server's URL, or 'live'. */
  upstream: string;
  counters: ServeCounters;
  /** Requests whose answer is not complete yet. */
  inFlight(): number;
  /** The in-process mock (default transport), for its hit log. */
  mock?: MockService;
  close(graceMs?: number): Promise<void>;
}

/** Run key of requests without a routebench marker. */
export const SERVE_RUN_KEY = 'serve';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

export async function startServe(o: ServeOptions): Promise<ServeHandle> {
  const host = o.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host) && !o.allowRemote)
    throw inputError('REMOTE_HOST', `--host ${host} is not a loopback address: serve would accept requests from other machines`, [], 'keep the default 127.0.0.1, or add --allow-remote if you mean it');
  const timeScale = o.timeScale ?? 1;
  checkTimeScale(timeScale);
  const labels = Object.keys(o.loaded.scenario.strategies);
  if (!labels.includes(o.strategy))
    throw inputError('UNKNOWN_STRATEGY', `${o.loaded.file} has no strategy "${o.strategy}"; its strategies: ${labels.join(', ')}`, [], `give --strategy ${labels[0] ?? '<label>'}`);
  const plan = planScenario(o.loaded, { seed: o.seed, only: [o.strategy], live: true });
  const sp = plan.strategies[0]!;
  // An external gateway is the user's own server, not a strategy serve can run: it would answer every request 503.
  if (sp.use === EXTERNAL) {
    const own = labels.filter((l) => o.loaded.scenario.strategies[l]!.use !== EXTERNAL);
    throw inputError(
      'EXTERNAL_NOT_SERVED',
      `strategy "${o.strategy}" of ${o.loaded.file} is an external gateway (use: external): serve runs routebench's own strategies, and your gateway is already a server`,
      [],
      `${own.length > 0 ? `serve one of ${own.join(', ')}, or ` : ''}point the gateway's upstreams at \`routebench mock-server --scenario ${o.loaded.file}\` and compare it with \`routebench replay --transport mock-server\``,
    );
  }
  const endpoints = endpointTargets(sp.options, plan.targets);
  const upstreams = await openUpstreams(plan, { kind: o.transport ?? 'mock-server', mockUrl: o.mockUrl, timeScale, realNow: o.realNow, env: o.env, runKey: SERVE_RUN_KEY });
  try {
    const built = sp.build();
    const driver = new ServeDriver({
      router: dialectGate(built.router, plan.targets),
      slotCount: built.slotCount,
      upstreams: upstreams.set,
      maxAttempts: plan.defaults.maxAttempts,
      timeScale,
      realNow: o.realNow,
      reaches: { openai: endpoints.openai.length > 0, anthropic: endpoints.anthropic.length > 0 },
      onFault: o.onFault,
    });
    const server = await startServeServer(driver, { host, port: o.port ?? 8080, runKey: SERVE_RUN_KEY, controlUrl: upstreams.mockUrl });
    return {
      url: server.url,
      port: server.port,
      scenario: plan.name,
      strategy: sp.label,
      endpoints,
      upstream: upstreams.where,
      counters: driver.counters,
      inFlight: server.inFlight,
      mock: upstreams.mock,
      close: async (graceMs) => {
        await server.close(graceMs);
        await upstreams.close();
      },
    };
  } catch (e) {
    await upstreams.close();
    throw e;
  }
}
