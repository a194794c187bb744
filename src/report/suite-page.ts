/**
 * The suite page (`<out>/index.html`): every scenario of a run (or of a `routebench report`) in one
 * table with its answer and threshold status, each linking to the scenario's own report. The page
 * a CI check links to. Plain HTML and CSS, no scripts: it opens offline and prints.
 */
import { esc } from './html-page.js';
import { fmt } from './summary-markdown.js';
import { suiteRow, thresholdStatus, type SuiteEntry, type SuiteRow } from './suite-answer.js';
import { delta, interval, value } from './comparison-markdown.js';
import { COMMENT_METRICS, type BaseComparison } from './pr-comment.js';
import { nounFor } from '../plural.js';

const CSS = `
body{font:14px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1280px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#666;margin:0 0 16px}.note{color:#666;font-size:12px}
table{border-collapse:collapse;background:#fff;margin:8px 0}
th,td{border:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.fail{color:#b2182b;font-weight:bold}td.pass{color:#1a7f37}
.banner{padding:8px 12px;border-left:4px solid;margin:12px 0;background:#fff}
.banner.ok{border-color:#1a7f37}.banner.bad{border-color:#b2182b}
`;

export interface SuitePage {
  entries: readonly SuiteEntry[];
  /** Footer line: version, results file. */
  footer: string;
  /** The comparison with the base branch's results (report --base), if any. */
  base?: BaseComparison | null;
}

