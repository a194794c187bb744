/**
 * The HTML report page: the summary table (winner per column), comparisons with confidence
 * intervals, every chart (vega-embed, scripts inlined so the page opens offline), the faults each
 * strategy absorbed and its most frequent decisions. Pure: data in, one HTML string out.
 */
import type { SummaryRow } from '../store/queries.js';
import { harnessWarnings, lagWarnings } from './lag-check.js';
import { BILLING_NOTE } from './billing-note.js';
import { anyThin, fmt, quantileCell, THIN_NOTE, thinQuantile, trafficRequests } from './summary-markdown.js';
import type { ThresholdResult } from './thresholds.js';
import { scriptJson, vendorScripts } from './vendor-scripts.js';
import { strategyColour } from './charts/palette.js';
import { nounFor } from '../plural.js';

export interface ChartEntry {
  id: string;
  title: string;
  spec: unknown;
  svg: string;
  png?: string;
}

export interface Winners {
  run_no: number;
  success_rate: boolean;
  p50: boolean;
  p95: boolean;
  p99: boolean;
  ttft: boolean;
  attempts: boolean;
  cost: boolean;
}

export interface ReportPage {
  scenario: string;
  description?: string;
  runGroup: string;
  traffic: string;
  rows: readonly SummaryRow[];
  winners: readonly Winners[];
  /** Who competed for best in column, as "that meet ..." / "whose ..." (best-in-column.ts). */
  bestRule: string;
  thresholds: ReadonlyMap<string, readonly ThresholdResult[]>;
  /** The comparisons with the baseline strategy, rendered as HTML (baseline-comparisons.ts). */
  comparisonsHtml?: string;
  /** Provider spend + gateway fees (costs-section.ts); empty without gateways. */
  costsHtml?: string;
  charts: readonly ChartEntry[];
  errors: readonly { run_no: number; error_kind: string; attempts: number; failed_requests: number }[];
  reasons: readonly { run_no: number; reason: string; n: number }[];
  incidents: readonly { name: string; kind: string; targets: string; start_ms: number; end_ms: number }[];
  footer: string;
}

export const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `
body{font:14px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#666;margin:0 0 16px}.desc{max-width:860px}
table{border-collapse:collapse;background:#fff;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
td.win{background:#e5f5e0;font-weight:bold}td.fail{color:#b2182b;font-weight:bold}
.win-v{color:#1a7f37;font-weight:bold}.loss-v{color:#b2182b;font-weight:bold}.tie-v{color:#666}
.chart{background:#fff;border:1px solid #e3e3e3;padding:12px;margin:12px 0}
.links{font-size:12px;color:#666}.note{color:#666;font-size:12px}
.sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:baseline}
.warn{background:#fff4e5;border-left:4px solid #e08214;padding:6px 10px}
`;

function summaryTable(p: ReportPage): string {
  const win = new Map(p.winners.map((w) => [w.run_no, w]));
  const strategies = p.rows.map((r) => r.strategy);
  const cell = (v: string, w: boolean | undefined) => `<td${w ? ' class="win"' : ''}>${esc(v)}</td>`;
  const rows = p.rows.map((r) => {
    const w = win.get(r.run_no);
    const failed = (p.thresholds.get(r.run_id) ?? []).filter((t) => !t.passed).length;
    // a run without requests has no success rate, mean or failover rate (0 of 0 is not 0%)
    const none = r.requests === 0;
    return `<tr><td><span class="sw" style="background:${strategyColour(strategies, r.strategy)}"></span><b>${esc(r.strategy)}</b>${r.strategy !== r.strategy_use ? ` <span class="note">(${esc(r.strategy_use)})</span>` : ''}</td>${cell(none ? '–' : fmt.pct(r.success_rate), w?.success_rate)}${cell(fmt.ms(r.p50_latency_ms), w?.p50)}${cell(quantileCell(r.p95_latency_ms, 0.95, r.successes), w?.p95 && !thinQuantile(0.95, r.successes))}${cell(quantileCell(r.p99_latency_ms, 0.99, r.successes), w?.p99 && !thinQuantile(0.99, r.successes))}${cell(fmt.ms(r.p50_ttft_ms), w?.ttft)}${cell(none ? '–' : fmt.num(r.mean_attempts, 3), w?.attempts)}${cell(none ? '–' : fmt.pct(r.failover_rate), undefined)}${cell(fmt.usd(r.total_cost_usd), undefined)}${cell(fmt.usd(r.cost_per_1k_usd), w?.cost)}<td${r.status !== 'ok' ? ' class="fail"' : ''}>${esc(r.status)}${failed ? ` (${failed})` : ''}</td></tr>`;
  });
  return `<table id="summary"><thead><tr><th>strategy</th><th>success</th><th>p50</th><th>p95</th><th>p99</th><th>TTFT p50</th><th>attempts</th><th>failover</th><th>cost</th><th>per 1k ok</th><th>status</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Green: the best value in its column among the strategies ${esc(p.bestRule)}; a strategy that drops requests does not win on latency or cost for it. Latency and TTFT from the scheduled send time, successful requests only. Failover: share of requests that touched more than one target (failover or hedge). Cost includes failed attempts as providers bill them. ${esc(BILLING_NOTE)}</p>${anyThin(p.rows) ? `\n<p class="note">${esc(THIN_NOTE)}</p>` : ''}`;
}

