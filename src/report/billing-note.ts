/**
 * The footnote every cost table carries (terminal, Markdown, HTML): what a cost of $0 for a
 * failed attempt means, so a strategy that pours requests into a hanging provider does not look
 * cheap, and what "$/1k ok" divides by. The billing rule itself is engine/billing.ts.
 */
export const BILLING_NOTE =
  'A stream cut before its first token and a provider that never answers are billed $0 (nothing was generated); per 1k ok = total cost ÷ successful requests × 1000, so compare that, not total cost.';
