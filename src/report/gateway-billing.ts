/**
 * What a strategy really costs: provider spend plus the fees of the gateways its attempts went
 * through, for the replayed window and scaled to a month. Tariffs are applied to per-gateway SQL
 * aggregates (spend and attempts through each gateway); free allowances and included requests
 * are monthly, so fees are computed on the monthly figures and scaled back to the window.
 */
import type { BillingSpec } from '../scenario/schema-gateway.js';

/** 30 days. */
export const MONTH_MS = 30 * 86_400_000;

export interface GatewayUsage {
  gateway: string;
  /** Provider spend of the attempts made through the gateway, USD, in the replayed window. */
  spendUsd: number;
  /** Attempts made through the gateway in the window (each is a request the gateway serves and logs). */
  attempts: number;
}

/** Monthly fee of one gateway for monthly spend and attempts. */
export function monthlyFee(b: BillingSpec, monthlySpend: number, monthlyAttempts: number): number {
  switch (b.model) {
    case 'passthrough':
      return b.monthly_usd;
    case 'credits':
      return (monthlySpend * b.fee_pct) / 100;
    case 'byok':
      return (Math.max(0, monthlySpend - b.free_spend_usd_per_month) * b.fee_pct) / 100;
    case 'subscription':
      return b.monthly_usd + (Math.max(0, monthlyAttempts - b.included_requests_per_month) / 1000) * b.per_1k_requests_usd;
  }
}

export interface CostBreakdown {
  providerUsd: number;
  gatewayFeesUsd: number;
  totalUsd: number;
  monthlyProviderUsd: number;
  monthlyFeesUsd: number;
  monthlyTotalUsd: number;
  /** Fees per gateway, monthly. */
  perGateway: { gateway: string; monthlyFeeUsd: number; monthlySpendUsd: number }[];
}

/**
 * `providerUsd`: the run's total provider spend in the window; `usage`: per gateway it used;
 * `billing`: the scenario's gateways; `windowMs`: the replayed traffic span.
 */
export function costBreakdown(providerUsd: number, usage: readonly GatewayUsage[], billing: Readonly<Record<string, BillingSpec>>, windowMs: number): CostBreakdown {
  const toMonth = MONTH_MS / Math.max(windowMs, 1);
  const perGateway = Object.entries(billing).map(([gateway, b]) => {
    const u = usage.find((x) => x.gateway === gateway);
    const monthlySpend = (u?.spendUsd ?? 0) * toMonth;
    // A gateway nobody routed through costs nothing (the subscription would not be bought).
    const monthlyFeeUsd = u && u.attempts > 0 ? monthlyFee(b, monthlySpend, u.attempts * toMonth) : 0;
    return { gateway, monthlyFeeUsd, monthlySpendUsd: monthlySpend };
  });
  const monthlyFeesUsd = perGateway.reduce((a, g) => a + g.monthlyFeeUsd, 0);
  const gatewayFeesUsd = monthlyFeesUsd / toMonth;
  return {
    providerUsd,
    gatewayFeesUsd,
    totalUsd: providerUsd + gatewayFeesUsd,
    monthlyProviderUsd: providerUsd * toMonth,
    monthlyFeesUsd,
    monthlyTotalUsd: (providerUsd + gatewayFeesUsd) * toMonth,
    perGateway,
  };
}