function thresholdsTable(p: ReportPage): string {
  const all = p.rows.flatMap((r) => (p.thresholds.get(r.run_id) ?? []).map((t) => ({ r, t })));
  if (all.length === 0) return '<p class="note">No thresholds declared.</p>';
  const body = all
    .map(({ r, t }) => `<tr><td>${esc(r.strategy)}</td><td>${esc(t.metric)}</td><td><code>${esc(t.threshold)}</code></td><td>${t.actual === null ? 'no data' : esc(+t.actual.toPrecision(6))}</td><td class="${t.passed ? '' : 'fail'}">${t.passed ? 'pass' : 'FAIL'}</td></tr>`)
    .join('');
  return `<table id="thresholds"><thead><tr><th>strategy</th><th>metric</th><th>threshold</th><th>actual</th><th>result</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** A plain table; text cells left-aligned, numbers right-aligned. */
function listTable(headers: string[], rows: string[][]): string {
  const cell = (c: string) => `<td${/^[\d$.,%\s-]+(ms|s)?$/.test(c) ? '' : ' style="text-align:left"'}>${esc(c)}</td>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

export function reportHtml(p: ReportPage): string {
  const name = new Map(p.rows.map((r) => [r.run_no, r.strategy]));
  const charts = p.charts
    .map((c) => `<section class="chart"><div id="${c.id}" class="vega" role="img" aria-label="${esc(c.title)}"></div><p class="links">static: <a href="${esc(c.svg)}">SVG</a>${c.png ? ` · <a href="${esc(c.png)}">PNG</a>` : ''}</p></section>`)
    .join('\n');
  const specs = Object.fromEntries(p.charts.map((c) => [c.id, c.spec]));
  const incidents = p.incidents.length
    ? listTable(['incident', 'kind', 'targets', 'from', 'to'], p.incidents.map((i) => [i.name, i.kind, i.targets, fmt.clock(i.start_ms), fmt.clock(i.end_ms)]))
    : '<p class="note">No incidents.</p>';
  const [vega, vegaLite, vegaEmbed] = vendorScripts();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.scenario)} · routebench</title><style>${CSS}</style>
<script>${vega}</script><script>${vegaLite}</script><script>${vegaEmbed}</script>
</head><body><main>
<h1>${esc(p.scenario)}</h1>
<p class="meta">run group <code>${esc(p.runGroup)}</code> · ${esc(fmt.int(trafficRequests(p.rows)))} ${nounFor(trafficRequests(p.rows), 'request')} · ${esc(p.traffic)}</p>
${p.description ? `<p class="desc">${esc(p.description)}</p>` : ''}
<h2>Summary</h2>
${lagWarnings(p.rows).map((w) => `<p class="warn"><strong>Lag:</strong> ${esc(w)}.</p>`).join('\n')}
${harnessWarnings(p.rows).map((w) => `<p class="warn"><strong>Harness:</strong> ${esc(w)}.</p>`).join('\n')}
${p.rows
  .filter((r) => r.note)
  .map((r) => `<p class="warn"><strong>${r.status === 'error' ? 'Failed' : r.status === 'interrupted' ? 'Stopped' : 'Note'}:</strong> ${esc(r.strategy)}: ${esc(r.note)}.</p>`)
  .join('\n')}
${summaryTable(p)}
${p.costsHtml ?? ''}
<h2>Compared with the baseline</h2>
${p.comparisonsHtml ?? '<p class="note">Only one strategy: nothing to compare.</p>'}
<h2>Thresholds</h2>
${thresholdsTable(p)}
<h2>Incidents</h2>
${incidents}
<h2>Charts</h2>
${charts}
<h2>Faults met and absorbed</h2>
${listTable(['strategy', 'error kind', 'failed attempts', 'failed requests'], p.errors.map((e) => [name.get(e.run_no) ?? String(e.run_no), e.error_kind, fmt.int(e.attempts), fmt.int(e.failed_requests)]))}
<h2>Most frequent routing decisions</h2>
${listTable(['strategy', 'decision', 'count'], p.reasons.map((r) => [name.get(r.run_no) ?? String(r.run_no), r.reason, fmt.int(r.n)]))}
<p class="note">${esc(p.footer)}</p>
</main>
<script>
const specs = ${scriptJson(specs)};
const rendered = [];
for (const [id, spec] of Object.entries(specs)) {
  rendered.push(vegaEmbed('#' + id, spec, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } })
    .then(() => document.getElementById(id).setAttribute('data-rendered', 'true'))
    .catch((e) => { document.getElementById(id).textContent = 'chart failed: ' + e; console.error(e); }));
}
Promise.all(rendered).then(() => document.body.setAttribute('data-charts-rendered', String(rendered.length)));
</script>
</body></html>
`;
}
