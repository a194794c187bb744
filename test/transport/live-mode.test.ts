/**
 * `routebench replay --transport live` against the loopback mock server standing in for the real
 * APIs: keys come from the environment, reach the provider, and appear in no output (stdout,
 * stderr, reports, the DuckDB file and its WAL); a missing key is exit 4, no spend cap exit 2,
 * --dry-run sends nothing, and a tiny spend cap stops the run and says so.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { createMocks } from '../../src/engine/plan-scenario.js';
import { MockService, type HandledRequest, type MockRequest } from '../../src/providers/mock/mock-service.js';
import { estimateCost, replayScenario } from '../../src/runner/run-replay.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';
import { planYaml, rawServer, serveScenario, within, type RawServer, type ScenarioServer } from '../helpers/mock-servers.js';

const KEY = 'sk-test-PLANTED-KEY-123456';
const KEY_VAR = 'ROUTEBENCH_TEST_KEY';
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-live-'));

/** The mock service, keeping the auth headers each request arrived with (the hit log deliberately does not). */
class RecordingService extends MockService {
  readonly auth: { target: string; authorization?: string; apiKey?: string }[] = [];
  override handle(req: MockRequest): HandledRequest {
    const h = req.headers as IncomingHttpHeaders;
    this.auth.push({ target: req.targetId, authorization: h.authorization, apiKey: h['x-api-key'] as string | undefined });
    return super.handle(req);
  }
}

/** What the mock server serves: the providers' side (no live blocks). */
const MOCK_YAML = `name: live-mocks
seed: 3
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  a: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
  stall: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { timeout: 1 } } }
strategies: { s: { use: single, options: { target: o } } }
`;

let mock: ScenarioServer;
let service: RecordingService;
/** A provider that answers 401 and echoes the key it was sent, in its body and a header (as some proxies do). */
let echo: RawServer;

beforeAll(async () => {
  mock = await serveScenario(MOCK_YAML, {
    service: (plan) => (service = new RecordingService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: 20 })),
  });
  echo = await rawServer((req, res) => {
    const auth = String(req.headers.authorization ?? '');
    res.writeHead(401, { 'content-type': 'application/json', 'x-echo-authorization': auth });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${auth.replace(/^Bearer /, '')}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
  });
});
afterAll(async () => {
  await mock?.close();
  await echo?.close();
  rmSync(dir, { recursive: true, force: true });
});

const live = (id: string, keyVar = KEY_VAR) => `live: { base_url: "${mock.url}/t/${id}", api_key_env: ${keyVar} }`;

