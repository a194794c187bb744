/**
 * The backtest in Markdown (backtest.md, the job summary, `backtest`'s output): the verdict, what
 * was compared and left out, the fidelity table, the share each target served, each target's
 * calls on both sides, and success over time; and the verdict in a few words for `run`.
 */
import type { TargetSide } from '../store/backtest-queries.js';
import { count } from '../plural.js';
import type { Backtest, FidelityRow } from './backtest.js';
import { leftOutText } from './backtest-left-out.js';

const num = (v: number | null, unit: FidelityRow['unit'], metric: string) =>
  v === null ? '–' : metric.endsWith('rate') ? `${(v * 100).toFixed(2)}%` : metric.includes('USD') ? `$${v.toFixed(4)}` : Math.round(v).toLocaleString('en-US');

/**
 * The difference (and its interval) as printed: two decimals, or more where two would round a
 * figure onto or across the tolerance against the verdict. 10.001% against 10% is "+10.001 %",
 * not "+10.00 % | no"; an interval that stays clear of the tolerance (not "within noise") prints
 * its near end beyond it, and one that reaches into it (within noise) inside it. A difference
 * within the tolerance never prints beyond it (equal is within).
 */
export function differenceText(r: Pick<FidelityRow, 'difference' | 'unit' | 'ci' | 'within' | 'noise' | 'few'>, tolerance: number): string {
  const d = r.difference;
  if (d === null) return '–';
  const s = d < 0 ? -1 : 1;
  // the end of the interval nearer zero, on the difference's side
  const near = r.ci === undefined ? undefined : s > 0 ? r.ci[0] : r.ci[1];
  const judged = r.within !== undefined && !r.few;
  const outside = judged && (r.within === false || r.noise === true);
  const away = (v: number, p: number) => s * Number(v.toFixed(p));
  const fits = (p: number) =>
    !judged || ((outside ? away(d, p) > tolerance : Math.abs(Number(d.toFixed(p))) <= tolerance) && (near === undefined || !outside || (r.noise ? away(near, p) <= tolerance : away(near, p) > tolerance)));
  let p = 2;
  while (p < 10 && !fits(p)) p++;
  return `${d >= 0 ? '+' : ''}${d.toFixed(p)} ${r.unit}${r.ci ? ` [${r.ci[0].toFixed(p)}, ${r.ci[1].toFixed(p)}]` : ''}`;
}

/** The backtest's verdict in a few words, as `run` prints it: within tolerance, out of it, or not judged (and why). */
export function backtestVerdict(b: Pick<Backtest, 'pass' | 'partial'>): string {
  if (b.partial !== undefined) return `not judged: ${b.partial}`;
  return b.pass ? 'within tolerance' : 'OUT OF TOLERANCE';
}

