/** The terminal rendering of a scenario summary: an aligned table and the thresholds that failed. */
import { anyThin, fmt, quantileCell, THIN_NOTE, trafficRequests } from '../report/summary-markdown.js';
import type { SummaryJson } from '../report/write-summary.js';
import { harnessLine, harnessWarnings, lagWarnings } from '../report/lag-check.js';
import { verdictLines } from '../report/verdict.js';
import { BILLING_NOTE } from '../report/billing-note.js';
import { count } from '../plural.js';

export function formatSummaryTable(s: SummaryJson, dir: string): string {
  const header = ['strategy', 'success', 'p50', 'p95', 'p99', 'ttft p50', 'attempts', 'failover', 'cost', '$/1k ok', 'status'];
  const rows = s.strategies.map((r) => [
    r.strategy,
    r.requests === 0 ? '–' : fmt.pct(r.success_rate),
    fmt.ms(r.p50_latency_ms),
    quantileCell(r.p95_latency_ms, 0.95, r.successes),
    quantileCell(r.p99_latency_ms, 0.99, r.successes),
    fmt.ms(r.p50_ttft_ms),
    r.requests === 0 ? '–' : fmt.num(r.mean_attempts, 3),
    r.requests === 0 ? '–' : fmt.pct(r.failover_rate),
    fmt.usd(r.total_cost_usd),
    fmt.usd(r.cost_per_1k_usd),
    r.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [
    `${s.scenario}: ${trafficRequests(s.strategies).toLocaleString('en-US')} ${trafficRequests(s.strategies) === 1 ? 'request' : 'requests'}, ${s.traffic}${s.interrupted ? ' (INTERRUPTED)' : ''}`,
    line(header),
    ...rows.map(line),
    `cost: ${BILLING_NOTE}`,
    ...(anyThin(s.strategies) ? [THIN_NOTE] : []),
  ];
  if (s.skipped_rows > 0) out.push(`${count(s.skipped_rows, 'bad trace row')} skipped`);
  for (const w of lagWarnings(s.strategies)) out.push(`warning: ${w}`);
  for (const w of harnessWarnings(s.strategies)) out.push(`warning: ${w}`);
  for (const r of s.strategies) {
    const h = harnessLine(r);
    if (h) out.push(h);
  }
  for (const r of s.strategies) if (r.note) out.push(`${r.status === 'error' ? 'error' : r.status === 'interrupted' ? 'stopped' : 'note'}: ${r.strategy}: ${r.note}`);
  for (const k of s.skipped ?? []) out.push(`skipped ${k.strategy}: ${k.reason}`);
  for (const r of s.strategies)
    if (r.p50_overhead_ms !== null)
      out.push(`${r.strategy}: the gateway added p50 ${fmt.fineMs(r.p50_overhead_ms)}, p99 ${fmt.fineMs(r.p99_overhead_ms)} of its own (client time minus upstream time minus its waits); it waited between upstream calls p50 ${fmt.fineMs(r.p50_wait_ms)}, p99 ${fmt.fineMs(r.p99_wait_ms)} (backoff, retry-after)`);
  // A run stopped before the end of its traffic (Ctrl-C, the spend cap) is not judged on part of it:
  // its status says interrupted and the exit code does not count its thresholds, so neither does this list.
  const unjudged = s.strategies.filter((r) => r.status === 'interrupted' && r.thresholds.some((t) => !t.passed)).map((r) => r.strategy);
  if (unjudged.length > 0) out.push(`thresholds not judged: ${unjudged.join(', ')} stopped before the end of the traffic`);
  const failed = s.strategies.filter((r) => r.status !== 'interrupted').flatMap((r) =>
    r.thresholds
      .filter((t) => !t.passed)
      .map((t) => `  ✗ ${r.strategy}: ${t.metric} ${t.threshold} (actual ${t.actual === null ? 'no data' : +t.actual.toPrecision(6)})${t.abortedAtMs !== undefined ? `, stopped the run at ${fmt.clock(t.abortedAtMs)}` : ''}`),
  );
  if (failed.length > 0) out.push('thresholds failed:', ...failed);
  if (s.verdict) out.push(...verdictLines(s.verdict));
  out.push(`report: ${dir}/index.html`);
  return out.join('\n');
}
