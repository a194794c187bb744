/**
 * A malformed record inside a JSON document read whole (a pretty-printed OTLP body, a LiteLLM
 * `{"data": [...]}` page) is reported at the line its record starts on; every one was reported
 * at line 1, the document's first line. The locator is checked against a second way to find a
 * value: the same document with that value swapped for a marker, stringified alike (the text
 * before the marker is the same, so its offset is the value's).
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/traffic/import-trace.js';
import { locateJson, pathSegments } from '../../../src/traffic/importers/json-locate.js';
import { harnessError, makeTempDir } from '../helpers.js';
import { logFixture } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

describe('locateJson', () => {
  it('finds the offset of 2,000 random paths in random documents, compact and indented, as the marker does', () => {
    let seed = 11;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const scalars: Json[] = [0, -1.5e-7, 12345, true, false, null, '', 'a"b\\c', 'x,]}{[:', '\u00e9\u{1F642}\n\t'];
    const make = (depth: number): Json => {
      if (depth === 0 || rnd(3) === 0) return scalars[rnd(scalars.length)]!;
      if (rnd(2) === 0) return Array.from({ length: 1 + rnd(4) }, () => make(depth - 1));
      return Object.fromEntries(Array.from({ length: 1 + rnd(4) }, (_, i) => [['k', 'data', 'a"b', 'sp ace', 'x.y'][rnd(5)]! + i, make(depth - 1)]));
    };
    let checked = 0;
    while (checked < 2000) {
      const doc = make(5);
      // a random path down the document
      const path: (string | number)[] = [];
      let v: Json = doc;
      while (v !== null && typeof v === 'object' && rnd(4) !== 0) {
        const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
        const k = keys[rnd(keys.length)]!;
        path.push(k);
        v = (v as Record<string | number, Json>)[k]!;
      }
      if (path.length === 0) continue;
      const marked = structuredClone(doc);
      let o = marked as Record<string | number, Json>;
      for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, Json>;
      o[path.at(-1)!] = '\u0001MARK';
      for (const indent of [undefined, 2]) {
        const want = JSON.stringify(marked, null, indent).indexOf('"\u0001MARK"'.replace('\u0001', '\\u0001'));
        expect(locateJson(JSON.stringify(doc, null, indent), path)).toBe(want);
      }
      checked++;
    }
  });

  it('is undefined for a path that is not there', () => {
    const text = JSON.stringify({ data: [{ a: 1 }] }, null, 2);
    for (const p of ['data[1]', 'nope', 'data[0].b', '[0]', 'data.a']) expect(locateJson(text, pathSegments(p))).toBeUndefined();
  });
});

describe('a malformed record in a document read whole', () => {
  it('an OTLP body, pretty-printed: the line of the bad span', async () => {
    const doc = JSON.parse(readFileSync(logFixture('otel-genai/export.json'), 'utf8')) as { resourceSpans: { scopeSpans: { spans: { spanId: string; startTimeUnixNano: string }[] }[] }[] };
    const spans = doc.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans[spans.length - 1]!.startTimeUnixNano = '10:00';
    const text = JSON.stringify(doc, null, 2);
    const file = tmp.write('export.json', text);
    // the span's object opens on the line before its "traceId" (its first field)
    const spanLine = text.slice(0, text.indexOf(`"spanId": "${spans[spans.length - 1]!.spanId}"`)).split('\n').length - 2;
    const e = await harnessError(importTrace({ file, format: 'otel-genai' }, tmp.path('out.jsonl')));
    expect(e.problems).toMatchObject([{ file, line: spanLine, message: expect.stringContaining(`spans[${spans.length - 1}]: startTimeUnixNano must be unix nanoseconds`) as unknown }]);
    expect(spanLine).toBeGreaterThan(100);
  });

  it('a LiteLLM {"data": [...]} page: the line of each bad row, skipped rows counted', async () => {
    const rows = JSON.parse(readFileSync(logFixture('litellm/spend-logs.json'), 'utf8')) as { request_id: string; startTime: string }[];
    rows[1]!.startTime = 'yesterday';
    rows[3]!.startTime = 'today';
    const text = JSON.stringify({ data: rows }, null, 2);
    const file = tmp.write('page.json', text);
    const lineOf = (i: number) => text.slice(0, text.indexOf(`"request_id": "${rows[i]!.request_id}"`)).split('\n').length - 1; // the line of its "{"
    const stats = await importTrace({ file, format: 'litellm', onBadRow: 'skip' }, tmp.path('out.jsonl'));
    expect(stats.skippedRows).toBe(2);
    expect(stats.skippedSamples.map((s) => s.slice(0, s.indexOf(': data['))).map((s) => Number(s.slice(s.lastIndexOf(':') + 1)))).toEqual([lineOf(1), lineOf(3)]);
  });
});