/** Every significant change against the base branch, one row per strategy and metric, and the budget's verdict. */
function baseSection(b: BaseComparison): string {
  const rows = b.changes.flatMap((c) =>
    c.rows
      .filter((r) => (COMMENT_METRICS as readonly string[]).includes(r.metric) && (r.verdict === 'win' || r.verdict === 'loss'))
      .map((r) => {
        const over = c.budget.find((k) => k.entry.metric === r.metric && k.exceeded);
        return `<tr><td>${esc(c.scenario)}</td><td><b>${esc(c.strategy)}</b></td><td>${esc(r.label)}</td><td class="num">${esc(value(r.unit, r.baseline))}</td><td class="num">${esc(value(r.unit, r.candidate))}</td><td class="num">${esc(`${delta(r)} ${interval(r)}`)}</td><td class="${r.verdict === 'loss' ? 'fail' : 'pass'}">${r.verdict}${over ? ' · over budget' : ''}</td></tr>`;
      }),
  );
  const over = b.changes.reduce((a, c) => a + c.budget.filter((k) => k.exceeded).length, 0);
  const budget = b.budget.length === 0 ? 'no regression budget given' : over === 0 ? `within the regression budget (${b.budget.map((e) => e.source).join(' ')})` : `${over} over the regression budget (${b.budget.map((e) => e.source).join(' ')})`;
  const notes = [
    b.changedScenarios.length ? `Scenario file changed, not compared: ${b.changedScenarios.join(', ')}.` : '',
    b.newScenarios.length ? `New (no base results): ${b.newScenarios.join(', ')}.` : '',
  ].filter(Boolean);
  return `<h2>Against the base branch${b.baseCommit ? ` (${esc(b.baseCommit)})` : ''}</h2>
<p class="banner ${over > 0 ? 'bad' : 'ok'}" id="base-status">${rows.length} ${nounFor(rows.length, 'significant change')} over ${b.changes.length} strategies; ${esc(budget)}.</p>
${rows.length ? `<table id="changes"><thead><tr><th>scenario</th><th>strategy</th><th>metric</th><th>base</th><th>this run</th><th>difference [95% CI]</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : ''}
${notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}
<p class="note">Each strategy's newest run compared with the same strategy in the base branch's results; only differences whose 95% interval excludes 0 are listed. A budget is exceeded when a change is both significant and larger than the budget.</p>`;
}

function banner(rows: readonly SuiteRow[]): string {
  const failed = rows.filter((r) => r.thresholdsFailed.length > 0);
  const incomplete = rows.filter((r) => r.incomplete.length > 0);
  const total = rows.reduce((a, r) => a + r.thresholdsTotal, 0);
  const bad = failed.length > 0 || incomplete.length > 0;
  const parts: string[] = [];
  if (total === 0) parts.push('No scenario declares thresholds.');
  else if (failed.length === 0) parts.push(total === 1 ? 'The one threshold passes.' : `All ${total} thresholds pass.`);
  else parts.push(`${failed.reduce((a, r) => a + r.thresholdsFailed.length, 0)} of ${total} thresholds fail, in ${failed.map((r) => r.scenario).join(', ')}.`);
  if (incomplete.length > 0) parts.push(`Incomplete runs in ${incomplete.map((r) => r.scenario).join(', ')}.`);
  return `<p class="banner ${bad ? 'bad' : 'ok'}" id="suite-status">${esc(parts.join(' '))}</p>`;
}

function when(entries: readonly SuiteEntry[]): string {
  const commits = [...new Set(entries.map((e) => e.commit).filter((c): c is string => !!c))];
  const times = entries.map((e) => e.startedAt).filter((t): t is string => !!t).sort();
  const at = times.length ? `${times[0]!.replace('T', ' ').slice(0, 16)} UTC${times.length > 1 && times.at(-1)!.slice(0, 16) !== times[0]!.slice(0, 16) ? ` – ${times.at(-1)!.replace('T', ' ').slice(0, 16)}` : ''}` : 'time unknown';
  const commit = commits.length === 0 ? 'no git commit recorded' : commits.length === 1 ? `commit ${commits[0]!.slice(0, 12)}` : `commits ${commits.map((c) => c.slice(0, 12)).join(', ')}`;
  return `${at} · ${commit}`;
}

export function suiteHtml(p: SuitePage): string {
  const rows = p.entries.map(suiteRow);
  const strategies = rows.reduce((a, r) => a + r.strategies, 0);
  const body = rows
    .map((r) => {
      const status = thresholdStatus(r);
      const link = r.href ? `<a href="${esc(r.href)}"><b>${esc(r.scenario)}</b></a>` : `<b>${esc(r.scenario)}</b>`;
      const incomplete = r.incomplete.length ? `<br><span class="note">incomplete: ${esc(r.incomplete.join(', '))}</span>` : '';
      return `<tr><td>${link}${incomplete}</td><td class="num">${esc(fmt.int(r.requests))}</td><td class="num">${r.strategies}</td><td>${esc(r.mostAvailable)}</td><td>${esc(r.cheapestPassing)}</td><td>${esc(r.cheapestGivesUp)}</td><td class="${r.thresholdsFailed.length ? 'fail' : r.thresholdsTotal ? 'pass' : ''}">${esc(status)}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>routebench suite</title><style>${CSS}</style></head><body><main>
<h1>routebench suite</h1>
<p class="meta">${rows.length} ${nounFor(rows.length, 'scenario')} · ${strategies} strategies · ${esc(when(p.entries))}</p>
${banner(rows)}
<table id="suite"><thead><tr><th>scenario</th><th>requests</th><th>strategies</th><th>most available</th><th>cheapest meeting every threshold</th><th>what the cheapest gives up</th><th>thresholds</th></tr></thead>
<tbody>
${body}
</tbody></table>
<p class="note">Most available: the highest success rate. Cheapest meeting every threshold: lowest cost per successful request (per 1k ok) among the strategies that pass all their thresholds; a strategy that spends less because fewer requests succeed is not cheaper. What the cheapest gives up: the cheapest strategy overall against the most available, in percentage points of success (significance by the 95% Newcombe interval) and thresholds it fails. Cost is the monthly total with gateway fees where the scenario declares gateways, else the replayed traffic's provider spend. Each scenario's page has the full comparison with confidence intervals and every chart.</p>
${p.base ? baseSection(p.base) : ''}
<p class="note">${esc(p.footer)}</p>
</main></body></html>
`;
}
