/**
 * The calibration's fit report as an offline HTML page: per target, the observed CDF of TTFT and
 * of output tokens per second (and TTFT per model, where a target served several) against the fitted lognormal (a log-scale x axis, so the tails show),
 * beside the text of the Markdown fit report (KS distances, QQ tables, error rates, incidents).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Calibration } from '../calibrate/calibrate.js';
import { LEVELS, type DistributionFit } from '../calibrate/fit-target.js';
import { fitReport } from '../calibrate/fit-report.js';
import { lognormalQuantile, normalQuantile } from '../stats/distributions.js';
import { chartSvg } from './render-chart.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function cdfSpec(title: string, unit: string, d: DistributionFit): TopLevelSpec {
  const values = LEVELS.flatMap((p, i) => [
    { x: d.quantiles[i]!, p, series: 'observed' },
    { x: lognormalQuantile(d.fit, normalQuantile(p)), p, series: 'lognormal fit' },
  ]).filter((v) => v.x > 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${title}: KS D = ${d.ks.toFixed(3)} (${d.model === 'lognormal' ? 'lognormal used' : 'empirical quantiles used'})`,
    width: 460,
    height: 220,
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: unit },
      y: { field: 'p', type: 'quantitative', title: 'share of calls at or below' },
      color: { field: 'series', type: 'nominal', scale: { domain: ['observed', 'lognormal fit'], range: ['#1f77b4', '#d62728'] }, title: null },
      strokeDash: { field: 'series', type: 'nominal', scale: { domain: ['observed', 'lognormal fit'], range: [[1, 0], [5, 3]] }, legend: null },
    },
  };
}

export async function calibrationPage(c: Calibration): Promise<string> {
  const sections: string[] = [];
  for (const t of c.targets) {
    const charts: string[] = [];
    if (t.ttft) charts.push(await chartSvg(cdfSpec('TTFT', 'ms (log scale)', t.ttft)));
    if (t.tokensPerS) charts.push(await chartSvg(cdfSpec('Output tokens per second', 'tokens/s (log scale)', t.tokensPerS)));
    // A target that served several models: each model fitted on its own, beside the pooled fit.
    for (const m of t.models ?? []) if (m.ttft) charts.push(await chartSvg(cdfSpec(`TTFT of ${m.model}`, 'ms (log scale)', m.ttft)));
    sections.push(`<h2>${esc(c.ids[t.target] ?? t.target)}</h2>\n<div class="charts">${charts.join('\n')}</div>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>routebench calibration fit report</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}.charts{display:flex;flex-wrap:wrap;gap:1em}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>
</head><body>
<h1>Calibration fit report</h1>
<p>Observed CDF (solid) against the fitted lognormal (dashed), per target. Where they part, the lognormal misleads there, and the empirical quantiles are used instead.</p>
${sections.join('\n')}
<h2>Details</h2>
<pre>${esc(fitReport(c))}</pre>
</body></html>
`;
}
