/** The "what it costs" part of a summary: provider spend, gateway fees and total, per strategy. */
import type { BillingSpec } from '../scenario/schema-gateway.js';
import type { Store } from '../store/open-store.js';
import { gatewayUsage, runGateways, type SummaryRow } from '../store/queries.js';
import { costBreakdown, type CostBreakdown } from './gateway-billing.js';
import { fmt } from './summary-markdown.js';

export interface StrategyCosts extends CostBreakdown {
  strategy: string;
}

/** Cost breakdowns, or [] when the scenario declares no gateways. */
export async function strategyCosts(store: Store, rows: readonly SummaryRow[]): Promise<StrategyCosts[]> {
  const runNos = rows.map((r) => r.run_no);
  const gateways = new Map((await runGateways(store, runNos)).map((g) => [g.run_no, JSON.parse(g.gateways ?? '{}') as Record<string, { billing: BillingSpec }>]));
  if (![...gateways.values()].some((g) => Object.keys(g).length > 0)) return [];
  const usage = await gatewayUsage(store, runNos);
  return rows.map((r) => {
    const billing = Object.fromEntries(Object.entries(gateways.get(r.run_no) ?? {}).map(([name, g]) => [name, g.billing]));
    const mine = usage.filter((u) => u.run_no === r.run_no).map((u) => ({ gateway: u.gateway, spendUsd: u.spend_usd, attempts: u.attempts }));
    return { strategy: r.strategy, ...costBreakdown(r.total_cost_usd, mine, billing, r.traffic_ms ?? 0) };
  });
}

export function costsMarkdown(costs: readonly StrategyCosts[], windowMs: number): string {
  if (costs.length === 0) return '';
  const out = [
    '## What it costs',
    '',
    `Provider spend plus gateway fees, for the replayed ${fmt.clock(windowMs)} and scaled to a 30-day month.`,
    '',
    '| strategy | provider | gateway fees | total | provider / month | fees / month | **total / month** |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of costs)
    out.push(
      `| ${c.strategy} | ${fmt.usd(c.providerUsd)} | ${fmt.usd(c.gatewayFeesUsd)} | ${fmt.usd(c.totalUsd)} | ${fmt.usd(c.monthlyProviderUsd)} | ${fmt.usd(c.monthlyFeesUsd)} | **${fmt.usd(c.monthlyTotalUsd)}** |`,
    );
  const used = costs.flatMap((c) => c.perGateway.filter((g) => g.monthlyFeeUsd > 0).map((g) => `${c.strategy}: ${g.gateway} ${fmt.usd(g.monthlyFeeUsd)}/month`));
  if (used.length > 0) out.push('', `Fees by gateway: ${used.join('; ')}.`);
  out.push('');
  return out.join('\n');
}

export function costsHtml(costs: readonly StrategyCosts[], esc: (s: unknown) => string): string {
  if (costs.length === 0) return '';
  const rows = costs
    .map(
      (c) =>
        `<tr><td><b>${esc(c.strategy)}</b></td><td>${esc(fmt.usd(c.providerUsd))}</td><td>${esc(fmt.usd(c.gatewayFeesUsd))}</td><td>${esc(fmt.usd(c.totalUsd))}</td><td>${esc(fmt.usd(c.monthlyProviderUsd))}</td><td>${esc(fmt.usd(c.monthlyFeesUsd))}</td><td><b>${esc(fmt.usd(c.monthlyTotalUsd))}</b></td></tr>`,
    )
    .join('');
  return `<h2>What it costs</h2><table id="costs"><thead><tr><th>strategy</th><th>provider</th><th>gateway fees</th><th>total</th><th>provider / month</th><th>fees / month</th><th>total / month</th></tr></thead><tbody>${rows}</tbody></table><p class="note">Provider spend plus the fees of the gateways each strategy's attempts went through; monthly figures scale the replayed window to 30 days.</p>`;
}
