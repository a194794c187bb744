/**
 * The closed-loop capacity sweep of one arm: autocannon in its own process (autocannon-child.ts),
 * one level per connection count, warm-up discarded. `onStart` and `onDone` fire when a level's
 * measured window begins and ends, so the caller can read CPU counters around exactly that window.
 * Bounded: the child is stopped when the sweep overruns its planned time by 30 s, or on abort.
 */
import { environmentError } from '../errors.js';
import type { ArmRequest } from './arm-request.js';
import { ChildFailed, moduleCommand, nodeCommand, spawnReady } from './child-process.js';
import { count } from '../plural.js';

export interface ClosedLevel {
  connections: number;
  durationMs: number;
  warmupMs: number;
}

export interface ClosedLevelResult {
  connections: number;
  durationMs: number;
  sent: number;
  ok: number;
  errors: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  errorKinds: Record<string, number>;
}

interface DoneLine {
  event: 'done';
  connections: number;
  durationMs: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  resets: number;
  sent: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  statusCodes: Record<string, { count: number }>;
}

export interface ClosedHooks {
  onStart(connections: number): void;
  onDone(result: ClosedLevelResult): void;
}

export async function runClosedSweep(req: ArmRequest, levels: readonly ClosedLevel[], timeoutMs: number, hooks: ClosedHooks, o: { signal?: AbortSignal; pinCpu?: number } = {}): Promise<ClosedLevelResult[]> {
  const args = [...moduleCommand('load/autocannon-child'), JSON.stringify({
    url: req.url,
    headers: req.headers,
    body: req.body,
    timeoutS: timeoutMs / 1000,
    levels: levels.map((l) => ({ connections: l.connections, durationS: l.durationMs / 1000, warmupS: l.warmupMs / 1000 })),
  })];
  const [cmd, argv] = nodeCommand(args, o.pinCpu);
  const results: ClosedLevelResult[] = [];
  let failure: string | undefined;
  let started;
  try {
    started = await spawnReady(cmd, argv, { ready: (line) => (line.includes('"hello"') ? true : undefined), timeoutMs: 20_000 });
  } catch (e) {
    // Say what the child said (e.g. "Cannot find package 'autocannon'"), not only that it exited.
    const said = e instanceof ChildFailed ? childError(e.stderr) : undefined;
    throw environmentError('AUTOCANNON_FAILED', `the autocannon process did not start: ${(e as Error).message}${said ? `: ${said}` : ''}`, 'check that autocannon is installed beside routebench (npm ls autocannon)', e);
  }
  const { child } = started;
  const finished = new Promise<void>((resolve) => {
    child.onLine((line) => {
      if (!line.startsWith('{')) return;
      const m = JSON.parse(line) as { event: string; connections?: number; message?: string };
      if (m.event === 'start') hooks.onStart(m.connections!);
      else if (m.event === 'done') {
        const r = toResult(m as DoneLine);
        results.push(r);
        hooks.onDone(r);
      } else if (m.event === 'error') failure = m.message;
      if (m.event === 'finished' || m.event === 'error') resolve();
    });
    void child.exited.then(() => resolve());
  });
  const planned = levels.reduce((a, l) => a + l.durationMs + l.warmupMs, 0) + 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const overrun = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, planned);
  });
  const stop = () => void child.stop(1000);
  o.signal?.addEventListener('abort', stop, { once: true });
  await Promise.race([finished, overrun]);
  clearTimeout(timer);
  o.signal?.removeEventListener('abort', stop);
  await child.stop(1000);
  if (!o.signal?.aborted && !failure && results.length < levels.length)
    throw environmentError('AUTOCANNON_FAILED', `the autocannon process stopped after ${results.length} of ${count(levels.length, 'level')}${child.stderrTail() ? `: ${child.stderrTail().split('\n')[0]}` : ''}`, 'run with fewer connections, or check the arm by hand with curl');
  if (failure) throw environmentError('AUTOCANNON_FAILED', `autocannon failed against ${req.url}: ${failure}`, 'check the arm URL and that the server accepts POST requests');
  return results;
}

function toResult(d: DoneLine): ClosedLevelResult {
  const errorKinds: Record<string, number> = {};
  for (const [code, s] of Object.entries(d.statusCodes ?? {})) if (!/^2/.test(code)) errorKinds[`http_${code}`] = s.count;
  if (d.errors > 0) errorKinds.connection = d.errors - d.timeouts;
  if (d.timeouts > 0) errorKinds.timeout = d.timeouts;
  if (errorKinds.connection === 0) delete errorKinds.connection;
  return {
    connections: d.connections,
    durationMs: d.durationMs,
    sent: d.sent,
    ok: d.ok,
    errors: d.non2xx + d.errors,
    p50Ms: d.p50Ms,
    p90Ms: d.p90Ms,
    p99Ms: d.p99Ms,
    maxMs: d.maxMs,
    errorKinds,
  };
}

/** The line of a child's stderr that names its error (Node prints the stack under it). */
export function childError(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const named = [/^[A-Za-z]*Error\b/, /Cannot find|not found/i, /\bERR_[A-Z_]+/];
  for (const re of named) {
    const line = lines.find((l) => re.test(l));
    if (line) return line;
  }
  return lines[0];
}
