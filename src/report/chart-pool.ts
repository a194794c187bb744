/**
 * Static chart images (SVG, PNG) drawn in worker threads, so vega's rendering and resvg's
 * rasterising of one report run beside the DuckDB queries of another, on every core. A chart's
 * bytes do not depend on where it was drawn: the worker calls the same render-chart.ts functions.
 *
 * `inlineCharts` draws on the calling thread (one worker), the PNGs rasterised on libuv's thread pool.
 *
 * A chart worker's heap is capped (CHART_WORKER_HEAP): V8 collects lazily, and an uncapped
 * worker's heap grew to ~100 MB over the default suite's charts, most of it garbage (under
 * the cap, the same charts draw in ~45 MB). A capped worker collects sooner. A chart that needs more than the
 * cap kills its worker with ERR_WORKER_OUT_OF_MEMORY; the pool then draws that chart, and every
 * later one, in workers without the cap, so the only cost of the cap being too small is time.
 * (https://nodejs.org/api/worker_threads.html: resourceLimits, ERR_WORKER_OUT_OF_MEMORY.)
 */
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { ownWorker } from '../own-worker.js';
import type { TopLevelSpec } from 'vega-lite';
import type { ChartAnswer, ChartJob } from './chart-worker.js';

export interface ChartImages {
  svg: string;
  png: Buffer | null;
}

export interface ChartRenderer {
  /** The chart's SVG and, when `fonts` is given, its PNG. */
  render(spec: TopLevelSpec, fonts: readonly string[] | null): Promise<ChartImages>;
  close(): Promise<void>;
}

export const inlineCharts: ChartRenderer = {
  async render(spec, fonts) {
    // Loaded on first use: a run whose charts go to chart workers never loads vega on this thread.
    const { chartPngAsync, chartSvg } = await import('./render-chart.js');
    const svg = await chartSvg(spec);
    return { svg, png: fonts ? await chartPngAsync(svg, fonts) : null };
  },
  async close() {},
};

interface Pending {
  job: ChartJob;
  resolve(images: ChartImages): void;
  reject(e: Error): void;
}

/** A chart worker's heap limits: a small young generation and a capped old one (see above). */
export const CHART_WORKER_HEAP: ResourceLimits = { maxYoungGenerationSizeMb: 3, maxOldGenerationSizeMb: 48 };

export interface ChartPool extends ChartRenderer {
  /** Workers that ran out of memory under the cap (their charts were drawn again without it). */
  readonly outOfMemory: number;
}

/**
 * Up to `size` chart workers, started on first use; jobs go to the first free worker in submission
 * order. `heap`: the workers' limits until one runs out of memory (tests pass a tiny one).
 */
export function chartPool(size: number, heap: ResourceLimits = CHART_WORKER_HEAP): ChartPool {
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const queue: Pending[] = [];
  const all: Worker[] = [];
  let nextId = 0;
  let workers = 0;
  let closed = false;
  let limits: ResourceLimits | undefined = heap;
  let outOfMemory = 0;

  const failAll = (e: Error) => {
    for (const p of [...busy.values(), ...queue.splice(0)]) p.reject(e);
    busy.clear();
  };
  const dispatch = () => {
    while (queue.length > 0) {
      let w = idle.pop();
      if (!w && workers < size) w = start();
      if (!w) return;
      const p = queue.shift()!;
      busy.set(w, p);
      w.postMessage(p.job);
    }
  };
  const start = (): Worker => {
    workers++;
    const w = ownWorker('report/chart-worker', limits ? { resourceLimits: limits } : {});
    all.push(w);
    let dead = false;
    w.on('message', (a: ChartAnswer) => {
      const p = busy.get(w);
      busy.delete(w);
      idle.push(w);
      if (p) {
        if ('error' in a) p.reject(Object.assign(new Error(`chart rendering failed: ${a.error.message}`), { stack: a.error.stack }));
        else p.resolve({ svg: a.svg, png: a.png ? Buffer.from(a.png.buffer, a.png.byteOffset, a.png.byteLength) : null });
      }
      dispatch();
    });
    w.on('error', (e: Error & { code?: string }) => {
      if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY' || closed) return failAll(e);
      // Over the cap: this worker is gone; its chart goes back to the front of the queue, for a
      // worker without the cap (charts are independent and their bytes do not depend on where
      // they were drawn).
      dead = true;
      outOfMemory++;
      limits = undefined;
      workers--;
      const p = busy.get(w);
      busy.delete(w);
      const at = idle.indexOf(w);
      if (at >= 0) idle.splice(at, 1);
      if (p) queue.unshift(p);
      dispatch();
    });
    w.on('exit', (code) => {
      if (!closed && !dead && code !== 0) failAll(new Error(`a chart worker exited with code ${code}`));
    });
    return w;
  };

  return {
    get outOfMemory() {
      return outOfMemory;
    },
    render(spec, fonts) {
      if (closed) return Promise.reject(new Error('the chart pool is closed'));
      return new Promise<ChartImages>((resolve, reject) => {
        queue.push({ job: { id: nextId++, spec, fonts: fonts ? [...fonts] : null }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      failAll(new Error('the chart pool is closed'));
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
