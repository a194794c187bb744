/**
 * `record-5k`: `routebench record` in front of the loopback mock server. Throughput: autocannon
 * (child, cpu 0) against the mock server directly (the ceiling) and through the recorder (both
 * `routebench mock-server` and `routebench record` as installed, the built CLI, in children on cpu 1
 * when taskset exists), JSON replies, 50 connections. Added TTFT: streamed calls one at a time
 * (2,000 each) from a client process of their own, direct, through the recorder and through a bare
 * node:http + undici proxy on the recorder's cpu (what any Node proxy adds here) interleaved,
 * time to the first body chunk; the added p50/p99 is the difference of the two sides' percentiles (how far the
 * recorder moves each quantile, the target's meaning: not a quantile of per-pair differences, which
 * would add the direct side's noise to the recorder's), with a 95% interval from a seeded paired
 * bootstrap (the pairs resampled whole; type-7 quantiles) since the p99 of 2,000 calls is their
 * 20th largest and moves with every stall of a shared VM. Nothing else runs while TTFT is sampled.
 * Targets: ≥ 5,000 req/s, added TTFT p99 ≤ 1 ms.
 *
 * `calibrate-1m`: calibrate() over a generated trace of 1,000,000 observed calls. Target ≤ 10 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { calibrate } from '../src/calibrate/calibrate.js';
import { pairedDiff } from '../src/report/stats/paired-bootstrap.js';
import { Rng } from '../src/rng.js';
import type { CaseContext } from './case-registry.js';
import { writeObservedTrace } from './observed-trace.js';
import { hasTaskset, MOCK_BENCH_SCENARIO, startCliProcess, startMockServerProcess } from './mock-server-process.js';
import { autocannonPoint } from './mock-server-case.js';
import { median, nodeCommand, nodeJson, round, scriptFile, stat } from './util.js';

/**
 * The TTFT client, in its own plain `node` process (pinned to cpu 0 with the load generator when
 * pinning): node:http with one keep-alive connection per server, streamed calls one at a time,
 * direct, through the recorder and through the bare proxy in turn after a warm-up of 50 each; the
 * time from sending to the first body chunk, ms. A fresh process, not the bench's own (whose heap
 * holds what earlier cases left), so its garbage collector does not show up as the recorder's tail.
 * argv: direct URL, recorder URL, calls per side, bare proxy URL. Prints { d, t, b }.
 */
const TTFT_CLIENT = `
import http from 'node:http';
const [, , directUrl, throughUrl, count, bareUrl] = process.argv;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const body = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'hi' }] });
const ttft = (url) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  let at;
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.on('data', () => { at ??= performance.now() - t0; });
    res.on('end', () => resolve(at));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end(body);
});
for (let i = 0; i < 50; i++) { await ttft(directUrl); await ttft(throughUrl); await ttft(bareUrl); }
const d = [];
const t = [];
const b = [];
for (let i = 0; i < Number(count); i++) { d.push(await ttft(directUrl)); t.push(await ttft(throughUrl)); b.push(await ttft(bareUrl)); }
process.stdout.write(JSON.stringify({ d, t, b }) + '\\n');
agent.destroy();
`;

function ttftPairs(ctx: CaseContext, cpu: number | undefined, directUrl: string, throughUrl: string, n: number, bareUrl: string): { d: number[]; t: number[]; b: number[] } {
  return nodeJson([scriptFile(ctx.tmp, 'ttft-client', TTFT_CLIENT), directUrl, throughUrl, String(n), bareUrl], { cwd: ctx.root, cpu, timeoutMs: 300_000, what: 'TTFT client' });
}

/**
 * bench/bare-proxy-child.ts (node:http + an undici Pool, no logic: the floor any Node proxy stands
 * on) in front of `upstream`, on `cpu` beside the recorder; resolves with its URL and a stop.
 */
function startBareProxy(upstream: string, prefix: string, cpu: number | undefined): Promise<{ url: string; stop: () => void }> {
  const [cmd, a] = nodeCommand(['--import', 'tsx', fileURLToPath(new URL('./bare-proxy-child.ts', import.meta.url)), upstream, prefix], cpu);
  const proc = spawn(cmd, a, { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('bench/bare-proxy-child.ts did not start in 30 s'));
    }, 30_000);
    proc.once('exit', (code) => reject(new Error(`bench/bare-proxy-child.ts exited (${code}) before listening`)));
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      proc.stdout!.resume();
      resolve({ url: (JSON.parse(line) as { url: string }).url, stop });
    });
  });
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

