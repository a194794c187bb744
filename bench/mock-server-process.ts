/**
 * `routebench mock-server` in its own process, as users run it, for the cases that put load on it
 * (mock-server-json, mock-server-replay-stream, record-5k; `record` itself too): the built CLI
 * (`node bin/routebench.js`, dist/ built first when older than src/) on full runs, the sources
 * through tsx in the smoke run. From the sources, tsx's transform wraps every function the server
 * creates per request in a naming helper: about a third more CPU per request than the installed
 * CLI (15k against 20k req/s measured here), which the bench would otherwise report as the mock's.
 * Pinned to `cpu` under taskset when given. The scenario is written to a temporary file; the
 * server's own `GET /_routebench/stats` gives its requests and CPU.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, nodeCommand } from './util.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The one-target scenario of mock-server-json and record-5k (`perfect`: a 260 ms reply, due at once at time scale 1e6). */
export const MOCK_BENCH_SCENARIO = `name: bench-mock-server
seed: 3
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies: { s: { use: single, options: { target: o } } }
`;

export interface MockServerStatsLine {
  requests: number;
  cpu_ms: number;
  uptime_ms: number;
  in_flight: number;
  ceiling_rps: number | null;
}

export interface MockServerProcess extends CliProcess {
  /** `GET /_routebench/stats`. */
  stats(): Promise<MockServerStatsLine>;
}

export const hasTaskset = () => spawnSync('taskset', ['-c', '0', 'true'], { timeout: 5000 }).status === 0;

/** A long-running routebench command (`mock-server`, `record`) in its own process, as in startMockServerProcess. */
export interface CliProcess {
  /** The first http:// URL the command printed (where it listens). */
  url: string;
  pinned: boolean;
  /** The process's peak RSS so far (Linux /proc), MB; null elsewhere. */
  peakRssMb(): number | null;
  /** Ctrl-C (SIGINT), as a user stops it; killed when it has not exited 3 s later. */
  stop(): Promise<void>;
}

/** Starts `routebench <args>`; resolves when its first line names the URL it listens on. Bounded: killed after 10 minutes. */
export async function startCliProcess(args: string[], o: { cpu?: number; tiny: boolean }): Promise<CliProcess> {
  if (!o.tiny) ensureBuilt(root);
  const cli = o.tiny ? ['--import', 'tsx', 'test/helpers/cli-entry.ts'] : ['bin/routebench.js'];
  const pinned = o.cpu !== undefined && hasTaskset();
  const [cmd, a] = nodeCommand([...cli, ...args], pinned ? o.cpu : undefined);
  const child = spawn(cmd, a, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 600_000);
  const stop = async () => {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };
  // e.g. "routebench mock-server for <name> on http://127.0.0.1:<port> (Ctrl-C to stop)"
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  const url = /(http:\/\/\S+:\d+)/.exec(String(first.value ?? ''))?.[1];
  if (first.done || !url) {
    await stop();
    throw new Error(`routebench ${args[0]} did not start: ${String(first.value ?? '(no output)')}`);
  }
  child.stdout!.resume(); // the rest of its output is not read
  return {
    url,
    pinned,
    peakRssMb: () => {
      try {
        const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb === undefined ? null : Math.round(Number(kb) / 1024);
      } catch {
        return null;
      }
    },
    stop,
  };
}

/** `routebench mock-server` for `scenario` at `timeScale`; resolves when it listens. */
export async function startMockServerProcess(o: { scenario: string; timeScale: number; cpu?: number; tiny: boolean }): Promise<MockServerProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-bench-mock-'));
  const file = path.join(dir, 'mock.yaml');
  writeFileSync(file, o.scenario);
  let p: CliProcess;
  try {
    p = await startCliProcess(['mock-server', '--scenario', file, '--port', '0', '--time-scale', String(o.timeScale)], o);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    ...p,
    stats: async () => (await (await fetch(`${p.url}/_routebench/stats`)).json()) as MockServerStatsLine,
    stop: async () => {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
