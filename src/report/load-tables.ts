/**
 * The tables of a load run as header + rows of text, rendered by the terminal summary, summary.md
 * and the HTML page alike: arms (capacity, frontier, resources), overhead (paired differences with
 * intervals), and every measured point.
 */
import { pointLabel } from '../load/frontier.js';
import { boundKey, fmtAddedCi, fmtAddedUs, fmtLatencyMs, fmtRps, type LoadSummaryJson } from './load-summary.js';

export interface TextTable {
  header: string[];
  rows: string[][];
}

/** Measured arms; skipped and failed ones are returned as notes instead. */
export function armsTable(s: LoadSummaryJson): TextTable & { notes: string[] } {
  const bounds = s.frontier_bounds_ms;
  const measured = s.arms.filter((a) => a.status !== 'skipped' && a.status !== 'failed');
  return {
    header: ['arm', 'kind', 'capacity', ...bounds.map((b) => `p99≤${b}ms`), 'CPU/req', 'peak RSS'],
    rows: measured.map((a) => [
      a.name,
      a.kind,
      a.capacity_rps === null ? '–' : `${fmtRps(a.capacity_rps)} (${a.capacity_at})`,
      ...bounds.map((b) => fmtRps(a.frontier[boundKey(b)] ?? null)),
      a.cpu_us_per_request === null ? '–' : `${a.cpu_us_per_request.toFixed(0)} µs`,
      a.peak_rss_mb === null ? '–' : `${a.peak_rss_mb.toFixed(0)} MB`,
    ]),
    notes: s.arms.filter((a) => !measured.includes(a)).map((a) => `${a.name}: ${a.status}: ${a.note ?? ''}`),
  };
}

const us = (v: number | null | undefined) => (v === null || v === undefined ? null : v / 1000);

export function overheadTable(s: LoadSummaryJson): TextTable {
  const cells = [...new Set(s.overhead.map((r) => `${r.arm}|${r.concurrency}|${r.stream}`))];
  const rows = cells.map((key) => {
    const mine = s.overhead.filter((r) => `${r.arm}|${r.concurrency}|${r.stream}` === key);
    const m = (name: string) => mine.find((r) => r.metric === name);
    const first = mine[0]!;
    return [
      first.arm,
      String(first.concurrency),
      first.stream ? 'stream' : 'plain',
      fmtLatencyMs(us(m('latency_p50')?.direct_us)),
      fmtLatencyMs(us(m('latency_p50')?.arm_us)),
      fmtAddedCi(m('latency_p50')),
      fmtAddedCi(m('latency_p99')),
      fmtAddedCi(m('latency_mean')),
      first.stream ? fmtAddedCi(m('ttft_p50')) : '',
      first.stream ? fmtAddedUs(m('max_gap_p99')?.added_us ?? null) : '',
      first.stream ? `${first.direct_stalls ?? 0}/${first.arm_stalls ?? 0}` : '',
      String(first.pairs),
      `${first.direct_errors}/${first.arm_errors}`,
    ];
  });
  return { header: ['arm', 'c', 'kind', 'direct p50', 'arm p50', 'added p50', 'added p99', 'added mean', 'added TTFT p50', 'added max gap p99', 'stalls d/a', 'pairs', 'errors d/a'], rows };
}

export function pointsTable(s: LoadSummaryJson): TextTable {
  return {
    header: ['arm', 'loop', 'level', 'req/s ok', 'p50', 'p90', 'p99', 'max', 'errors', 'dropped', 'late', 'lag p99', 'gateway CPU', 'mock req/s', 'error kinds'],
    rows: s.points.map((p) => [
      p.arm,
      p.loop,
      pointLabel(p),
      fmtRps(p.achieved_rps),
      fmtLatencyMs(p.p50_ms),
      fmtLatencyMs(p.p90_ms),
      fmtLatencyMs(p.p99_ms),
      fmtLatencyMs(p.max_ms),
      p.errors.toLocaleString('en-US'),
      p.loop === 'open' ? p.dropped.toLocaleString('en-US') : '',
      p.loop === 'open' ? p.late.toLocaleString('en-US') : '',
      p.loop === 'open' ? fmtLatencyMs(p.lag_p99_ms) : '',
      p.gateway_cpu_ms === null ? '' : `${p.gateway_cpu_ms.toFixed(0)} ms`,
      fmtRps((p.mock_requests ?? p.ok) / (p.duration_ms / 1000)),
      p.error_kinds && p.error_kinds !== '{}' ? p.error_kinds : '',
    ]),
  };
}

/** Aligned plain-text rendering (first `left` columns left-aligned). */
export function alignTable(t: TextTable, left = 1): string[] {
  const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(t.header), ...t.rows.map(line)];
}

export function markdownTable(t: TextTable, left = 1): string[] {
  const cell = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${t.header.map(cell).join(' | ')} |`, `|${t.header.map((_, i) => (i < left ? ' --- ' : ' ---: ')).join('|')}|`, ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}
