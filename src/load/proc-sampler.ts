/**
 * CPU time and memory of another process (the gateway, the mock server) from Linux /proc:
 * utime + stime of /proc/<pid>/stat in clock ticks (usually 10 ms each), VmRSS and VmHWM (peak) of
 * /proc/<pid>/status. A window reads the CPU counter at its start and end and samples RSS on an
 * interval in between. Where /proc is missing (not Linux) or the process is gone, values are null.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcReader {
  /** utime + stime in ms, or null. */
  cpuMs(pid: number): number | null;
  /** Resident set and its peak (MB), or null. */
  memoryMb(pid: number): { rss: number; peak: number | null } | null;
}

let ticks: number | undefined;

/** Clock ticks per second (getconf CLK_TCK; 100 on every common Linux). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).toString().trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** utime + stime (clock ticks) from the text of /proc/<pid>/stat; the name field may hold spaces and parentheses. */
export function parseStatTicks(stat: string): number | null {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

/** VmRSS and VmHWM (kB in the file) as MB from the text of /proc/<pid>/status. */
export function parseStatusMemory(status: string): { rss: number; peak: number | null } | null {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : null;
  };
  const rss = kb('VmRSS');
  return rss === null ? null : { rss, peak: kb('VmHWM') };
}

export function procReader(read: (file: string) => string = (f) => readFileSync(f, 'utf8'), hz = clockTicks()): ProcReader {
  const tryRead = (file: string) => {
    try {
      return read(file);
    } catch {
      return null;
    }
  };
  return {
    cpuMs(pid) {
      const text = tryRead(`/proc/${pid}/stat`);
      const t = text === null ? null : parseStatTicks(text);
      return t === null ? null : (t * 1000) / hz;
    },
    memoryMb(pid) {
      const text = tryRead(`/proc/${pid}/status`);
      return text === null ? null : parseStatusMemory(text);
    },
  };
}

export interface WindowUsage {
  cpuMs: number | null;
  rssPeakMb: number | null;
}

/** Starts a measurement window on `pid`; `end()` stops sampling and returns the CPU used and the highest RSS seen. */
export function watchProcess(pid: number | undefined, reader: ProcReader, everyMs = 200): { end(): WindowUsage } {
  if (pid === undefined) return { end: () => ({ cpuMs: null, rssPeakMb: null }) };
  const cpu0 = reader.cpuMs(pid);
  let peak = reader.memoryMb(pid)?.rss ?? null;
  const timer = setInterval(() => {
    const m = reader.memoryMb(pid);
    if (m && (peak === null || m.rss > peak)) peak = m.rss;
  }, everyMs);
  timer.unref();
  return {
    end() {
      clearInterval(timer);
      const cpu1 = reader.cpuMs(pid);
      const m = reader.memoryMb(pid);
      if (m && (peak === null || m.rss > peak)) peak = m.rss;
      return { cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, rssPeakMb: peak };
    },
  };
}
