/**
 * Which process owns a run: its pid, host name and start time are stored with the run, so a run
 * still marked `running` whose process is gone can be told apart from one in progress and shown as
 * `abandoned` (a process killed by the OS, a machine that lost power, a second Ctrl-C that could
 * not write).
 *
 * The start time makes a reused pid harmless: on Linux it is the process's start in clock ticks
 * since boot (field 22 of /proc/<pid>/stat, see proc(5): https://man7.org/linux/man-pages/man5/proc.5.html),
 * read for this process and compared with the running process of the same pid. Elsewhere only the
 * pid is compared.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface RunOwner {
  pid: number;
  host: string;
  /** Process start (Linux clock ticks since boot), or null where the platform does not say. */
  start: string | null;
}

/** The process start of `pid` from /proc, or null when unknown (not Linux, or no such process). */
function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

let self: RunOwner | undefined;

/** This process. */
export function currentOwner(): RunOwner {
  self ??= { pid: process.pid, host: os.hostname(), start: procStart(process.pid) };
  return self;
}

export type Liveness = 'self' | 'alive' | 'gone' | 'unknown';

/**
 * Is the owner of a run still there? `self` for this process, `gone` when it ended (same host, no
 * such pid, or the pid now belongs to a process started at another time), `alive` when it is
 * running, `unknown` for another host or a run written before owners were recorded.
 */
export function ownerLiveness(owner: { pid: number | null; host: string | null; start: string | null }): Liveness {
  const me = currentOwner();
  if (owner.pid === null || owner.host === null) return 'unknown';
  if (owner.host !== me.host) return 'unknown';
  if (owner.pid === me.pid && owner.start === me.start) return 'self';
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: the pid exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  if (owner.start !== null) {
    const now = procStart(owner.pid);
    if (now !== null && now !== owner.start) return 'gone';
  }
  return 'alive';
}
