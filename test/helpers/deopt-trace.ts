/**
 * Reading V8's deoptimisation trace (`node --trace-deopt`, `--trace-deopt-verbose`) in tests that
 * check a hot path does not fall into a deoptimisation loop: V8 throwing optimised code away at the
 * same place over and over (and compiling it again).
 */

/** How often each (function, bytecode offset) was deoptimised, from V8's --trace-deopt `bailout` lines. */
export function deoptCounts(trace: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of trace.split('\n')) {
    if (!line.includes('[bailout') || !line.includes('deoptimizing')) continue;
    const fn = /<JSFunction ([^ >]*)/.exec(line)?.[1] ?? '?';
    const at = /bytecode offset (\d+)/.exec(line)?.[1] ?? '?';
    const key = `${fn}@${at}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * With --trace-deopt-verbose: how often V8 threw away the optimised code of each function at a
 * check in `file` (a path suffix, e.g. `src/report/stats/bootstrap-quantile.ts`; for code inlined
 * into another function, the inlined code's place counts), keyed by function name and V8's shared
 * function info address (`(anonymous)` for arrow functions), with the places and reasons.
 */
export function deoptsIn(trace: string, file: string): Map<string, { count: number; places: string[] }> {
  const out = new Map<string, { count: number; places: string[] }>();
  const inFile = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:(\\d+:\\d+)>`);
  let fn: string | undefined;
  let reason = '';
  for (const line of trace.split('\n')) {
    if (line.includes('[bailout') && line.includes('deoptimizing')) {
      const m = /<JSFunction ([^ >(]*) ?\(sfi = (0x[0-9a-f]+)\)>/.exec(line);
      fn = m ? `${m[1] || '(anonymous)'} ${m[2]}` : '?';
      reason = /reason: ([^)]*)\)/.exec(line)?.[1] ?? '?';
      continue;
    }
    if (fn === undefined || !line.includes('deoptimize at')) continue;
    const at = inFile.exec(line.split(' inlined at ')[0]!)?.[1];
    if (at) {
      const e = out.get(fn) ?? { count: 0, places: [] };
      e.count++;
      e.places.push(`${at} ${reason}`);
      out.set(fn, e);
    }
    fn = undefined;
  }
  return out;
}
