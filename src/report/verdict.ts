/**
 * The short answer a scenario's reader wants: which strategy kept the most requests, which is the
 * cheapest that meets every threshold, and what the cheapest overall gives up. Cost is the monthly
 * total (provider spend plus gateway fees, scaled to 30 days) when the scenario declares gateways,
 * else the replayed window's provider spend. "Cheapest" ranks by cost per successful request
 * (that total over the requests that got an answer), as compare judges cost: every strategy here
 * saw the same traffic, so one whose requests fail unbilled spends less in total by answering
 * fewer, and is not cheaper for it. A strategy with no successful request has no cost per success
 * and ranks last. Pure: summary rows in, a small record out.
 */
import type { SummaryRow } from '../store/queries.js';
import type { StrategyCosts } from './costs-section.js';
import { newcombeDiff } from '../stats/wilson.js';
import { fmt, trafficRequests } from './summary-markdown.js';
import type { ThresholdResult } from './thresholds.js';

export interface VerdictEntry {
  strategy: string;
  success_rate: number;
  requests: number;
  successes: number;
  cost_usd: number;
  /**
   * What "cheapest" ranks by: the replayed window's cost (gateway fees included where declared)
   * per 1,000 successful requests; null without a successful request.
   */
  cost_per_1k_ok_usd: number | null;
  /** Thresholds this strategy failed, as "metric threshold". */
  failed: string[];
}

export interface Verdict {
  /** What cost_usd means: 'month' (monthly total incl. gateway fees) or 'window' (the replayed traffic). */
  cost_basis: 'month' | 'window';
  most_available: VerdictEntry;
  /** Strategies whose success rate is not significantly below the most available one's (95% Newcombe interval of the difference includes 0). */
  tied_with_most_available: string[];
  /** Whether every strategy has thresholds (else "meeting every threshold" compares unlike things). */
  has_thresholds: boolean;
  /** Undefined when no strategy meets every threshold. */
  cheapest_passing: VerdictEntry | undefined;
  cheapest: VerdictEntry;
}

export function verdict(rows: readonly SummaryRow[], thresholds: ReadonlyMap<string, readonly ThresholdResult[]>, costs: readonly StrategyCosts[]): Verdict | undefined {
  // Every strategy of a scenario sees the same traffic, so a run with fewer requests than the
  // group's largest did not see all of it: an abort_on_fail threshold stopped it (status
  // thresholds_failed). Its cost covers part of the traffic and would read as the cheapest.
  const finished = rows.filter((r) => r.status === 'ok' || r.status === 'thresholds_failed');
  const complete = finished.filter((r) => r.requests === trafficRequests(finished));
  if (complete.length < 2) return undefined;
  const byStrategy = new Map(costs.map((c) => [c.strategy, c]));
  const entries: VerdictEntry[] = complete.map((r) => {
    const c = byStrategy.get(r.strategy);
    const windowUsd = c?.totalUsd ?? r.total_cost_usd;
    return {
      strategy: r.strategy,
      success_rate: r.success_rate,
      requests: r.requests,
      successes: r.successes,
      cost_usd: c?.monthlyTotalUsd ?? r.total_cost_usd,
      cost_per_1k_ok_usd: r.successes > 0 && Number.isFinite(windowUsd) ? (windowUsd / r.successes) * 1000 : null,
      failed: (thresholds.get(r.run_id) ?? []).filter((t) => !t.passed).map((t) => `${t.metric} ${t.threshold}`),
    };
  });
  // Per successful request; none at all ranks last; then the more available, then the lower total.
  const perOk = (e: VerdictEntry) => e.cost_per_1k_ok_usd ?? Infinity;
  const byCost = (a: VerdictEntry, b: VerdictEntry) => (perOk(a) === perOk(b) ? 0 : perOk(a) < perOk(b) ? -1 : 1) || b.success_rate - a.success_rate || a.cost_usd - b.cost_usd;
  const mostAvailable = [...entries].sort((a, b) => b.success_rate - a.success_rate || a.cost_usd - b.cost_usd)[0]!;
  return {
    cost_basis: costs.length > 0 ? 'month' : 'window',
    most_available: mostAvailable,
    tied_with_most_available: entries.filter((e) => e !== mostAvailable && e.requests > 0 && mostAvailable.requests > 0 && newcombeDiff(e.successes, e.requests, mostAvailable.successes, mostAvailable.requests).hi >= 0).map((e) => e.strategy),
    has_thresholds: complete.every((r) => (thresholds.get(r.run_id)?.length ?? 0) > 0),
    cheapest_passing: [...entries].filter((e) => e.failed.length === 0).sort(byCost)[0],
    cheapest: [...entries].sort(byCost)[0]!,
  };
}

