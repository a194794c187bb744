/**
 * The comparison summary as Markdown: one row per strategy, the metrics people compare, and a
 * table of thresholds that failed. Pure formatting of rows computed in SQL.
 */
import { formatDuration } from '../scenario/duration.js';
import type { SummaryRow } from '../store/queries.js';
import { harnessLine, harnessWarnings, lagWarnings } from './lag-check.js';
import { BILLING_NOTE } from './billing-note.js';
import type { ThresholdResult } from './thresholds.js';
import { nounFor } from '../plural.js';

export interface SummaryInput {
  scenario: string;
  description?: string;
  runGroup: string;
  traffic: string;
  rows: readonly SummaryRow[];
  thresholds: ReadonlyMap<string, readonly ThresholdResult[]>;
  errors: readonly { run_no: number; error_kind: string; attempts: number; failed_requests: number }[];
  reasons: readonly { run_no: number; reason: string; n: number }[];
  skippedRows: number;
  interrupted: boolean;
}

export const fmt = {
  /** A share in percent; above 99.95% with three decimals, and never "100.000%" for a share below 1 (one failure in 200k+). */
  pct: (v: number | null) => (v === null ? '–' : v >= 0.99999 && v < 1 ? `${(Math.floor(v * 1e5) / 1e3).toFixed(3)}%` : `${(v * 100).toFixed(v >= 0.9995 && v < 1 ? 3 : 2)}%`),
  /** Milliseconds with sub-millisecond precision for small values (overheads). */
  fineMs: (v: number | null) => (v === null ? '–' : Math.abs(v) < 10 ? `${v.toFixed(2)} ms` : `${Math.round(v).toLocaleString('en-US')} ms`),
  ms: (v: number | null) => (v === null ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v).toLocaleString('en-US')} ms`),
  usd: (v: number | null) => (v === null ? '–' : v >= 100 ? `$${v.toFixed(0)}` : v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`),
  num: (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits)),
  int: (v: number) => v.toLocaleString('en-US'),
  /** Offset from the start of the traffic, e.g. 15h16m. */
  clock: (ms: number) => formatDuration(Math.round(ms / 1000) * 1000),
};

/**
 * The scenario's request count: the largest run's (every strategy sees the same traffic; a run an
 * abort_on_fail threshold stopped holds fewer, and may come first).
 */
export const trafficRequests = (rows: readonly Pick<SummaryRow, 'requests'>[]): number => rows.reduce((m, r) => Math.max(m, r.requests), 0);

/**
 * True when fewer than 1/(1 − p) requests succeeded (20 for p95, 100 for p99): none lies beyond the
 * p-quantile, and quantile_cont's figure is interpolated among the slowest few, close to the
 * maximum rather than an estimate of the percentile. The summary marks it (THIN_MARK) and it
 * never counts as the best in its column.
 */
export const thinQuantile = (p: number, successes: number): boolean => successes > 0 && successes * (1 - p) < 1;

export const THIN_MARK = '*';

/** The footnote under a summary table with a marked percentile. */
export const THIN_NOTE = `${THIN_MARK} fewer than 20 successful requests (p95) or 100 (p99): none lies beyond the percentile, so the figure is interpolated among the slowest few and is close to their maximum, not an estimate of the percentile.`;

/** A latency percentile of the summary, marked when too few requests succeeded for it. */
export const quantileCell = (v: number | null, p: number, successes: number): string => `${fmt.ms(v)}${v !== null && thinQuantile(p, successes) ? THIN_MARK : ''}`;

/** A per-request share or mean; '–' for a run without requests (0 of 0 is no rate, not 0%). */
const perRequest = (r: SummaryRow, v: number, f: (v: number) => string): string => (r.requests === 0 ? '–' : f(v));

/** Whether any row of the summary has a marked percentile. */
export const anyThin = (rows: readonly SummaryRow[]): boolean =>
  rows.some((r) => (r.p95_latency_ms !== null && thinQuantile(0.95, r.successes)) || (r.p99_latency_ms !== null && thinQuantile(0.99, r.successes)));

const COLUMNS: [string, (r: SummaryRow) => string][] = [
  ['strategy', (r) => `**${r.strategy}**${r.strategy !== r.strategy_use ? ` (${r.strategy_use})` : ''}`],
  ['success', (r) => perRequest(r, r.success_rate, fmt.pct)],
  ['p50', (r) => fmt.ms(r.p50_latency_ms)],
  ['p95', (r) => quantileCell(r.p95_latency_ms, 0.95, r.successes)],
  ['p99', (r) => quantileCell(r.p99_latency_ms, 0.99, r.successes)],
  ['TTFT p50', (r) => fmt.ms(r.p50_ttft_ms)],
  ['attempts', (r) => perRequest(r, r.mean_attempts, (v) => fmt.num(v, 3))],
  ['failover', (r) => perRequest(r, r.failover_rate, fmt.pct)],
  ['cost', (r) => fmt.usd(r.total_cost_usd)],
  ['per 1k ok', (r) => fmt.usd(r.cost_per_1k_usd)],
  ['status', (r) => r.status],
];

