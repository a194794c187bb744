/**
 * Added latency of a gateway arm as a paired difference against the direct arm. `concurrency`
 * workers share `rounds` pairs: one request straight to the mock and one through the arm, back
 * to back, the order alternating from round to round and worker to worker (direct, arm, arm,
 * direct, …) so drift and order effects cancel. Each request is timed in µs with the injected
 * hrtime clock. A warm-up of `warmupRounds` pairs per worker is not recorded. Bounded: rounds are
 * counted, each request has a timeout, the cell stops at its time limit, after `maxFailures`
 * failures in a row of the arm (an unreachable gateway), or on abort, after the current pair.
 */
import type { Timed } from './timed-request.js';

export interface OverheadCell {
  concurrency: number;
  stream: boolean;
  rounds: number;
  warmupRounds: number;
  /** Stop starting pairs after this time (µs of the injected clock). */
  deadlineUs: number;
  /** Stop after this many arm failures in a row. */
  maxFailures: number;
}

export type StopReason = 'time_limit' | 'arm_failing' | 'aborted';

/** Two rows per pair, side 0 = direct, 1 = arm. */
export interface OverheadRows {
  n: number;
  worker: Int32Array;
  round: Int32Array;
  side: Uint8Array;
  wentFirst: Uint8Array;
  latencyUs: Float64Array;
  ttftUs: Float64Array;
  chunks: Int32Array;
  meanGapUs: Float64Array;
  maxGapUs: Float64Array;
  stalls: Int32Array;
  status: Int16Array;
  kind: (string | null)[];
}

function emptyRows(capacity: number): OverheadRows {
  return {
    n: 0,
    worker: new Int32Array(capacity),
    round: new Int32Array(capacity),
    side: new Uint8Array(capacity),
    wentFirst: new Uint8Array(capacity),
    latencyUs: new Float64Array(capacity),
    ttftUs: new Float64Array(capacity),
    chunks: new Int32Array(capacity),
    meanGapUs: new Float64Array(capacity),
    maxGapUs: new Float64Array(capacity),
    stalls: new Int32Array(capacity),
    status: new Int16Array(capacity),
    kind: new Array<string | null>(capacity).fill(null),
  };
}

function put(rows: OverheadRows, worker: number, round: number, side: number, first: boolean, t: Timed): void {
  const i = rows.n++;
  rows.worker[i] = worker;
  rows.round[i] = round;
  rows.side[i] = side;
  rows.wentFirst[i] = first ? 1 : 0;
  rows.latencyUs[i] = t.endUs - t.startUs;
  rows.ttftUs[i] = t.firstTokenUs - t.startUs;
  rows.chunks[i] = t.chunks;
  rows.meanGapUs[i] = t.meanGapUs;
  rows.maxGapUs[i] = t.maxGapUs;
  rows.stalls[i] = t.stalls;
  rows.status[i] = t.status;
  rows.kind[i] = t.kind;
}

/** Runs one (concurrency, stream) cell; `direct` and `arm` send one request each. */
export async function runOverheadCell(direct: () => Promise<Timed>, arm: () => Promise<Timed>, cell: OverheadCell, nowUs: () => number, signal?: AbortSignal): Promise<{ rows: OverheadRows; stopped?: StopReason }> {
  const rows = emptyRows(cell.rounds * 2);
  let stopped: StopReason | undefined;
  let failuresInARow = 0;
  const worker = async (w: number) => {
    const mine = Math.floor(cell.rounds / cell.concurrency) + (w < cell.rounds % cell.concurrency ? 1 : 0);
    for (let r = -cell.warmupRounds; r < mine; r++) {
      if (signal?.aborted) stopped ??= 'aborted';
      else if (nowUs() > cell.deadlineUs) stopped ??= 'time_limit';
      else if (failuresInARow >= cell.maxFailures) stopped ??= 'arm_failing';
      if (stopped) return;
      const directFirst = (r + w) % 2 === 0;
      const first = await (directFirst ? direct() : arm());
      const second = await (directFirst ? arm() : direct());
      failuresInARow = (directFirst ? second : first).ok ? 0 : failuresInARow + 1;
      if (r < 0) continue;
      put(rows, w, r, directFirst ? 0 : 1, true, first);
      put(rows, w, r, directFirst ? 1 : 0, false, second);
    }
  };
  await Promise.all(Array.from({ length: cell.concurrency }, (_, w) => worker(w)));
  return { rows, stopped };
}
