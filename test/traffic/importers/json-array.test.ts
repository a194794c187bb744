import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arrayRecords } from '../../../src/traffic/importers/json-array.js';
import { makeTempDir } from '../helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

async function elements(file: string): Promise<{ values: unknown[]; lines: number[]; bad: string[] }> {
  const values: unknown[] = [];
  const lines: number[] = [];
  const bad: string[] = [];
  const sink = {
    record(value: unknown, lineNo: number) {
      values.push(value);
      lines.push(lineNo);
    },
    bad(lineNo: number, error: string) {
      bad.push(`${lineNo}: ${error}`);
    },
  };
  for await (const _ of arrayRecords(file, sink)) void _;
  return { values, lines, bad };
}

describe('JSON array scanner', () => {
  it('splits 3 MiB of elements full of escaped quotes and backslash runs exactly as JSON.parse reads the whole array, wherever the 1 MiB chunk ends fall', async () => {
    let seed = 3;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const pieces = ['a', '\\', '"', '\\\\"', '"\\', '\n', 'é', ',', ']', '}', '{', '['];
    const items = Array.from({ length: 30_000 }, (_, i) => ({ i, s: Array.from({ length: 5 + rnd(60) }, () => pieces[rnd(pieces.length)]).join(''), n: [i, { d: '\\'.repeat(rnd(5)) }] }));
    const body = `[\n${items.map((x) => JSON.stringify(x)).join(',\n')}\n]\n`;
    expect(body.length).toBeGreaterThan(3 * 1024 * 1024);
    // the same array behind 0–5 spaces: the chunk ends move through the text
    for (let pad = 0; pad < 6; pad++) {
      const text = ' '.repeat(pad) + body;
      const file = tmp.write(`a${pad}.json`, text);
      const { values, lines, bad } = await elements(file);
      expect(bad).toEqual([]);
      expect(values).toEqual(JSON.parse(text));
      // '[' on line 1, then one element per line
      expect(lines).toEqual(values.map((_, k) => k + 2));
    }
  });

  it('carries an escape across a chunk end: the 1 MiB boundary put on each character of a run of 7 backslashes before a quote', async () => {
    const tail = JSON.stringify({ s: '\\\\\\"x', t: 'y' }); // {"s":"\\\\\\\"x","t":"y"}: 7 backslashes, then the quote they escape
    const run = tail.indexOf('\\');
    for (let d = -1; d <= 8; d++) {
      const head = '[{"p":"';
      const text = `${head}${'a'.repeat(1024 * 1024 - head.length - '"},'.length - run - d)}"},${tail}]`;
      expect(text.indexOf('\\')).toBe(1024 * 1024 - d);
      const file = tmp.write(`b${d}.json`, text);
      const { values, bad } = await elements(file);
      expect(bad).toEqual([]);
      expect(values).toEqual(JSON.parse(text));
    }
  });
});