export function summaryMarkdown(s: SummaryInput): string {
  const out: string[] = [];
  out.push(`# ${s.scenario}`, '');
  if (s.description) out.push(s.description.trim(), '');
  const requests = trafficRequests(s.rows);
  out.push(`Run group \`${s.runGroup}\` · ${fmt.int(requests)} ${nounFor(requests, 'request')} · ${s.traffic}${s.skippedRows ? ` · ${fmt.int(s.skippedRows)} ${nounFor(s.skippedRows, 'bad trace row')} skipped` : ''}`, '');
  if (s.interrupted) out.push('> **Interrupted**: only requests that finished before Ctrl-C are counted.', '');
  for (const w of lagWarnings(s.rows)) out.push(`> **Lag**: ${w}.`, '');
  for (const w of harnessWarnings(s.rows)) out.push(`> **Harness**: ${w}.`, '');
  for (const r of s.rows) {
    const h = harnessLine(r);
    if (h) out.push(`${h}.`, '');
  }
  for (const r of s.rows) if (r.note) out.push(`> **${r.status === 'error' ? 'Failed' : r.status === 'interrupted' ? 'Stopped' : 'Note'}**: ${r.strategy}: ${r.note}.`, '');
  out.push(`| ${COLUMNS.map(([h]) => h).join(' | ')} |`, `|${COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of s.rows) out.push(`| ${COLUMNS.map(([, f]) => f(r)).join(' | ')} |`);
  if (anyThin(s.rows)) out.push('', THIN_NOTE.replace(THIN_MARK, `\\${THIN_MARK}`));
  for (const r of s.rows)
    if (r.p50_overhead_ms !== null)
      out.push('', `${r.strategy} is an external gateway: it added p50 ${fmt.fineMs(r.p50_overhead_ms)}, p99 ${fmt.fineMs(r.p99_overhead_ms)} per request of its own time (client time minus time in upstream calls, read from the mock server's log, minus the waits it chose between them), and waited p50 ${fmt.fineMs(r.p50_wait_ms)}, p99 ${fmt.fineMs(r.p99_wait_ms)} between upstream calls (backoff, retry-after).`);
  out.push('', `Latency is from the scheduled send time to the successful answer (successful requests only; the p50/p95/p99_latency_all_ms threshold metrics count failures at their time of failure); TTFT likewise, for streamed requests. Cost includes failed attempts as providers bill them. ${BILLING_NOTE}`, '');

  const failed = s.rows.flatMap((r) => (s.thresholds.get(r.run_id) ?? []).filter((t) => !t.passed).map((t) => ({ r, t })));
  const total = s.rows.reduce((a, r) => a + (s.thresholds.get(r.run_id)?.length ?? 0), 0);
  if (total > 0) {
    out.push(failed.length === 0 ? (total === 1 ? 'The one threshold passed.' : `All ${total} thresholds passed.`) : `## Thresholds failed (${failed.length} of ${total})`, '');
    if (failed.length > 0) {
      out.push('| strategy | metric | threshold | actual |', '| --- | --- | --- | ---: |');
      for (const { r, t } of failed)
        out.push(`| ${r.strategy} | ${t.metric} | \`${t.threshold}\` | ${t.actual === null ? 'no data' : +t.actual.toPrecision(6)}${t.abortedAtMs !== undefined ? ` (stopped the run at ${fmt.clock(t.abortedAtMs)})` : ''} |`);
      out.push('');
    }
  }

  if (s.errors.length > 0) {
    out.push('## Faults met and absorbed', '', '| strategy | error kind | failed attempts | failed requests |', '| --- | --- | ---: | ---: |');
    for (const e of s.errors) {
      const r = s.rows.find((x) => x.run_no === e.run_no);
      out.push(`| ${r?.strategy ?? e.run_no} | ${e.error_kind} | ${fmt.int(e.attempts)} | ${fmt.int(e.failed_requests)} |`);
    }
    out.push('');
  }
  if (s.reasons.length > 0) {
    out.push('## Most frequent routing decisions', '', '| strategy | decision | count |', '| --- | --- | ---: |');
    for (const e of s.reasons) {
      const r = s.rows.find((x) => x.run_no === e.run_no);
      out.push(`| ${r?.strategy ?? e.run_no} | ${e.reason} | ${fmt.int(e.n)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
