/**
 * Starts one of routebench's own modules in a worker thread (the simulate workers, the chart
 * workers): when built, its own bundle in dist/cli/ if the build made one, else the compiled .js
 * in dist/; from the TypeScript sources (tsx, vitest) a small bootstrap first registers tsx's ESM
 * loader hooks in the worker, then imports the .ts file (on Node 20 a worker does not inherit the
 * parent's `--import` loader hooks). ESM hooks, not
 * tsx's require hook: the sources, and vega's node build, use top-level await.
 */
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { FROM_SOURCE, ownWorkerFile } from './package-files.js';

/** `rel`: the module's path under src/ without extension, e.g. `report/chart-worker`. */
export function ownWorker(rel: string, options: WorkerOptions = {}): Worker {
  const url = pathToFileURL(ownWorkerFile(rel));
  if (!FROM_SOURCE) return new Worker(url, options);
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { ...options, eval: true });
}
