/**
 * Scenario schema: `gateways`, the hosted or self-run layer some targets are reached through
 * (OpenRouter, Portkey, LiteLLM proxy, ...): its added latency, its own rate limit, and what it
 * costs (the buyer's question: provider spend + gateway fees).
 */
import { z } from 'zod';

const nonNegative = z.number().nonnegative({ message: 'must be ≥ 0' });

export const billingSchema = z.discriminatedUnion('model', [
  z
    .strictObject({
      model: z.literal('passthrough'),
      monthly_usd: nonNegative.default(0).meta({ description: 'Your own cost of running it (hosting), per month.' }),
    })
    .meta({ description: 'Self-hosted or bring-your-own-key with no fee: provider prices only (+ hosting).' }),
  z
    .strictObject({
      model: z.literal('credits'),
      fee_pct: nonNegative.meta({ description: 'Fee on the credits spent, in percent (e.g. a 5.5% credit-purchase fee).' }),
    })
    .meta({ description: 'Prepaid credits at provider prices plus a platform fee (OpenRouter-style).' }),
  z
    .strictObject({
      model: z.literal('byok'),
      fee_pct: nonNegative.meta({ description: 'Fee as a percent of the list-price spend on your own keys.' }),
      free_spend_usd_per_month: nonNegative.default(0).meta({ description: 'Monthly list-price spend free of the fee.' }),
    })
    .meta({ description: 'Your provider keys through the gateway, with a fee tier (OpenRouter BYOK: 5% after a monthly allowance).' }),
  z
    .strictObject({
      model: z.literal('subscription'),
      monthly_usd: nonNegative.meta({ description: 'Plan price per month.' }),
      included_requests_per_month: nonNegative.default(0),
      per_1k_requests_usd: nonNegative.default(0).meta({ description: 'Price per 1,000 requests (or logs) beyond the included ones.' }),
    })
    .meta({ description: 'A monthly plan plus per-request or per-log fees (Portkey-style); provider spend paid directly.' }),
]);
export type BillingSpec = z.output<typeof billingSchema>;

export const gatewaySchema = z.strictObject({
  added_latency_ms: z
    .strictObject({ p50: nonNegative, p99: nonNegative })
    .refine((q) => q.p50 <= q.p99, { message: 'p50 must not exceed p99', path: ['p50'] })
    .optional()
    .meta({ description: 'Latency the gateway adds to every attempt (lognormal p50/p99).' }),
  rate_limit: z
    .strictObject({ rpm: z.number().positive().optional(), tpm: z.number().positive().optional() })
    .refine((r) => r.rpm !== undefined || r.tpm !== undefined, { message: 'give rpm, tpm or both' })
    .optional()
    .meta({ description: "The gateway's own limits, shared by every target behind it (429)." }),
  billing: billingSchema.default({ model: 'passthrough', monthly_usd: 0 }),
});
export type GatewaySpec = z.output<typeof gatewaySchema>;
