/**
 * abort_on_fail thresholds (k6's abortOnFail): checked on the finished requests while a run is in
 * progress; when one fails (after its delay_abort_eval of traffic time), that strategy's run stops
 * and is marked thresholds_failed. Other strategies of the scenario carry on.
 */
import { compare } from '../scenario/threshold-expr.js';
import type { ThresholdsSpec } from '../scenario/schema.js';
import type { Store } from '../store/open-store.js';
import { metricValues } from '../store/queries.js';
import { thresholdList, type ThresholdItem, type ThresholdResult } from '../report/thresholds.js';

/** How often (in traffic batches) abort thresholds are evaluated. */
export const ABORT_CHECK_EVERY = 8;

export class AbortWatch {
  private constructor(private readonly items: ThresholdItem[]) {}

  /** A watch for the spec's abort_on_fail thresholds, or undefined when there are none. */
  static of(spec: ThresholdsSpec): AbortWatch | undefined {
    const items = thresholdList(spec).filter((t) => t.abortOnFail);
    return items.length > 0 ? new AbortWatch(items) : undefined;
  }

  /** The first abort threshold that fails on the rows written so far, if any. */
  async check(store: Store, runNo: number, trafficMs: number): Promise<ThresholdResult | undefined> {
    const due = this.items.filter((t) => trafficMs >= t.delayMs);
    if (due.length === 0) return undefined;
    const values = await metricValues(store, runNo, due);
    for (const [i, t] of due.entries()) {
      const actual = values[i] ?? null;
      if (actual !== null && !compare(actual, t.expr.op, t.expr.value))
        return { metric: t.metric, threshold: t.expr.source, actual, passed: false, abortOnFail: true };
    }
    return undefined;
  }
}
