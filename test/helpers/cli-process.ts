/**
 * Test helper: one routebench command as its own process (from source), killed after `killMs`
 * (default 60 s) so a command that hangs fails its test instead of taking the runner along.
 * `hung` says it was killed; `signalWhen` sends SIGINT once the output matches (Ctrl-C tests).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// Absolute, so the command may run in any folder (cwd).
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
  hung: boolean;
}

export interface CliOptions {
  killMs?: number;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Send SIGINT (once) as soon as stdout+stderr match this. */
  signalWhen?: RegExp;
}

export function cliProcess(args: string[], o: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const entry = new URL('./cli-entry.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', tsx, entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: o.cwd, env: { ...process.env, CI: '1', NO_COLOR: '1', ...o.env } });
    let out = '';
    let err = '';
    let hung = false;
    let signalled = false;
    const check = () => {
      if (o.signalWhen && !signalled && o.signalWhen.test(out + err)) {
        signalled = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      check();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      check();
    });
    const kill = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, o.killMs ?? 60_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, out, err, hung });
    });
  });
}
