/**
 * A chart-rendering worker thread (chart-pool.ts): receives a vega-lite spec, answers with its SVG
 * and, when given fonts, its PNG, rendered by the same functions the main thread uses
 * (render-chart.ts), so a chart is byte-identical wherever it was drawn.
 */
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { chartPng, chartSvg } from './render-chart.js';

export interface ChartJob {
  id: number;
  spec: TopLevelSpec;
  /** Font files for the PNG; null: SVG only. */
  fonts: string[] | null;
}

export type ChartAnswer = { id: number; svg: string; png: Uint8Array | null } | { id: number; error: { message: string; stack?: string } };

const port = parentPort;
if (port) {
  port.on('message', (job: ChartJob) => {
    chartSvg(job.spec)
      .then((svg) => port.postMessage({ id: job.id, svg, png: job.fonts ? chartPng(svg, job.fonts) : null } satisfies ChartAnswer))
      .catch((e: unknown) => port.postMessage({ id: job.id, error: { message: (e as Error).message ?? String(e), stack: (e as Error).stack } } satisfies ChartAnswer));
  });
}
