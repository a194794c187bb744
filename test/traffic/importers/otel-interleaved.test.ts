/**
 * Two OTel GenAI imports read interleaved in one process (two trace readers advanced alternately,
 * batch by batch) give each the rows it gives alone. The importer shares one tags object between
 * consecutive spans of one service and user; that sharing must stay inside one import: a tags object
 * of one import is never a row's tags in the other, so a consumer that labels its rows (here: a
 * tag naming the import) labels only its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRAFFIC_BATCH, type TrafficRequest } from '../../../src/traffic/traffic-request.js';
import { makeTempDir } from '../helpers.js';
import { readAlone, readInterleaved } from './interleaved-reads.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const S = 1772359200; // 2026-03-01T10:00:00Z in seconds
const LINES = 1200;
const SPANS_PER_LINE = 8;
const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });

/**
 * An OTLP JSONL file of one service: every line's spans are of `users` in turn (a minute apart, so
 * rows leave the 10-minute reorder window as the file is read and batches come out while it is).
 * A's lines end with user `common` and B's begin with it: where a read of A stops and one of B goes
 * on, the span just read and the next have the same service and user.
 */
function write(name: string, model: string, users: (k: number) => string): string {
  let text = '';
  for (let line = 0; line < LINES; line++) {
    const spans = [];
    for (let k = 0; k < SPANS_PER_LINE; k++) {
      const i = line * SPANS_PER_LINE + k;
      const start = S + i * 60;
      spans.push({
        traceId: `${name}${i}`,
        spanId: `${name}-${i}`,
        startTimeUnixNano: `${start}000000000`,
        endTimeUnixNano: `${start}500000000`,
        attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', model), attr('user.id', users(k))],
      });
    }
    text += `${JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', 'shop')] }, scopeSpans: [{ spans }] }] })}\n`;
  }
  return tmp.write(`${name}.jsonl`, text);
}

const alone = (file: string, name: string) => readAlone(file, 'otel-genai', name);

describe('otel-genai imports read interleaved', () => {
  it('give each import the rows it gives alone, and share no tags object between them', async () => {
    const a = write('a', 'model-a', (k) => (k === SPANS_PER_LINE - 1 ? 'common' : 'u-a'));
    const b = write('b', 'model-b', (k) => (k === 0 ? 'common' : 'u-b'));
    const aloneA = await alone(a, 'A');
    const aloneB = await alone(b, 'B');
    // The readers really alternate: several batches each.
    expect(aloneA.length).toBeGreaterThanOrEqual(3);
    expect(aloneB.length).toBeGreaterThanOrEqual(3);
    expect(aloneA.flat().length).toBe(LINES * SPANS_PER_LINE);

    const [bothA, bothB] = (await readInterleaved([{ file: a, name: 'A' }, { file: b, name: 'B' }], 'otel-genai')) as [TrafficRequest[][], TrafficRequest[][]];
    expect(bothA.flat()).toEqual(aloneA.flat());
    expect(bothB.flat()).toEqual(aloneB.flat());
    expect(bothA.flat().every((r) => r.tags.import === 'A')).toBe(true);
    expect(bothB.flat().every((r) => r.tags.import === 'B')).toBe(true);
    const tagsOfA = new Set(bothA.flat().map((r) => r.tags));
    expect(bothB.flat().filter((r) => tagsOfA.has(r.tags))).toHaveLength(0);
    // Hand-checked values: A's users and model, B's.
    expect(bothA.flat().slice(0, SPANS_PER_LINE).map((r) => [r.route, r.tags.service, r.tags.user])).toEqual([...Array(SPANS_PER_LINE - 1).fill(['model-a', 'shop', 'u-a']), ['model-a', 'shop', 'common']]);
    expect(bothB.flat().slice(0, 2).map((r) => [r.route, r.tags.user])).toEqual([['model-b', 'common'], ['model-b', 'u-b']]);
    expect(TRAFFIC_BATCH).toBeLessThan(LINES * SPANS_PER_LINE);
  });
});