export async function recordThroughput(ctx: CaseContext): Promise<Record<string, unknown>> {
  const pinned = hasTaskset();
  const mock = await startMockServerProcess({ scenario: MOCK_BENCH_SCENARIO, timeScale: 1e6, cpu: pinned ? 1 : undefined, tiny: ctx.tiny });
  const out = mkdtempSync(path.join(ctx.tmp, 'record-'));
  try {
    const mockUrl = mock.url;
    // `routebench record` as users run it (the built CLI on full runs), in front of the mock.
    const rec = await startCliProcess(['record', '--openai', `mock=${mockUrl}/t/o`, '--port', '0', '--out', out, '--tag-header', 'x-project=project'], { cpu: pinned ? 1 : undefined, tiny: ctx.tiny });
    try {
      const recUrl = rec.url;
      const durationS = ctx.tiny ? 1 : 5;
      const direct: number[] = [];
      const through: number[] = [];
      for (let r = 0; r < ctx.runs; r++) {
        const point = { warmupS: Math.min(2, durationS), durationS, cpu: pinned ? 0 : undefined };
        direct.push(autocannonPoint(`${mockUrl}/t/o/v1/chat/completions`, 50, point).rps);
        through.push(autocannonPoint(`${recUrl}/v1/chat/completions`, 50, point).rps);
      }
      const n = ctx.tiny ? 20 : 2000; // p99 is then the 20th largest of 2,000: one stall of the shared VM does not move it
      const bare = await startBareProxy(mockUrl, '/t/o', pinned ? 1 : undefined);
      let ttft: { d: number[]; t: number[]; b: number[] };
      try {
        ttft = ttftPairs(ctx, pinned ? 0 : undefined, `${mockUrl}/t/o/v1/chat/completions`, `${recUrl}/v1/chat/completions`, n, `${bare.url}/v1/chat/completions`);
      } finally {
        bare.stop();
      }
      const { d, t, b } = ttft;
      const p99 = pairedDiff(Float64Array.from(d), Float64Array.from(t), 0.99, 1000, new Rng(5));
      return {
        pinned,
        direct_rps: stat(direct),
        recorder_rps: stat(through),
        ratio_to_direct: round(median(through) / median(direct), 3),
        ttft_direct_ms: { p50: round(q(d, 0.5), 3), p99: round(q(d, 0.99), 3) },
        ttft_recorder_ms: { p50: round(q(t, 0.5), 3), p99: round(q(t, 0.99), 3) },
        added_ttft_ms: { p50: round(q(t, 0.5) - q(d, 0.5), 3), p99: round(q(t, 0.99) - q(d, 0.99), 3), p99_ci95: p99?.lo == null || p99.hi == null ? null : [round(p99.lo, 3), round(p99.hi, 3)] },
        // The same calls through a bare node:http + undici proxy on the recorder's cpu: what any Node proxy adds here.
        bare_proxy_added_ttft_ms: { p50: round(q(b, 0.5) - q(d, 0.5), 3), p99: round(q(b, 0.99) - q(d, 0.99), 3) },
        meets_target: median(through) >= 5000 && q(t, 0.99) - q(d, 0.99) <= 1,
      };
    } finally {
      await rec.stop();
    }
  } finally {
    await mock.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

export async function calibrateMillion(ctx: CaseContext): Promise<Record<string, unknown>> {
  const rows = ctx.tiny ? 20_000 : 1_000_000;
  const file = path.join(ctx.tmp, `observed-${rows}.jsonl`);
  writeObservedTrace(file, rows);
  const times: number[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    const t0 = performance.now();
    const c = await calibrate([file]);
    times.push((performance.now() - t0) / 1000);
    if (c.calls !== rows) throw new Error(`calibrate read ${c.calls} of ${rows} rows`);
  }
  rmSync(file, { force: true });
  return { rows, seconds: stat(times, 2), rows_per_s: Math.round(rows / median(times)), meets_target: median(times) <= 10 };
}
