import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A scenario with tiny sweeps (a few seconds in all) and the given arms. */
function scenario(name: string, arms: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 0.05, p99: 0.05 }, tokens_per_s: { p50: 1000, p99: 1000 } } }
strategies:
  s: { use: single, options: { target: a } }
load:
  arms:
${arms}
  closed: { connections: [2], duration: 300ms, warmup: 100ms }
  open: { rates: [100], duration: 300ms, warmup: 100ms, timeout: 1s }
  overhead: { rounds: 20, warmup_rounds: 2, concurrency: [1], stream: [false, true] }
`,
  );
  return file;
}

const args = (name: string) => ['--db', path.join(dir, `${name}.duckdb`), '--out', path.join(dir, 'reports'), '--mock-port', '0'];

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('routebench load', () => {
  it('refuses a gateway that is not on loopback without --allow-remote (exit 2, flag named)', async () => {
    const file = scenario('remote', '    direct: { target: a }\n    gw: { url: "http://10.11.12.13:8787/v1" }');
    const io = memoryIo();
    expect(await runCli(['load', file, ...args('remote')], io)).toBe(2);
    expect(io.stderr).toMatch(/arm gw: http:\/\/10\.11\.12\.13:8787\/v1 is not on this machine/);
    expect(io.stderr).toContain('--allow-remote');
    expect(io.stdout).not.toContain('mock server');
  });

  it('refuses a gateway URL that is not http(s) before anything runs (exit 2), not an internal error mid-run', async () => {
    const file = scenario('ftp', '    direct: { target: a }\n    gw: { url_env: GW_URL }');
    const io = memoryIo({ GW_URL: 'ftp://127.0.0.1:8787/v1' });
    expect(await runCli(['load', file, ...args('ftp')], io)).toBe(2);
    expect(io.stderr).toBe('error: GW_URL must be an http:// or https:// URL, got "ftp://127.0.0.1:8787/v1"\nhint: give a base URL such as http://127.0.0.1:8787/v1\n');
    expect(io.stdout).not.toContain('mock server');
  });

  it('refuses a --pid that no running process has (exit 2, before anything runs): its CPU and RSS would silently be missing', async () => {
    const file = scenario('pid', '    direct: { target: a }\n    gw: { url: "http://127.0.0.1:9/v1" }');
    for (const pid of ['gw=0', 'gw=99999999']) {
      const io = memoryIo();
      expect(await runCli(['load', file, ...args('pid'), '--pid', pid], io)).toBe(2);
      expect(io.stderr).toContain(`--pid ${pid}: no process ${pid.slice(3)} is running`);
      expect(io.stdout).not.toContain('mock server');
    }
  });

  it('says which load: problems a scenario has, located, before starting anything', async () => {
    const shape = scenario('bad-shape', '    both: { target: a, url: "http://127.0.0.1:1/v1" }');
    let io = memoryIo();
    expect(await runCli(['load', shape, ...args('bad-shape')], io)).toBe(2);
    expect(io.stderr).toMatch(/bad-shape\.yaml:\d+:\d+\s+load\.arms\.both\s+give exactly one of target/);
    const refs = scenario('bad-refs', '    direct: { target: nope }\n    srv: { strategy: missing }');
    io = memoryIo();
    expect(await runCli(['load', refs, ...args('bad-refs')], io)).toBe(2);
    expect(io.stderr).toMatch(/:\d+:\d+\s+load\.arms\.direct\.target\s+unknown target "nope" \(targets: a\)/);
    expect(io.stderr).toMatch(/load\.arms\.srv\.strategy\s+unknown strategy "missing" \(strategies: s\)/);
    expect(io.stderr).toContain('2 problems found');
    expect(io.stdout).toBe('');
  });

  it('skips an arm whose GATEWAY_URL is unset, and counts an unreachable gateway as errors, not a crash', async () => {
    const port = await closedPort();
    const file = scenario('dead', `    direct: { target: a }\n    dead: { url: "http://127.0.0.1:${port}/v1" }\n    ext: { url_env: GATEWAY_URL, headers: { x-portkey-config: '{"strategy":{"mode":"fallback"}}' } }`);
    const io = memoryIo({});
    const code = await runCli(['load', file, ...args('dead')], io);
    expect(io.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/^ext: skipped, GATEWAY_URL is not set/m);
    expect(io.stdout).toMatch(/mock server on http:\/\/127\.0\.0\.1:\d+; point a gateway's upstreams at:\n {2}a +http:\/\/127\.0\.0\.1:\d+\/t\/a\/v1/);
    expect(io.stdout).toMatch(/^direct +direct +[\d,]+\/s \(/m);
    expect(io.stdout).toMatch(/^ext: skipped: GATEWAY_URL is not set/m);

    const summary = JSON.parse(readFileSync(path.join(dir, 'reports', 'dead', 'latest-load', 'summary.json'), 'utf8'));
    expect(summary.arms.map((a: { name: string; status: string }) => [a.name, a.status])).toEqual([
      ['ext', 'skipped'],
      ['direct', 'ok'],
      ['dead', 'ok'],
    ]);
    const dead = summary.points.filter((p: { arm: string }) => p.arm === 'dead');
    expect(dead.map((p: { loop: string }) => p.loop)).toEqual(['closed', 'open']);
    for (const p of dead) {
      expect(p.ok).toBe(0);
      expect(p.errors).toBeGreaterThan(0);
    }
    expect(JSON.parse(dead[1].error_kinds)).toEqual({ refused: dead[1].errors });
    expect(summary.arms.find((a: { name: string }) => a.name === 'dead').capacity_rps).toBeNull();
    const direct = summary.points.filter((p: { arm: string }) => p.arm === 'direct');
    expect(direct.every((p: { errors: number; ok: number }) => p.errors === 0 && p.ok > 0)).toBe(true);
    const overhead = summary.overhead.filter((r: { metric: string }) => r.metric === 'latency_p50');
    expect(overhead).toHaveLength(2);
    for (const r of overhead) {
      expect(r.pairs).toBe(0);
      expect(r.arm_errors).toBe(20);
      expect(r.direct_errors).toBe(0);
    }
    expect(readFileSync(path.join(dir, 'reports', 'dead', 'latest-load', 'index.html'), 'utf8')).toContain('Throughput frontier');

    const store = await openStore(path.join(dir, 'dead.duckdb'), { readOnly: true });
    try {
      const [run] = await store.all<{ status: string; n: number }>(`SELECT status, (SELECT count(*) FROM load_points)::INTEGER AS n FROM load_runs`);
      expect(run).toEqual({ status: 'ok', n: 4 });
      const kinds = await store.all<{ arm: string; error_kind: string | null; n: number }>(`SELECT arm, error_kind, count(*)::INTEGER AS n FROM load_requests GROUP BY ALL ORDER BY arm, error_kind`);
      expect(kinds.map((k) => `${k.arm}:${k.error_kind}`)).toEqual(['dead:refused', 'direct:null']);
    } finally {
      store.close();
    }
  });

  it('exits 4 when the mock port is in use, naming --mock-port', async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const file = scenario('busy', '    direct: { target: a }');
      const io = memoryIo();
      const code = await runCli(['load', file, '--db', path.join(dir, 'busy.duckdb'), '--out', path.join(dir, 'reports'), '--mock-port', String(port)], io);
      expect(code).toBe(4);
      expect(io.stderr).toMatch(new RegExp(`cannot listen on port ${port}: it is already in use`));
      expect(io.stderr).toContain('--mock-port');
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});
