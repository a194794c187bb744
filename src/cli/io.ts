/** Where the CLI writes: real streams in production, buffers in tests. */
import { existsSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { environmentFailure, ExitCode, HarnessError } from '../errors.js';
import { colourWanted } from './colour.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress bar allowed). */
  interactive: boolean;
  /** True when output may carry colour codes (a terminal, NO_COLOR unset; colour.ts). */
  colour?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Aborted, with the write error as its reason, once stdout takes no more output: its reader went
   * away (EPIPE: `routebench import … -o - | head -1`), or a write failed (a full disk). A command
   * streaming its result to stdout stops there, as nothing more it writes arrives.
   */
  outClosed?: AbortSignal;
  /**
   * Ctrl-C: the run command subscribes to stop gracefully. A second Ctrl-C exits at once, after
   * `onForce` (if given) had up to FORCE_GRACE_MS to record what it can (runs marked interrupted;
   * `forceNote` says what it does instead, for commands without runs).
   */
  onInterrupt(handler: () => void, onForce?: () => Promise<void>, forceNote?: string): () => void;
}

/** How long a second Ctrl-C waits for `onForce` before exiting anyway. */
export const FORCE_GRACE_MS = 3000;

/**
 * A reader that goes away (`routebench list … | head -1`) is a normal end, not a crash: once a
 * stream reports EPIPE (or any other write error), further output to it is dropped and the command
 * finishes with its own exit code; `onClosed` is told (once, with the error), so that a command
 * streaming there can stop converting what no one will read (Io.outClosed).
 */
function guardedWriter(stream: NodeJS.WriteStream, onClosed: (e: Error) => void = () => undefined): (text: string) => void {
  let closed = false;
  const close = (e: unknown) => {
    if (!closed) onClosed(e instanceof Error ? e : new Error(`${stream === process.stdout ? 'stdout' : 'stderr'} was closed`));
    closed = true;
  };
  stream.on('error', close);
  return (text) => {
    if (closed) return;
    if (stream.destroyed) return close(undefined);
    try {
      stream.write(text);
    } catch (e) {
      close(e);
    }
  };
}

export function processIo(): Io {
  const outClosed = new AbortController();
  const out = guardedWriter(process.stdout, (e) => outClosed.abort(e));
  const err = guardedWriter(process.stderr);
  return {
    out,
    err,
    outClosed: outClosed.signal,
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
    colour: colourWanted(Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY), process.env),
    env: process.env,
    onInterrupt(handler, onForce, forceNote) {
      let count = 0;
      const listener = () => {
        count++;
        if (count === 1) handler();
        else if (count === 2) {
          err(onForce ? `\nsecond Ctrl-C: exiting now; ${forceNote ?? 'unfinished runs are marked interrupted'} (press again to skip even that)\n` : '\nsecond Ctrl-C: exiting now\n');
          const exit = () => process.exit(130);
          setTimeout(exit, FORCE_GRACE_MS).unref();
          void (onForce?.() ?? Promise.resolve()).catch(() => undefined).finally(exit);
        } else process.exit(130);
      };
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}

/**
 * Checks that `dir` (or, when it does not exist yet, the folder it would be created in) can be
 * written, before any work whose results go there: a read-only --out is said at once (exit 4),
 * not after an hour of simulation. Leaves nothing behind.
 */
export function ensureWritableFolder(dir: string, flag: string, shown = dir): void {
  let at = path.resolve(dir);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    // The folder itself a file: said as such (EEXIST on mkdir); a file further up: a part of the path is a file.
    if (!statSync(at).isDirectory()) throw Object.assign(new Error(`${at} is a file`), at === path.resolve(dir) ? { code: 'EEXIST', syscall: 'mkdir', path: at } : { code: 'ENOTDIR', path: at });
    // A real write, not access(2): root passes access() on read-only mounts and pseudo file systems.
    rmdirSync(mkdtempSync(path.join(at, '.routebench-probe-')));
  } catch (e) {
    const plain = environmentFailure(e, at);
    // "--out x: x: is a file" says the path once: "--out x: is a file, not a folder".
    const said = path.resolve(shown) === at && plain?.message.startsWith(`${at}: `) ? plain.message.slice(at.length + 2) : plain?.message;
    if (plain) throw new HarnessError(plain.code, `${flag} ${shown}: ${said}`, { exitCode: plain.exitCode, hint: plain.hint?.replace('--db / --out', flag), cause: e });
    // A folder that exists but takes no new entries (a pseudo file system such as /proc answers ENOENT):
    // said here, before Node's recursive mkdir, which loops without end on such a folder.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new HarnessError('NOT_WRITABLE', `${flag} ${shown}: nothing can be created in ${at}`, { exitCode: ExitCode.environment, hint: `choose another path with ${flag}`, cause: e });
    throw e;
  }
}

/**
 * The same check for a file option (--db, --junit, -o, --pr-comment): its folder must take new
 * entries. The message names the file as given. DuckDB's ':memory:' and '-' (stdout) pass.
 */
export function ensureWritableFileFolder(file: string, flag: string): void {
  if (file === ':memory:' || file === '-') return;
  ensureWritableFolder(path.dirname(path.resolve(file)), flag, file);
}

/** An Io that records output (for tests). */
export function memoryIo(env: Record<string, string | undefined> = {}): Io & { stdout: string; stderr: string; interrupt(): void } {
  let handler: (() => void) | undefined;
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    interactive: false,
    env,
    onInterrupt(h: () => void) {
      handler = h;
      return () => {
        handler = undefined;
      };
    },
    interrupt() {
      handler?.();
    },
  };
  return io;
}
