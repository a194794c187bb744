/**
 * `--mock-url` that is not the mock server the scenario needs: another web server, a mock server
 * started for another scenario, a string that is not a URL, or a --mock-url the chosen transport
 * would ignore. Each is refused with exit 2 before any run is recorded (replay) or any port is
 * opened (serve), instead of a run whose every call fails and reads as a provider outage.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { HarnessError } from '../../src/errors.js';
import { replayScenario } from '../../src/runner/run-replay.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startServe } from '../../src/serve/start-serve.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';
import { rawServer, serveScenario, waitFor, within } from '../helpers/mock-servers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-remote-mock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (name: string, targets: string) => `name: ${name}
seed: 3
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 20 }
    count: 4
    input_tokens: { dist: uniform, min: 10, max: 20 }
    output_tokens: { dist: uniform, min: 2, max: 4 }
targets:
${targets}
strategies:
  one: { use: single, options: { target: a } }
`;
const MINE = scenario('mine', '  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\n  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }');
const OTHER = scenario('other', '  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }');
const file = path.join(dir, 'mine.yaml');
writeFileSync(file, MINE);

async function cli(args: string[]) {
  const io = memoryIo();
  const code = await within(runCli(args, io), 20_000, args.join(' '));
  return { code, stderr: io.stderr };
}

async function runsIn(db: string): Promise<number> {
  if (!existsSync(db)) return 0;
  const store = await openStore(db);
  try {
    return Number((await store.all<{ n: number }>('SELECT count(*) AS n FROM runs'))[0]!.n);
  } finally {
    store.close();
  }
}

describe('--mock-url that is not the mock server of this scenario', () => {
  it('another web server (404 to the run start): exit 2 and no run recorded', async () => {
    const web = await rawServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    const db = path.join(dir, 'web.duckdb');
    try {
      const replay = await cli(['replay', file, '--transport', 'mock-server', '--mock-url', web.url, '--db', db, '--out', path.join(dir, 'r1'), '--time-scale', '20']);
      expect([replay.code, replay.stderr]).toEqual([2, expect.stringContaining(`--mock-url ${web.url} is not a routebench mock server`)]);
      expect(await runsIn(db)).toBe(0);
      const serve = await cli(['serve', '--scenario', file, '--strategy', 'one', '--port', '0', '--mock-url', web.url]);
      expect([serve.code, serve.stderr]).toEqual([2, expect.stringContaining('is not a routebench mock server')]);
    } finally {
      await web.close();
    }
  });

  it("a routebench mock server of another scenario that lacks one of this scenario's targets: exit 2, naming it", async () => {
    const other = await serveScenario(OTHER);
    const db = path.join(dir, 'other.duckdb');
    try {
      const replay = await cli(['replay', file, '--transport', 'mock-server', '--mock-url', other.url, '--db', db, '--out', path.join(dir, 'r2'), '--time-scale', '20']);
      expect([replay.code, replay.stderr]).toEqual([2, expect.stringContaining(`the mock server at ${other.url} does not serve target b of this scenario (it serves a)`)]);
      expect(await runsIn(db)).toBe(0);
      const serve = await cli(['serve', '--scenario', file, '--strategy', 'one', '--port', '0', '--mock-url', other.url]);
      expect([serve.code, serve.stderr]).toEqual([2, expect.stringContaining('does not serve target b')]);
      // Nothing was sent to the mock's providers.
      expect(other.service.hits.size).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('the URL of a routebench serve (it forwards run starts to its own mock, but has no /t/<target> routes): exit 2', async () => {
    const serve = await startServe({ loaded: parseScenario(MINE, file), strategy: 'one', port: 0, realNow: () => performance.now(), env: {} });
    const db = path.join(dir, 'serve.duckdb');
    try {
      const replay = await cli(['replay', file, '--transport', 'mock-server', '--mock-url', serve.url, '--db', db, '--out', path.join(dir, 'r4'), '--time-scale', '20']);
      expect([replay.code, replay.stderr]).toEqual([2, expect.stringContaining(`--mock-url ${serve.url} is not a routebench mock server: GET /_routebench/stats answered HTTP 404`)]);
      expect(await runsIn(db)).toBe(0);
      expect(serve.counters.requests).toBe(0);
    } finally {
      await serve.close();
    }
  });

  it('not a URL, or a --mock-url the transport would ignore: exit 2', async () => {
    const notUrl = await cli(['replay', file, '--transport', 'mock-server', '--mock-url', 'localhost7070', '--db', path.join(dir, 'u.duckdb')]);
    expect([notUrl.code, notUrl.stderr]).toEqual([2, expect.stringContaining('--mock-url is not a URL: "localhost7070"')]);
    const target = await cli(['replay', file, '--transport', 'mock-server', '--mock-url', 'http://127.0.0.1:7070/t/a/v1/chat/completions', '--db', path.join(dir, 't.duckdb')]);
    expect([target.code, target.stderr]).toEqual([2, expect.stringContaining("is the URL of one target; give the mock server's own URL, http://127.0.0.1:7070")]);
    const ignored = await cli(['replay', file, '--mock-url', 'http://127.0.0.1:7070', '--db', path.join(dir, 'i.duckdb')]);
    expect([ignored.code, ignored.stderr]).toEqual([2, expect.stringContaining('--mock-url is for --transport mock-server, not msw')]);
  });

  it('the right mock server still works: the replay runs against it', async () => {
    const mine = await serveScenario(MINE);
    const db = path.join(dir, 'mine.duckdb');
    try {
      const replay = await cli(['replay', file, '--transport', 'mock-server', '--mock-url', mine.url, '--db', db, '--out', path.join(dir, 'r3'), '--time-scale', '20']);
      expect(replay.code).toBe(0);
      expect(await runsIn(db)).toBe(1);
      expect(mine.service.hits.size).toBe(4);
    } finally {
      await mine.close();
    }
  });
});

describe('the mock server stops during a replay', () => {
  it('the replay stops with exit 4 (MOCK_GONE), the run marked error, instead of replaying the rest into refused connections', async () => {
    const count = 2000;
    const yaml = MINE.replace('count: 4', `count: ${count}`);
    const mock = await serveScenario(yaml, { scale: 20 });
    const store = await openStore(':memory:');
    try {
      const loaded = parseScenario(yaml, path.join(dir, 'gone.yaml'));
      const pending = replayScenario(loaded, { store, env: testEnv, transport: 'mock-server', mockUrl: mock.url, timeScale: 20, realNow: () => performance.now(), processEnv: {} });
      const failed = pending.then(() => undefined, (e: unknown) => e);
      await waitFor(() => (mock.service.hits.size >= 5 ? true : undefined), 10_000, '5 hits at the mock');
      await mock.close();
      const e = (await within(failed, 20_000, 'replay after the mock stopped')) as HarnessError;
      expect(e).toBeInstanceOf(HarnessError);
      expect([e.code, e.exitCode, e.message]).toEqual(['MOCK_GONE', 4, `the mock server at ${mock.url} stopped answering (connection refused) during the replay`]);
      const runs = await store.all<{ status: string; requests: number }>('SELECT status, requests FROM runs');
      expect(runs.map((r) => r.status)).toEqual(['error']);
      expect(Number(runs[0]!.requests)).toBeLessThan(count);
    } finally {
      store.close();
      await mock.close().catch(() => undefined);
    }
  });
});
