/**
 * Facts about where and when a run happens: wall-clock time (recorded, never used in logic),
 * a monotonic clock for wall duration, harness version, git commit and host. Injected so tests
 * can pin them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../package-files.js';

export interface RunEnvironment {
  wallClock(): Date;
  monotonicMs(): number;
  harnessVersion: string;
  gitCommit: string | null;
  host: Record<string, unknown>;
}

export function harnessVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The git commit of the directory the scenarios live in (the user's config repo), if any. */
export function gitCommitOf(dir: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).toString().trim() || null;
  } catch {
    return null;
  }
}

export function systemEnvironment(dir: string): RunEnvironment {
  const cpus = os.cpus();
  return {
    wallClock: () => new Date(),
    monotonicMs: () => performance.now(),
    harnessVersion: harnessVersion(),
    gitCommit: gitCommitOf(dir),
    host: { hostname: os.hostname(), pid: process.pid, cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, platform: `${process.platform}-${process.arch}` },
  };
}
