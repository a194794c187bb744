/**
 * The fit report `calibrate` writes beside the calibration file: per target what was fitted and
 * how well it holds (KS distance, lognormal or empirical, a QQ table of observed against fitted
 * quantiles), error rates with their 99% intervals, and every detected incident with its window,
 * resolution and confidence.
 */
import { formatDuration } from '../scenario/duration.js';
import { ksCritical99, lognormalQuantile, normalQuantile, Z995 } from '../stats/distributions.js';
import { wilson } from '../stats/wilson.js';
import type { Calibration } from './calibrate.js';
import { KS_TOLERANCE, LEVELS, MIN_BAND_CALLS, type DistributionFit, type TargetFit } from './fit-target.js';
import { count, nounFor } from '../plural.js';
import { mockKind } from './calibration-yaml.js';

const QQ_LEVELS = [0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99];

function qq(name: string, d: DistributionFit | undefined, unit: string): string[] {
  if (!d) return [`${name}: no data.`, ''];
  const limit = Math.max(KS_TOLERANCE, ksCritical99(d.n));
  const verdict = d.model === 'lognormal' ? `the lognormal fits (KS D = ${d.ks.toFixed(3)} ≤ ${limit.toFixed(3)})` : `the lognormal does **not** fit (KS D = ${d.ks.toFixed(3)} > ${limit.toFixed(3)}); the empirical quantiles below are the truth`;
  const out = [`${name} (${count(d.n, 'call')}): ${verdict}.`, '', `| quantile | observed (${unit}) | fitted (${unit}) |`, '| ---: | ---: | ---: |'];
  for (const q of QQ_LEVELS) {
    const i = LEVELS.findIndex((l) => Math.abs(l - q) < 1e-9);
    out.push(`| p${+(q * 100).toFixed(1)} | ${d.quantiles[i]!.toFixed(1)} | ${lognormalQuantile(d.fit, normalQuantile(q)).toFixed(1)} |`);
  }
  out.push('');
  return out;
}

/** What the fit left out of the file's rows, e.g. " (12 rows without an outcome and 40 calls answered from a gateway's cache left out)". */
function leftOut(c: Calibration): string {
  const parts = [c.unobserved > 0 ? `${c.unobserved} ${nounFor(c.unobserved, 'row')} without an outcome` : '', c.cacheHits > 0 ? `${c.cacheHits} ${nounFor(c.cacheHits, 'call')} answered from a gateway's cache` : ''].filter((p) => p !== '');
  return parts.length === 0 ? '' : ` (${parts.join(' and ')} left out)`;
}

const p50 = (d: DistributionFit | undefined, digits: number) => (d === undefined ? '–' : `${Math.exp(d.fit.mu).toFixed(digits)} (${d.model}, KS ${d.ks.toFixed(3)})`);

/** A target that served several models: a row per model fitted on its own, and the ones pooled. */
function perModel(t: TargetFit): string[] {
  if (t.models === undefined && t.pooled === undefined) return [];
  const out: string[] = [];
  if (t.models !== undefined) {
    out.push(
      `Per model (the simulation draws a request's TTFT and token rate from the model it asks for, and prices it at that model's price; error rates are a model's own where its share's 99% interval leaves out the target's ${everyday(t)}):`,
      '',
      '| model | calls | TTFT p50 (ms) | tokens/s p50 | prefill (tokens/s) | error rates |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
    );
    for (const m of t.models)
      out.push(`| ${m.model} | ${m.calls.toLocaleString('en-US')} | ${p50(m.ttft, 1)} | ${p50(m.tokensPerS, 1)} | ${m.prefillTokensPerS !== undefined ? Math.round(m.prefillTokensPerS).toLocaleString('en-US') : t.prefillTokensPerS === undefined ? 'none' : 'target\'s'} | ${m.ownErrors ? `own: ${everyday(m)}` : 'target\'s'} |`);
    out.push('');
  }
  if (t.pooled !== undefined)
    out.push(`Pooled into the target's fit above (fewer than ${MIN_BAND_CALLS} calls to fit TTFT on): ${t.pooled.map((p) => `${p.model} (${count(p.calls, 'call')}, ${p.fitted} to fit)`).join(', ')}.`, '');
  return out;
}

const everyday = (f: { errors: { count: number }[]; baselineCalls: number }) => `${f.baselineCalls > 0 ? ((f.errors.reduce((a, e) => a + e.count, 0) / f.baselineCalls) * 100).toFixed(2) : '0.00'}%`;

