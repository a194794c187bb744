/**
 * Per model on a target that served several (one upstream for gpt-4o and gpt-4o-mini): each model
 * with enough calls gets TTFT (with prefill), tokens/s and error latency of its own, fitted as the
 * target's are but over its calls only, and written as `mock.models.<model>`; the simulation then
 * draws a request's timing from the model it asks for, and prices it at that model's price.
 *
 * A model needs MIN_BAND_CALLS (30) calls of the kind TTFT is fitted on (successful, streamed unless
 * the target has no streamed calls, outside incidents), as a prompt-size band does; with fewer it
 * stays pooled into the target's fit, which is over every call and holds for every model without
 * its own (the fit report names them). Error rates are the model's own only where they differ from
 * the target's: its everyday error share's 99% Wilson interval leaves out the target's share (a
 * model's few calls otherwise turned the target's 1% into 0% or 3% by chance).
 */
import type { Store } from '../store/open-store.js';
import { sqlString } from '../store/select-runs.js';
import { Z995 } from '../stats/distributions.js';
import { wilson } from '../stats/wilson.js';
import { fitShape, MIN_BAND_CALLS, type ShapeFit, type TargetFit } from './fit-target.js';

export interface ModelFit extends ShapeFit {
  model: string;
  calls: number;
  /** Its everyday error share differs from the target's: the file gives it its own error rates. */
  ownErrors: boolean;
}


/** Error kinds a mock draws as a share (a gateway's own are left out; 429s of a load-driven limit come from the limit). */
function everydayErrors(errors: ShapeFit['errors'], t: TargetFit): number {
  const limit = t.rateLimit?.loadDriven === true && t.rateLimit.rpm !== undefined;
  return errors.filter((e) => e.kind !== 'gateway_blocked' && e.kind !== 'gateway_error' && !(limit && e.kind === 'rate_limited')).reduce((a, e) => a + e.count, 0);
}

export async function fitModels(store: Store, t: TargetFit, excluded: string): Promise<Pick<TargetFit, 'models' | 'pooled'>> {
  const ttftCol = t.latencyOnly ? 'latency_ms' : 'ttft_ms';
  const counts = await store.all<{ model: string; calls: number; fitted: number }>(`
    SELECT route AS model, count(*)::INTEGER AS calls,
      count(*) FILTER (WHERE ok AND ${ttftCol} > 0 ${t.latencyOnly ? '' : 'AND stream'} AND NOT (${excluded}))::INTEGER AS fitted
    FROM obs WHERE target = ${sqlString(t.target)} AND route IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1`);
  if (counts.length < 2) return {};
  const targetShare = t.baselineCalls > 0 ? everydayErrors(t.errors, t) / t.baselineCalls : 0;
  const models: ModelFit[] = [];
  const pooled: { model: string; calls: number; fitted: number }[] = [];
  for (const c of counts) {
    if (c.fitted < MIN_BAND_CALLS) {
      pooled.push(c);
      continue;
    }
    const shape = await fitShape(store, `target = ${sqlString(t.target)} AND route = ${sqlString(c.model)}`, excluded, t.latencyOnly, t.prefillTokensPerS);
    const { lo, hi } = wilson(everydayErrors(shape.errors, t), shape.baselineCalls, Z995);
    models.push({ model: c.model, calls: c.calls, ...shape, ownErrors: shape.baselineCalls > 0 && (targetShare < lo || targetShare > hi) });
  }
  if (models.length === 0) return { pooled };
  return { models, ...(pooled.length > 0 ? { pooled } : {}) };
}
