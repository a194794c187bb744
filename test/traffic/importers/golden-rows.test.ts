/**
 * The four importers (OTel GenAI, LiteLLM, OpenRouter, Portkey) give, byte for byte, the rows (and
 * the messages of malformed rows, with their lines) that the importers gave before they were made
 * faster: golden files written by that earlier code (golden/*.jsonl) from deterministic inputs
 * (golden-inputs.ts, golden-otel.ts) and from the importer bench's own generated rows. Each line is one row as the importer passes it
 * to the trace reader, JSON-serialised (keys in the importer's order, own keys set to undefined
 * written as "(undefined)": the same keys, not only the same values).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFile as writeBenchFile } from '../../../bench/importer-cases.js';
import { traceFormats } from '../../../src/traffic/trace-formats.js';
import { makeTempDir } from '../helpers.js';
import { goldenCases, keepUndefined } from './golden-cases.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const golden = (name: string) => readFileSync(fileURLToPath(new URL(`./golden/${name}.jsonl`, import.meta.url)), 'utf8');

describe('importer rows against the golden rows of the earlier code', () => {
  for (const c of goldenCases) {
    it(c.name, async () => {
      const file = tmp.path(`${c.name}.${c.ext}`);
      c.write(file, writeBenchFile);
      const rows: string[] = [];
      for await (const batch of traceFormats[c.format]!.readRows!(file)) for (const r of batch) rows.push(JSON.stringify(r, keepUndefined));
      expect(rows.length).toBeGreaterThanOrEqual(40);
      expect(`${rows.join('\n')}\n`).toBe(golden(c.name));
    });
  }
});
