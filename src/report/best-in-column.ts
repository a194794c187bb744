/**
 * Which strategies may be "best in column" in the summary. Latency and cost per success count
 * successful requests only, so a strategy that drops requests can look fastest and cheapest for
 * it (a single target that fails 9% of requests skips every failover). Only strategies that keep
 * enough requests compete:
 *
 * - a strategy with success-rate thresholds (scenario-wide or its own) competes when it passes them;
 * - a strategy without one competes when its success rate is not significantly below the most
 *   available strategy's (the 95% Newcombe interval of the difference includes 0, the test the
 *   answer uses for ties).
 *
 * Pure: summary rows and threshold results in, the eligible runs and the rule in words out.
 */
import type { SummaryRow } from '../store/queries.js';
import { fmt, trafficRequests } from './summary-markdown.js';
import { newcombeDiff } from '../stats/wilson.js';
import type { ThresholdResult } from './thresholds.js';

export interface Eligibility {
  runNos: number[];
  /** How eligibility was decided, for the caption: "among strategies that ...". */
  rule: string;
}

type Row = Pick<SummaryRow, 'run_no' | 'run_id' | 'strategy' | 'requests' | 'successes' | 'success_rate'>;

export function eligibleForBest(rows: readonly Row[], thresholds: ReadonlyMap<string, readonly ThresholdResult[]>): Eligibility {
  // Only runs that saw all the traffic: one an abort_on_fail threshold stopped (or an interrupted
  // one) holds fewer requests, and its latency and cost cover part of the traffic.
  const withData = rows.filter((r) => r.requests > 0 && r.requests === trafficRequests(rows));
  const successThresholds = (r: Row) => (thresholds.get(r.run_id) ?? []).filter((t) => t.metric === 'success_rate');
  const declared = [...new Set(withData.flatMap((r) => successThresholds(r).map((t) => t.threshold)))];
  const best = [...withData].sort((a, b) => b.success_rate - a.success_rate)[0];
  if (!best) return { runNos: [], rule: 'with requests' };
  const nearBest = (r: Row) => r === best || r.success_rate >= best.success_rate || newcombeDiff(r.successes, r.requests, best.successes, best.requests).hi >= 0;
  const nearRule = `whose success rate is not significantly below the most available (${best.strategy}, ${fmt.pct(best.success_rate)}; 95% interval of the difference)`;
  if (declared.length === 0) return { runNos: withData.filter(nearBest).map((r) => r.run_no), rule: nearRule };
  const meets = `that meet the success-rate threshold${declared.length > 1 ? 's' : ''} (${declared.join(', ')})`;
  const all = withData.every((r) => successThresholds(r).length > 0);
  // Strategies without a success-rate threshold of their own fall back to the "not significantly below" rule.
  const runNos = withData.filter((r) => (successThresholds(r).length > 0 ? successThresholds(r).every((t) => t.passed) : nearBest(r))).map((r) => r.run_no);
  return { runNos, rule: all ? meets : `${meets}, or, for strategies without one, ${nearRule}` };
}
