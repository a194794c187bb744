/**
 * Test helpers for the wire-level tests: a scenario's mock providers behind the loopback mock
 * server, tiny hand-written node:http servers (malformed providers), a seeded search for a request
 * number whose mock draw has a wanted shape, and bounded waits.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createMocks, planScenario, type ScenarioPlan } from '../../src/engine/plan-scenario.js';
import { newDraw, type AttemptDraw } from '../../src/providers/mock/mock-model.js';
import { MockService } from '../../src/providers/mock/mock-service.js';
import { startMockServer, type MockServer } from '../../src/providers/mock/mock-http-server.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';

export const planYaml = (yaml: string, file = 'test/mock.yaml'): ScenarioPlan => planScenario(parseScenario(yaml, file));

export interface ScenarioServer {
  plan: ScenarioPlan;
  service: MockService;
  server: MockServer;
  url: string;
  close(): Promise<void>;
}

/** The scenario's mocks behind `startMockServer` on 127.0.0.1, port 0, `scale` times faster than scenario time. */
export async function serveScenario(yaml: string, o: { scale?: number; service?: (plan: ScenarioPlan) => MockService } = {}): Promise<ScenarioServer> {
  const plan = planYaml(yaml);
  const service = o.service?.(plan) ?? new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: o.scale ?? 10 });
  const server = await startMockServer(service, { port: 0 });
  return { plan, service, server, url: server.url, close: () => server.close() };
}

export interface RawServer {
  url: string;
  /** Requests received so far (method, url, headers). */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A hand-written HTTP server on 127.0.0.1 (any port); `close` destroys open sockets too. */
export async function rawServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const requests: RawServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    // Read the body before answering, as a real server does.
    req.resume();
    req.on('end', () => handler(req, res));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Rejects when `p` has not settled within `ms` (a bounded wait, never a sleep as an assertion). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Polls `check` every few ms until it returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() > until) throw new Error(`${what}: not true within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function trafficRequest(index: number, o: { inputTokens?: number; cachedTokens?: number; outputTokens?: number; stream?: boolean } = {}): TrafficRequest {
  return {
    index,
    arrivalMs: 0,
    route: 'default',
    inputTokens: o.inputTokens ?? 200,
    cachedTokens: o.cachedTokens ?? 0,
    outputTokens: o.outputTokens ?? 20,
    stream: o.stream ?? false,
    tags: {},
  };
}

/**
 * The first request number (from `from`) whose first attempt on `targetId` draws as `pred` wants,
 * using the same seeded mock model the mock service uses (no incidents: time does not matter).
 */
export function findRequest(plan: ScenarioPlan, targetId: string, req: Omit<TrafficRequest, 'index'>, pred: (d: AttemptDraw) => boolean, from = 0): number {
  const target = plan.targets.find((t) => t.id === targetId);
  if (!target) throw new Error(`no target ${targetId}`);
  const mock = createMocks(plan)[target.index]!;
  const d = newDraw();
  for (let index = from; index < from + 10_000; index++) {
    mock.draw({ ...req, index }, 0, 0, 0, d);
    if (pred(d)) return index;
  }
  throw new Error(`no request number in [${from}, ${from + 10_000}) draws as wanted on ${targetId}`);
}
