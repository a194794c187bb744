/** The inputs of golden-rows.test.ts (also used to write its golden files). Not a test file itself. */
import { writeFileSync } from 'node:fs';
import { litellmCsv, litellmRows, openrouterRows, portkeyRows } from './golden-inputs.js';
import { otelLines } from './golden-otel.js';

type BenchWriter = (file: string, format: string, rows: number) => void;

export interface GoldenCase {
  name: string;
  format: string;
  ext: string;
  write: (file: string, bench: BenchWriter) => void;
}

/** A JSON.stringify replacer that keeps own keys whose value is undefined (as "(undefined)"). */
export const keepUndefined = (_key: string, value: unknown) => (value === undefined ? '(undefined)' : value);

const lines = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

export const goldenCases: GoldenCase[] = [
  { name: 'litellm-jsonl', format: 'litellm', ext: 'jsonl', write: (f) => writeFileSync(f, lines(litellmRows(100))) },
  { name: 'litellm-csv', format: 'litellm', ext: 'csv', write: (f) => writeFileSync(f, litellmCsv(litellmRows(100, 8))) },
  { name: 'litellm-array', format: 'litellm', ext: 'json', write: (f) => writeFileSync(f, JSON.stringify(litellmRows(60, 9), null, 1)) },
  { name: 'litellm-bench', format: 'litellm', ext: 'jsonl', write: (f, bench) => bench(f, 'litellm', 40) },
  { name: 'openrouter-jsonl', format: 'openrouter', ext: 'jsonl', write: (f) => writeFileSync(f, lines(openrouterRows(100))) },
  { name: 'openrouter-bench', format: 'openrouter', ext: 'jsonl', write: (f, bench) => bench(f, 'openrouter', 40) },
  { name: 'portkey-jsonl', format: 'portkey', ext: 'jsonl', write: (f) => writeFileSync(f, lines(portkeyRows(100))) },
  { name: 'otel-genai-jsonl', format: 'otel-genai', ext: 'jsonl', write: (f) => writeFileSync(f, `${otelLines(120).join('\n')}\n`) },
  { name: 'otel-genai-bench', format: 'otel-genai', ext: 'jsonl', write: (f, bench) => bench(f, 'otel-genai', 60) },
  { name: 'portkey-bench', format: 'portkey', ext: 'jsonl', write: (f, bench) => bench(f, 'portkey', 40) },
];
