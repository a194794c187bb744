/** Where the CLI writes: real streams in production, buffers in tests. */
import { colourWanted } from './colour.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress bar allowed). */
  interactive: boolean;
  /** True when output may carry colour codes (a terminal, NO_COLOR unset; colour.ts). */
  colour?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Ctrl-C: the run command subscribes to stop gracefully. */
  onInterrupt(handler: () => void): () => void;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
    colour: colourWanted(Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY), process.env),
    env: process.env,
    onInterrupt(handler) {
      let count = 0;
      const listener = () => {
        count++;
        if (count === 1) handler();
        else {
          process.stderr.write('\nsecond Ctrl-C: exiting now; the results file stays consistent (DuckDB replays its WAL)\n');
          process.exit(130);
        }
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