export function fitReport(c: Calibration): string {
  const out = [
    '# Calibration fit report',
    '',
    `${count(c.calls, 'observed call')} over ${formatDuration(Math.round(c.spanMs))} from ${c.files.join(', ')}${leftOut(c)}${c.upstream > 0 ? `, and ${count(c.upstream, 'failed upstream attempt')} a gateway logged before its answer, fitted as failed calls of their targets` : ''}.`,
    `Incidents were looked for in ${formatDuration(c.bucketMs)} buckets; outage edges are refined call by call.`,
    '',
  ];
  for (const t of c.targets) {
    // the error rates leave out each incident's window widened by its resolution: said, so 704 - 112 ≠ 585 is no puzzle
    const outside = c.incidents.some((i) => i.target === t.target) ? 'for the everyday error rates: outside incidents and their resolution either side' : 'outside incidents';
    out.push(`## ${c.ids[t.target]}`, '', `${count(t.calls, 'call')} (${t.baselineCalls.toLocaleString('en-US')} ${outside}), model ${t.model}, ${t.dialect} dialect.`, '');
    if (t.latencyOnly) out.push('No streamed calls: TTFT and generation cannot be told apart, so the whole latency is fitted as TTFT.', '');
    const gaps = t.streamsWithoutTtft;
    if (gaps) out.push(`${count(gaps.without, 'successful streamed call')} ${gaps.without === 1 ? 'has' : 'have'} no ttft_ms: left out of the TTFT and tokens/s fits, which describe the other ${gaps.with.toLocaleString('en-US')}.`, '');
    out.push(...qq('TTFT (prefill removed)', t.ttft, 'ms'));
    out.push(t.prefillTokensPerS === undefined ? 'TTFT does not grow measurably with the prompt (no prefill rate fitted).' : `TTFT grows with the prompt: ${Math.round(t.prefillTokensPerS).toLocaleString('en-US')} input tokens/s of prefill.`, '');
    out.push(...qq('Output tokens per second', t.tokensPerS, 'tok/s'));
    out.push(...qq('Error latency', t.errorLatency, 'ms'));
    if (t.errors.length > 0) {
      out.push('| error kind | calls | rate | 99% interval |', '| --- | ---: | ---: | --- |');
      for (const e of t.errors) out.push(`| ${e.kind} | ${e.count} | ${(e.rate * 100).toFixed(3)}% | ${(e.lo * 100).toFixed(3)}–${(e.hi * 100).toFixed(3)}% |`);
      out.push('');
      const renamed = t.errors.map((e) => e.kind).filter((k) => mockKind(k) !== k);
      if (renamed.length > 0)
        out.push(`In the mock: ${renamed.map((k) => (mockKind(k) === undefined ? `${k} is the gateway's, not the provider's, and is left out` : `${k} is not a kind the mock knows and counts as ${mockKind(k)}`)).join('; ')}.`, '');
    } else if (t.baselineCalls > 0) {
      // none seen is not a rate of 0: the 99% Wilson interval of 0 of n still reaches z²/(n + z²)
      const { hi } = wilson(0, t.baselineCalls, Z995);
      out.push(`No failures outside incidents: the error rate is below ${(hi * 100).toFixed(3)}% (99% Wilson upper bound over ${count(t.baselineCalls, 'call')}).`, '');
    } else out.push('No calls outside incidents: no everyday error rate.', '');
    const rl = t.rateLimit;
    if (rl && Number.isFinite(rl.busyShare))
      out.push(
        rl.loadDriven
          ? `429s follow load: ${(rl.busyShare * 100).toFixed(1)}% of calls in the busiest quarter of minutes against ${(rl.quietShare * 100).toFixed(1)}% in the quietest; the mock gets a limit of ${rl.rpm} requests per minute instead of a fixed rate_limited share.`
          : `429s do not follow load (${(rl.busyShare * 100).toFixed(1)}% in the busiest quarter of minutes, ${(rl.quietShare * 100).toFixed(1)}% in the quietest): a fixed share.`,
        '',
      );
    out.push(...perModel(t));
    if (t.retryAfter) out.push(`retry-after on ${(t.retryAfter.share * 100).toFixed(0)}% of ${t.retryAfter.n} 429/529 answers, ${Math.round(t.retryAfter.min)}–${Math.round(t.retryAfter.max)} ms.`, '');
  }
  out.push('## Incidents', '');
  if (c.incidents.length === 0) out.push('None detected.', '');
  else {
    out.push('| target | kind | start | duration | failed / calls | resolution | confidence (log10 p) |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const i of c.incidents)
      out.push(`| ${c.ids[i.target]} | ${i.kind}${i.latencyMultiplier ? ` ×${i.latencyMultiplier}` : ''} | ${formatDuration(Math.round(i.startMs))} | ${formatDuration(Math.round(i.durationMs))} | ${i.failed} / ${i.calls} | ${formatDuration(Math.round(i.resolutionMs))} | ${i.log10P.toFixed(1)} |`);
    out.push('');
  }
  return out.join('\n');
}
