/**
 * One open-loop point: requests at an offered rate (evenly spaced or Poisson, seeded) for a fixed
 * time, each sent at its scheduled time by routebench's arrival scheduler whether or not earlier
 * ones answered. Latency is measured from the scheduled time (wrk2's rule), so a slow arm cannot
 * hide its queue by slowing the generator. A send later than `lateMs` is counted late; one the
 * generator could not make within `dropAfterMs`, or beyond `maxInFlight` unanswered requests, is
 * dropped and counted (k6's dropped iterations). Bounded: the schedule ends after `durationMs`, and
 * what is still unanswered `timeoutMs` later is abandoned.
 */
import { scheduleArrivals } from '../engine/arrival-scheduler.js';
import type { Rng } from '../rng.js';
import { gapSampler } from '../traffic/synthetic.js';
import type { TrafficRequest } from '../traffic/traffic-request.js';
import type { Timed } from './timed-request.js';

export interface OpenPointSpec {
  rate: number;
  durationMs: number;
  process: 'constant' | 'poisson';
  lateMs: number;
  dropAfterMs: number;
  timeoutMs: number;
  maxInFlight: number;
}

/** Per-request columns, in schedule order. Outcome: 0 ok, 1 error, 2 dropped. */
export interface OpenPointRows {
  n: number;
  scheduledMs: Float64Array;
  lagMs: Float64Array;
  latencyMs: Float64Array;
  status: Int16Array;
  outcome: Uint8Array;
  kind: (string | null)[];
  late: number;
}

export const OUTCOME_OK = 0;
export const OUTCOME_ERROR = 1;
export const OUTCOME_DROPPED = 2;

/** Scheduled times (ms from the start of the point) of one point. */
export function openSchedule(spec: Pick<OpenPointSpec, 'rate' | 'durationMs' | 'process'>, rng: Rng): Float64Array {
  const gap = gapSampler({ process: spec.process, rate_per_s: spec.rate }, rng);
  const out: number[] = [];
  for (let t = spec.process === 'constant' ? 0 : gap(); t < spec.durationMs && out.length < 10_000_000; t += gap()) out.push(t);
  return Float64Array.from(out);
}

export async function runOpenPoint(send: () => Promise<Timed>, spec: OpenPointSpec, schedule: Float64Array, nowUs: () => number, signal?: AbortSignal): Promise<OpenPointRows> {
  const n = schedule.length;
  const rows: OpenPointRows = {
    n,
    scheduledMs: schedule,
    lagMs: new Float64Array(n).fill(NaN),
    latencyMs: new Float64Array(n).fill(NaN),
    status: new Int16Array(n),
    outcome: new Uint8Array(n).fill(OUTCOME_DROPPED),
    kind: new Array<string | null>(n).fill('not_sent'),
    late: 0,
  };
  const nowMs = () => nowUs() / 1000;
  const t0 = nowMs() + 5; // a few ms to get the first timer armed
  let inFlight = 0;
  let closed = false;
  const pending = new Set<Promise<void>>();
  async function* batches(): AsyncGenerator<TrafficRequest[]> {
    const size = 1024;
    for (let i = 0; i < n; i += size) {
      const batch: TrafficRequest[] = [];
      for (let j = i; j < Math.min(n, i + size); j++) batch.push({ index: j, arrivalMs: schedule[j]!, route: '', inputTokens: 0, cachedTokens: 0, outputTokens: 0, stream: false, tags: {} });
      yield batch;
    }
  }
  const arrive = (req: TrafficRequest) => {
    const i = req.index;
    const due = t0 + schedule[i]!;
    const lag = nowMs() - due;
    if (lag > spec.dropAfterMs || inFlight >= spec.maxInFlight) {
      rows.kind[i] = lag > spec.dropAfterMs ? 'generator_behind' : 'max_in_flight';
      return;
    }
    rows.lagMs[i] = lag;
    if (lag > spec.lateMs) rows.late++;
    inFlight++;
    const p = send().then((r) => {
      inFlight--;
      pending.delete(p);
      if (closed) return;
      rows.latencyMs[i] = r.endUs / 1000 - due;
      rows.status[i] = r.status;
      rows.outcome[i] = r.ok ? OUTCOME_OK : OUTCOME_ERROR;
      rows.kind[i] = r.kind;
    });
    pending.add(p);
  };
  await scheduleArrivals(batches(), { realAt: (ms) => t0 + ms, arrive }, nowMs, signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, spec.timeoutMs + 1000);
  });
  await Promise.race([Promise.all([...pending]), limit]);
  clearTimeout(timer);
  closed = true;
  for (let i = 0; i < n; i++) if (!Number.isNaN(rows.lagMs[i]!) && Number.isNaN(rows.latencyMs[i]!)) {
    rows.outcome[i] = OUTCOME_ERROR;
    rows.kind[i] = 'abandoned';
  }
  return rows;
}