/** An entry's cost as the answer states it: its total, and per 1k successful requests (what "cheapest" ranks by). */
export function verdictCost(v: Pick<Verdict, 'cost_basis'>, e: Pick<VerdictEntry, 'cost_usd' | 'cost_per_1k_ok_usd'>): string {
  const total = v.cost_basis === 'month' ? `${fmt.usd(e.cost_usd)}/month` : fmt.usd(e.cost_usd);
  // With gateways, per 1k ok includes their fees: say so beside the summary table's provider-only column.
  return `${total}, ${e.cost_per_1k_ok_usd === null ? 'no successful request' : `${fmt.usd(e.cost_per_1k_ok_usd)} per 1k ok${v.cost_basis === 'month' ? ' with fees' : ''}`}`;
}

/** What the answer's costs mean, for the line under it. */
export function verdictBasis(v: Pick<Verdict, 'cost_basis'>): string {
  const basis = v.cost_basis === 'month' ? 'Cost is the monthly total: provider spend plus gateway fees, scaled to 30 days.' : 'Cost is the provider spend of the replayed traffic.';
  return `${basis} Cheapest means the lowest cost per successful request ("per 1k ok"): a strategy that spends less because fewer of its requests succeed is not cheaper.`;
}

/** The verdict as plain sentences (markdown bullets without the bullet, or terminal lines). */
export function verdictLines(v: Verdict): string[] {
  const line = (e: VerdictEntry) => `${e.strategy}: ${fmt.pct(e.success_rate)} success, ${verdictCost(v, e)}`;
  const ties = v.tied_with_most_available;
  const out = [`most available: ${line(v.most_available)}${ties.length > 0 ? ` (not significantly ahead of ${ties.join(', ')})` : ''}`];
  if (!v.has_thresholds) return [...out, v.cheapest.strategy === v.most_available.strategy ? `cheapest: ${v.cheapest.strategy}, the most available too` : `cheapest: ${line(v.cheapest)}`];
  out.push(v.cheapest_passing ? `cheapest meeting every threshold: ${line(v.cheapest_passing)}` : 'cheapest meeting every threshold: none meets them all');
  if (v.cheapest.strategy !== v.cheapest_passing?.strategy)
    out.push(`cheapest overall: ${line(v.cheapest)}${v.cheapest.failed.length > 0 ? `, but fails ${v.cheapest.failed.join(', ')}` : ''}`);
  return out;
}

export function verdictMarkdown(v: Verdict | undefined): string {
  if (!v) return '';
  return ['## The answer', '', ...verdictLines(v).map((l) => `- ${l.replace(/^([^:]+):/, '**$1**:')}`), '', verdictBasis(v), ''].join('\n');
}

export function verdictHtml(v: Verdict | undefined, esc: (s: unknown) => string): string {
  if (!v) return '';
  const items = verdictLines(v)
    .map((l) => {
      const [head, ...rest] = l.split(': ');
      return `<li><b>${esc(head)}</b>: ${esc(rest.join(': '))}</li>`;
    })
    .join('');
  return `<h2>The answer</h2><ul id="verdict">${items}</ul><p class="note">${esc(verdictBasis(v))}</p>`;
}
