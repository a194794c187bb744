/** Test helper: a routebench command as its own process (from source), started until it prints its URL. */
import { spawn } from 'node:child_process';
import { waitFor, within } from './mock-servers.js';

export interface CommandProcess {
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  out(): string;
  /** SIGINT, then its exit code (SIGKILL after 30 s). */
  stop(): Promise<number | null>;
}

/** `pattern`'s first group is the URL, e.g. /record on (http:\/\/127\.0\.0\.1:\d+)/. */
export async function startCommand(args: string[], pattern: RegExp, startMs = 60_000): Promise<CommandProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await waitFor(() => pattern.exec(out)?.[1], startMs, `${args[0]} to start`).catch((e: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${e.message}; it printed: ${out}`);
  });
  return {
    url,
    out: () => out,
    stop: async () => {
      child.kill('SIGINT');
      const code = await within(exited, 30_000, `${args[0]} to stop`).catch(() => null);
      if (child.exitCode === null) child.kill('SIGKILL');
      return code;
    },
  };
}