export function backtestMarkdown(b: Backtest, strategy: string): string {
  const out = [
    `## Backtest: ${strategy} against the recording`,
    '',
    `Within tolerance: **${b.partial !== undefined ? 'not judged' : b.pass ? 'yes' : 'no'}** (success within ${b.tolerance.successPp} pp, p50/p95 latency and TTFT within ${b.tolerance.latencyPct}%).`,
    ...(b.partial ? ['', `**Not judged**: ${b.partial}, so it covers only part of the recording and the figures below set part of a simulation against the whole recording. Backtest a run that saw all of it (without abort_on_fail on the deployed strategy, and without --limit).`] : []),
    '',
    `Compared: ${b.requests.recorded.toLocaleString('en-US')} recorded calls and ${b.requests.simulated.toLocaleString('en-US')} simulated requests${leftOutText(b.leftOut) ? `; left out of both sides (they say nothing about a provider): ${leftOutText(b.leftOut)}` : ''}.`,
    ...(b.rows.some((r) => r.noise) ? ['', 'A rate marked "within noise" differs by more than the tolerance, but its 95% interval (in brackets) reaches into it: the recording is too short to tell. A longer recording narrows the interval.'] : []),
    ...(b.rows.some((r) => r.few) ? ['', 'A percentile marked "too few calls" has fewer successful calls on a side than it needs to have one beyond it (2 for p50, 20 for p95): its figure is interpolated among the largest few, so it is not judged. A longer recording gives it.'] : []),
    '',
    '| measure | recorded | simulated | difference | within |',
    '| --- | ---: | ---: | ---: | :---: |',
  ];
  for (const r of b.rows)
    out.push(
      `| ${r.metric} | ${num(r.recorded, r.unit, r.metric)} | ${num(r.simulated, r.unit, r.metric)} | ${differenceText(r, r.unit === 'pp' ? b.tolerance.successPp : b.tolerance.latencyPct)} | ${r.few ? 'too few calls' : r.within === undefined ? '' : r.noise ? 'within noise' : r.within ? 'yes' : '**no**'} |`,
    );
  out.push('', '| target | share recorded | share simulated |', '| --- | ---: | ---: |');
  for (const s of b.shares) out.push(`| ${s.target} | ${(s.recorded * 100).toFixed(1)}% | ${(s.simulated * 100).toFixed(1)}% |`);
  if (b.targets && b.targets.length > 0) {
    const pair = (r: TargetSide | null, s: TargetSide | null, f: (v: TargetSide) => number | null, show: (v: number) => string) => {
      const one = (v: TargetSide | null) => {
        const x = v === null ? null : f(v);
        return x === null ? '–' : show(x);
      };
      return `${one(r)} / ${one(s)}`;
    };
    const ms = (v: number) => Math.round(v).toLocaleString('en-US');
    const sides = (t: { recorded: TargetSide | null; simulated: TargetSide | null }) =>
      `${pair(t.recorded, t.simulated, (v) => v.calls, (v) => v.toLocaleString('en-US'))} | ${pair(t.recorded, t.simulated, (v) => v.success_rate, (v) => `${(v * 100).toFixed(2)}%`)} | ${pair(t.recorded, t.simulated, (v) => v.p50_ttft_ms, ms)} | ${pair(t.recorded, t.simulated, (v) => v.p50_latency_ms, ms)} | ${pair(t.recorded, t.simulated, (v) => v.cost_usd, (v) => `$${v.toFixed(4)}`)}`;
    out.push('', 'Per target (recorded / simulated; a call is an attempt, retries and failovers each count; recorded, where the log lists the upstream attempts):', '', '| target | calls | success | p50 TTFT (ms) | p50 latency (ms) | cost (USD) |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const t of b.targets) out.push(`| ${t.target} | ${sides(t)} |`);
    if (b.models && b.models.length > 0) {
      out.push('', 'Per model, on targets the recording asked for several models (recorded / simulated, as above):', '', '| target | model | calls | success | p50 TTFT (ms) | p50 latency (ms) | cost (USD) |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |');
      for (const m of b.models) out.push(`| ${m.target} | ${m.model} | ${sides(m)} |`);
    }
  }
  if (b.unpriced && b.unpriced.length > 0) {
    const list = b.unpriced.map((u) => `${u.target} (${count(u.calls, 'call')})`).join(', ');
    out.push('', `The recording has calls to ${list}, which the scenario has no target for: the deployed strategy cannot send there, and without a price the recorded cost is not known (–). Calibrate this recording, or declare ${b.unpriced.length === 1 ? 'that target' : 'those targets'} in the scenario.`);
  }
  const compared = b.overTime.filter((t) => t.recorded !== null && t.simulated !== null && t.n >= 20);
  const worst = compared.reduce((m, t) => Math.max(m, Math.abs(t.recorded! - t.simulated!)), 0);
  out.push(
    '',
    compared.length === 0
      ? `Success over time: no ${b.bucketMs / 1000} s bucket holds 20+ recorded calls, too few to compare (a longer or busier recording is needed).`
      : `Success over time (${b.bucketMs / 1000} s buckets with 20+ calls): the largest gap is ${(worst * 100).toFixed(1)} pp.`,
    '',
  );
  return out.join('\n');
}
