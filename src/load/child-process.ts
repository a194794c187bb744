/**
 * The processes `routebench load` starts (the mock server, `routebench serve`, autocannon): spawn
 * one, wait until a line of its stdout says it is ready (bounded in time), keep the last lines of
 * its stderr for error messages, and stop it by its own pid (SIGTERM, then SIGKILL after a grace
 * period). A child that exits before it is ready is reported with its exit code and stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { FROM_SOURCE, ownModuleFile } from '../package-files.js';

export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Calls `fn` for every later stdout line. */
  onLine(fn: (line: string) => void): void;
  /** The last stderr lines (for messages). */
  stderrTail(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export class ChildFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly lines: readonly string[],
  ) {
    super(message);
  }
}

/**
 * The command line that runs a sibling module of the caller as a child: the compiled `.js` next to
 * it, or the `.ts` source through tsx when running from source (tests, `tsx src/...`).
 */
export function moduleCommand(rel: string): string[] {
  const file = ownModuleFile(rel);
  if (!FROM_SOURCE) return [file];
  let tsx = 'tsx';
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    // resolved from the working directory instead
  }
  return ['--import', tsx, file];
}

/** `node <args>`, under `taskset -c <cpu>` when a CPU is given (--pin). */
export function nodeCommand(args: readonly string[], pinCpu?: number): [string, string[]] {
  return pinCpu === undefined ? [process.execPath, [...args]] : ['taskset', ['-c', String(pinCpu), process.execPath, ...args]];
}

/** Spawns `command args` and waits (at most `timeoutMs`) for a stdout line that `ready` accepts. */
export async function spawnReady<T>(command: string, args: readonly string[], o: { ready: (line: string) => T | undefined; timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<{ child: Child; value: T }> {
  const proc = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: o.env ?? process.env, cwd: o.cwd });
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let stderr = '';
  let partial = '';
  proc.stdout!.setEncoding('utf8');
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  proc.stdout!.on('data', (s: string) => {
    const parts = (partial + s).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      if (lines.length < 200) lines.push(line);
      for (const l of listeners) l(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => resolve(code));
    proc.once('error', () => resolve(-1));
  });
  const child: Child = {
    pid: proc.pid ?? -1,
    process: proc,
    onLine: (fn) => void listeners.push(fn),
    stderrTail: () => stderr.trim().split('\n').slice(-6).join('\n'),
    exited,
    async stop(graceMs = 3000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const value = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      void child.stop(500);
      reject(new ChildFailed(`not ready within ${o.timeoutMs} ms`, null, child.stderrTail(), lines));
    }, o.timeoutMs);
    let spawnError: Error | undefined;
    proc.once('error', (e) => {
      spawnError = e;
    });
    listeners.push((line) => {
      const v = o.ready(line);
      if (v !== undefined) {
        clearTimeout(timer);
        resolve(v);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ChildFailed(spawnError ? `could not start: ${spawnError.message}` : `exited with code ${code} before it was ready`, code, child.stderrTail(), lines));
    });
  });
  return { child, value };
}
