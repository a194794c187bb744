/**
 * The facts every bench report carries so its numbers can be read: CPU model, cores, available
 * parallelism, memory, load average at start, Node version, the git commit (and whether the tree
 * had local changes), and the date.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { loadAverage } from './util.js';

export interface MachineFacts {
  date: string;
  cpu: string;
  cores: number;
  availableParallelism: number;
  memoryGb: number;
  loadAverage: number[];
  node: string;
  platform: string;
  commit: string | null;
  dirty: boolean | null;
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString().trim();
  } catch {
    return null;
  }
}

export function machineFacts(cwd: string): MachineFacts {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no'], cwd);
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadAverage(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    commit: git(['rev-parse', 'HEAD'], cwd),
    dirty: status === null ? null : status.length > 0,
  };
}
