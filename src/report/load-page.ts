/**
 * The HTML page of a load run: the frontier chart (vega-embed with the vendored scripts inlined, so
 * it opens offline), the arms and overhead tables, the rig checks and every point. Pure: the
 * summary and chart spec in, one HTML string out.
 */
import { esc } from './html-page.js';
import { generatorLine, generatorSamplesLine, mockLine, type LoadSummaryJson } from './load-summary.js';
import { armsTable, overheadTable, pointsTable, type TextTable } from './load-tables.js';
import { scriptJson, vendorScripts } from './vendor-scripts.js';

const CSS = `
body{font:14px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#666;margin:0 0 16px}
table{border-collapse:collapse;background:#fff;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;white-space:nowrap}th{background:#f0f0f0}td.l,th.l{text-align:left}
.chart{background:#fff;border:1px solid #e3e3e3;padding:12px;margin:12px 0}
.note{color:#666;font-size:12px;max-width:900px}.links{font-size:12px;color:#666}
.warn{background:#fff4e5;border-left:4px solid #e08214;padding:6px 10px}
`;

function htmlTable(t: TextTable, left: number, id: string): string {
  const cls = (i: number) => (i < left ? ' class="l"' : '');
  return `<table id="${id}"><thead><tr>${t.header.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function loadPageHtml(s: LoadSummaryJson, chart: { spec: unknown; svg: string; png?: string }, footer: string): string {
  const [vega, vegaLite, vegaEmbed] = vendorScripts();
  const arms = armsTable(s);
  const overhead = overheadTable(s);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(s.scenario)} · load · routebench</title><style>${CSS}</style>
<script>${vega}</script><script>${vegaLite}</script><script>${vegaEmbed}</script>
</head><body><main>
<h1>${esc(s.scenario)}: load</h1>
<p class="meta">load run <code>${esc(s.load_run_id)}</code> · ${esc(s.started_at)} · ${esc(s.wall_s.toFixed(0))} s · load average before ${esc(s.load_average.map((x) => x.toFixed(2)).join(' / '))}${s.status === 'interrupted' ? ' · <b>interrupted</b>' : ''}</p>
${s.description ? `<p class="note">${esc(s.description)}</p>` : ''}
${s.warnings.map((w) => `<p class="warn"><strong>Warning:</strong> ${esc(w)}.</p>`).join('\n')}
<h2>Throughput frontier</h2>
<section class="chart"><div id="frontier" class="vega" role="img" aria-label="throughput frontier"></div><p class="links">static: <a href="${esc(chart.svg)}">SVG</a>${chart.png ? ` · <a href="${esc(chart.png)}">PNG</a>` : ''}</p></section>
${arms.rows.length > 0 ? htmlTable(arms, 2, 'arms') : ''}
${arms.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('\n')}
<p class="note">Capacity: the most successful requests per second of any measured point with at most ${esc((s.max_error_rate * 100).toFixed(1))}% errors (drops count as errors). p99≤N ms: the most with p99 within N ms as well, from the closed-loop connection sweep (autocannon, its own process) and the open-loop rate sweep (latency from the scheduled send time) alike. CPU/req: the gateway process's CPU per successful request; peak RSS: the highest resident memory sampled.</p>
<h2>Added latency (vs direct to the mock)</h2>
${overhead.rows.length > 0 ? htmlTable(overhead, 3, 'overhead') : '<p class="note">No gateway arm was measured.</p>'}
<p class="note">Each pair is one request straight to the mock and one through the arm, back to back, order alternating; c workers run pairs at once. Added = statistic(arm) − statistic(direct) over pairs where both succeeded, with a seeded bootstrap 95% interval over pairs ("no CI": too few pairs beyond that quantile). Stalls: gaps between stream chunks over the stall bound (direct/arm).</p>
<h2>The rig</h2>
<p>${esc(mockLine(s))}</p><p>${esc(generatorLine(s))}</p><p class="note">${esc(generatorSamplesLine(s))}</p>${s.notes.map((n) => `<p class="note">Note: ${esc(n)}.</p>`).join('')}
<h2>Every point</h2>
${htmlTable(pointsTable(s), 3, 'points')}
<p class="note">${esc(footer)}</p>
</main>
<script>
const spec = ${scriptJson(chart.spec)};
vegaEmbed('#frontier', spec, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } })
  .then(() => { document.getElementById('frontier').setAttribute('data-rendered', 'true'); document.body.setAttribute('data-charts-rendered', '1'); })
  .catch((e) => { document.getElementById('frontier').textContent = 'chart failed: ' + e; console.error(e); });
</script>
</body></html>
`;
}