/** A live scenario: 30 requests at 10/s, half streamed; fallback from a key-echoing 401 provider to OpenAI, and Anthropic alone. */
function liveScenario(name: string, o: { keyVar?: string; count?: number; strategies?: string; targets?: string } = {}): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 9
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 10 }, count: ${o.count ?? 30}, input_tokens: { dist: constant, value: 1000 }, output_tokens: { dist: constant, value: 100 }, cached_fraction: 0.2, stream: 0.5 }
targets:
${
  o.targets ??
  `  o: { provider: openai, model: gpt-4o-mini, ${live('o')} }
  a: { provider: anthropic, model: claude-3-5-haiku, ${live('a', o.keyVar)} }
  echo: { provider: openai, model: gpt-4o-mini, live: { base_url: "${echo.url}", api_key_env: ${KEY_VAR} } }`
}
strategies:
${o.strategies ?? '  fallback: { use: fallback, options: { targets: [echo, o] } }\n  anthropic: { use: single, options: { target: a } }'}
`,
  );
  return file;
}

const paths = (name: string) => ({ db: path.join(dir, `${name}.duckdb`), out: path.join(dir, `${name}-reports`) });
const replay = (file: string, name: string, extra: string[]) => ['replay', file, '--transport', 'live', '--time-scale', '30', '--db', paths(name).db, '--out', paths(name).out, ...extra];

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(root, f))
    .filter((f) => statSync(f).isFile());
}

describe('replay --transport live (against the loopback mock server)', () => {
  it('runs, sends the key to the provider, and writes it nowhere', async () => {
    const name = 'live-ok';
    const io = memoryIo({ [KEY_VAR]: KEY });
    const before = service.auth.length;
    const code = await within(runCli(replay(liveScenario(name), name, ['--max-cost-usd', '5']), io), 20_000, 'live replay');
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/live-ok: 30 requests, .*replay over live at 30× speed/);

    // the providers got the key, as each dialect sends it
    const seen = service.auth.slice(before);
    expect(seen.filter((s) => s.target === 'o').length).toBeGreaterThanOrEqual(30);
    expect(seen.filter((s) => s.target === 'a').length).toBe(30);
    for (const s of seen) {
      if (s.target === 'o') expect([s.authorization, s.apiKey]).toEqual([`Bearer ${KEY}`, undefined]);
      else expect([s.authorization, s.apiKey]).toEqual([undefined, KEY]);
    }
    expect(echo.requests.length).toBe(30);
    expect(echo.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    // ... and the hit log keeps no auth header (so GET /_routebench/hits cannot leak it)
    const hits = await (await fetch(`${mock.url}/_routebench/hits`)).text();
    expect(hits).not.toContain(KEY);
    expect(hits).not.toMatch(/authorization|x-api-key/i);

    // the runs are in the file, ok, with the echo provider's 401s absorbed by the fallback
    const store = await openStore(paths(name).db, { readOnly: true });
    try {
      const runs = await store.all<{ strategy: string; transport: string; status: string; requests: number }>(`SELECT strategy, transport, status, requests FROM runs ORDER BY run_no`);
      expect(runs).toEqual([
        { strategy: 'fallback', transport: 'live', status: 'ok', requests: 30 },
        { strategy: 'anthropic', transport: 'live', status: 'ok', requests: 30 },
      ]);
      const kinds = await store.all<{ target: string; outcome: string; error_kind: string | null; n: number }>(
        `SELECT target, outcome::VARCHAR AS outcome, error_kind::VARCHAR AS error_kind, count(*)::INTEGER AS n FROM attempt_log GROUP BY ALL ORDER BY target`,
      );
      expect(kinds).toEqual([
        { target: 'a', outcome: 'ok', error_kind: null, n: 30 },
        { target: 'echo', outcome: 'error', error_kind: 'auth', n: 30 },
        { target: 'o', outcome: 'ok', error_kind: null, n: 30 },
      ]);
      // DuckDB may compress strings on disk, so the byte grep below is backed by a scan of every text column
      const columns = await store.all<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns WHERE data_type IN ('VARCHAR', 'JSON') OR data_type LIKE '%[]'`,
      );
      expect(columns.length).toBeGreaterThan(10);
      for (const c of columns) {
        const [{ n }] = (await store.all<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM "${c.table_name}" WHERE CAST("${c.column_name}" AS VARCHAR) LIKE '%PLANTED-KEY%'`,
        )) as [{ n: number }];
        expect(n, `${c.table_name}.${c.column_name} rows holding the key`).toBe(0);
      }
    } finally {
      store.close();
    }

    // grep every output for the key
    const outputs: [string, Buffer][] = [
      ['stdout', Buffer.from(io.stdout)],
      ['stderr', Buffer.from(io.stderr)],
      ...filesUnder(paths(name).out).map((f): [string, Buffer] => [f, readFileSync(f)]),
      [paths(name).db, readFileSync(paths(name).db)],
    ];
    if (existsSync(`${paths(name).db}.wal`)) outputs.push([`${paths(name).db}.wal`, readFileSync(`${paths(name).db}.wal`)]);
    expect(outputs.filter(([f]) => f.endsWith('index.html') || f.endsWith('summary.json')).length).toBeGreaterThanOrEqual(2);
    for (const needle of [KEY, 'PLANTED-KEY-123456']) {
      const leaks = outputs.filter(([, bytes]) => bytes.includes(needle) || bytes.includes(Buffer.from(needle, 'utf16le'))).map(([f]) => f);
      expect(leaks, `files containing ${needle}`).toEqual([]);
    }
  });

  it('a missing key variable: exit 4 naming the variable, nothing sent', async () => {
    const name = 'live-nokey';
    const io = memoryIo({ [KEY_VAR]: KEY });
    const before = service.hits.size;
    const code = await runCli(replay(liveScenario(name, { keyVar: 'ROUTEBENCH_MISSING_KEY' }), name, ['--max-cost-usd', '5']), io);
    expect(code).toBe(4);
    expect(io.stderr).toContain('environment variable ROUTEBENCH_MISSING_KEY (the API key of target a) is not set');
    expect(io.stderr).not.toContain(KEY);
    expect(io.stdout).not.toContain(KEY);
    expect(service.hits.size).toBe(before);
  });

  it('no --max-cost-usd: exit 2 asking for the cap, nothing sent', async () => {
    const name = 'live-nocap';
    const io = memoryIo({ [KEY_VAR]: KEY });
    const before = service.hits.size;
    const code = await runCli(replay(liveScenario(name), name, []), io);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/--max-cost-usd/);
    expect(service.hits.size).toBe(before);
    expect(echo.requests.length).toBe(30); // only the first test's
  });

  it('--dry-run prints the projected cost and sends nothing', async () => {
    const name = 'live-dry';
    const io = memoryIo({ [KEY_VAR]: KEY });
    const before = service.hits.size;
    const code = await runCli(replay(liveScenario(name), name, ['--dry-run']), io);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/^live-dry: 30 requests × 2 strategies; projected provider cost \$[\d.]+ to \$[\d.]+ \(every request once/);
    expect(io.stdout).toContain('a live run also needs --max-cost-usd <USD>');
    expect(io.stdout).toMatch(/dry run: nothing was sent\n$/);
    expect(service.hits.size).toBe(before);
    expect(existsSync(paths(name).db)).toBe(false);
  });

  describe('--max-cost-usd', () => {
    /** One OpenAI target at `mockTarget` of the mock server; 100 requests of 1,000 input (200 cached) and `output` output tokens. */
    function capScenario(name: string, strategies: string, o: { mockTarget?: string; output?: number; stream?: number; timeout?: string } = {}): { file: string; perRequest: number } {
      const file = liveScenario(name, {
        count: 100,
        targets: `  o: { provider: openai, model: gpt-4o-mini${o.timeout ? `, timeout: ${o.timeout}` : ''}, ${live(o.mockTarget ?? 'o')} }`,
        strategies,
      });
      let text = readFileSync(file, 'utf8').replace('value: 100 }', `value: ${o.output ?? 100} }`);
      if (o.stream !== undefined) text = text.replace('stream: 0.5', `stream: ${o.stream}`);
      writeFileSync(file, text);
      const plan = planYaml(text, file);
      const perRequest = estimateCost({ index: 0, arrivalMs: 0, route: '', inputTokens: 1000, cachedTokens: 200, outputTokens: o.output ?? 100, stream: false, tags: {} }, plan.targets[0]!.price);
      return { file, perRequest };
    }
    const spend = async (db: string) => {
      const store = await openStore(db, { readOnly: true });
      try {
        const runs = await store.all<{ strategy: string; status: string; requests: number; error: string | null }>(`SELECT strategy, status, requests, error FROM runs ORDER BY run_no`);
        const [{ usd }] = (await store.all<{ usd: number }>(`SELECT sum(cost_usd) AS usd FROM attempts`)) as [{ usd: number }];
        return { runs, usd };
      } finally {
        store.close();
      }
    };

    const single = '  single: { use: single, options: { target: o } }';
    let capped: { io: ReturnType<typeof memoryIo>; code: number; cap: number; name: string };
    beforeAll(async () => {
      const name = 'live-cap';
      const { file, perRequest } = capScenario(name, single);
      const cap = perRequest * 10.5;
      const io = memoryIo({ [KEY_VAR]: KEY });
      const code = await within(runCli(replay(file, name, ['--max-cost-usd', String(cap)]), io), 20_000, 'capped live replay');
      capped = { io, code, cap, name };
    });

    it('a tiny cap stops the run before passing it; the run is marked interrupted, naming the spend cap', async () => {
      expect(capped.io.stderr).toBe('');
      expect(capped.code).toBe(0);
      const { runs, usd } = await spend(paths(capped.name).db);
      expect(runs).toEqual([{ strategy: 'single', status: 'interrupted', requests: 10, error: `spend cap reached: the next request would pass --max-cost-usd ${capped.cap}` }]);
      expect(usd).toBeLessThanOrEqual(capped.cap);
      expect(capped.io.stdout).toMatch(/^single .* interrupted$/m);
    });

    it('the command says that the spend cap stopped the run', () => {
      // --max-cost-usd promises "the run stops (and says so)"; only runs.error says so
      expect(capped.io.stdout + capped.io.stderr).toMatch(/spend cap|max-cost-usd/);
    });

    /** The same cap through replayScenario (no report rendering), into an in-memory store. */
    async function replayCapped(file: string, cap: number) {
      const store = await openStore(':memory:');
      try {
        const result = await within(
          replayScenario(parseScenario(readFileSync(file, 'utf8'), file), { store, env: testEnv, transport: 'live', timeScale: 30, realNow: () => performance.now(), processEnv: { [KEY_VAR]: KEY }, maxCostUsd: cap }),
          20_000,
          'capped live replay',
        );
        const [{ usd }] = (await store.all<{ usd: number }>(`SELECT sum(cost_usd) AS usd FROM attempts`)) as [{ usd: number }];
        return { runs: result.runs.map((r) => [r.strategy, r.status, r.requests]), usd };
      } finally {
        store.close();
      }
    }

    it('the cap bounds the whole replay, not each strategy on its own', async () => {
      const { file, perRequest } = capScenario('live-cap-total', `${single.replace('single', 'first')}\n${single.replace('single', 'second')}`);
      const cap = perRequest * 10.5;
      const { runs, usd } = await replayCapped(file, cap);
      // the first strategy uses the cap up; the second is admitted nothing
      expect(runs).toEqual([
        ['first', 'interrupted', 10],
        ['second', 'interrupted', 0],
      ]);
      expect(usd, `provider spend of the whole replay with --max-cost-usd ${cap}`).toBeLessThanOrEqual(cap);
    });

    it('retries count against the cap: billed attempts never pass it', async () => {
      // every attempt at the stalling target is billed its prompt (the stream had started) and times out; retry sends 3 per request
      const { file, perRequest } = capScenario('live-cap-retries', '  retry: { use: retry, options: { inner: { use: single, options: { target: o } }, attempts: 3, base_ms: 100, jitter: 0 } }', {
        mockTarget: 'stall',
        output: 10,
        stream: 1,
        timeout: '3s',
      });
      const cap = perRequest * 6.5;
      const { runs, usd } = await replayCapped(file, cap);
      expect(runs.map((r) => r.slice(0, 2))).toEqual([['retry', 'interrupted']]);
      expect(usd, `provider spend with --max-cost-usd ${cap}`).toBeLessThanOrEqual(cap);
    });
  });
});
