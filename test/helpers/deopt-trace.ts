/**
 * Reading V8's deoptimisation trace (`node --trace-deopt`, `--trace-deopt-verbose`) in tests that
 * check a hot path does not fall into a deoptimisation loop: V8 throwing optimised code away at the
 * same place over and over (and compiling it again).
 */

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

/**
 * With --trace-deopt-verbose: how often V8 threw away optimised code at each place under `dir`
 * (an absolute folder path ending in a separator, as the trace's file:// URLs spell it), keyed
 * `<function> at <path from dir's parent>:<line>:<column> (<reason>)`. The place is the innermost
 * one the trace names (for inlined code, the inlined function's).
 */
export function deoptPlaces(trace: string, dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const parent = dir.replace(/[^/\\]+[/\\]$/, '');
  let fn: string | undefined;
  let reason = '';
  for (const line of trace.split('\n')) {
    if (line.includes('[bailout') && line.includes('deoptimizing')) {
      fn = /<JSFunction ([^ >(]*)/.exec(line)?.[1] || '(anonymous)';
      reason = /reason: ([^)]*)\)/.exec(line)?.[1] ?? '?';
      continue;
    }
    if (fn === undefined || !line.includes('deoptimize at')) continue;
    const place = /deoptimize at <file:\/\/([^>]*)>/.exec(line)?.[1];
    if (place?.startsWith(dir)) {
      const key = `${fn} at ${place.slice(parent.length)} (${reason})`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
    fn = undefined;
  }
  return out;
}
