import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eachLine } from '../../../src/traffic/importers/lines.js';
import { readLines } from '../../../src/traffic/read-lines.js';
import { harnessError, makeTempDir } from '../helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

async function fast(file: string, max?: number): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for await (const _ of eachLine(file, (text, lineNo) => out.push([text, lineNo]), max)) void _;
  return out;
}

/** The trace reader's line reader: a second implementation of the same rules. */
async function reference(file: string): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for await (const batch of readLines(file)) for (const l of batch) out.push([l.text, l.lineNo]);
  return out;
}

describe('the importers\' line reader', () => {
  it('gives the trace reader\'s lines on 3 MiB of lines of every length, across chunk ends (CRLF, blank lines, non-ASCII, no final newline)', async () => {
    let seed = 99;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 3 * 1024 * 1024; i++) {
      const kind = rnd(10);
      const body = kind === 0 ? '' : kind === 1 ? `{"x":"é€😀 ${i}"}` : `{"i":${i},"pad":"${'y'.repeat(rnd(kind === 2 ? 300_000 : 2000))}"}`;
      const line = body + (rnd(4) === 0 ? '\r\n' : '\n');
      parts.push(line);
      size += line.length;
    }
    parts.push('{"last":true}');
    const file = tmp.write('lines.jsonl', `\ufeff${parts.join('')}`);
    const got = await fast(file);
    expect(got).toEqual(await reference(file));
    expect(got.length).toBeGreaterThan(100);
    expect(got.at(-1)).toEqual(['{"last":true}', parts.length]);
  });

  it('reports a NUL byte, invalid UTF-8 and a line over the cap at their line, past the first chunk', async () => {
    const head = `${'{"a":1}\n'.repeat(200_000)}`; // 1.6 MB: the bad line is in the second chunk
    const nul = tmp.write('nul.jsonl', `${head}{"a":"x\u0000"}\n`);
    const e1 = await harnessError(fast(nul));
    expect(e1.message).toBe(`${nul}:200001: the trace contains NUL bytes`);
    expect(e1.problems[0]).toMatchObject({ line: 200_001, col: 8 });
    const bad = tmp.write('latin1.jsonl', Buffer.concat([Buffer.from(`${head}{"a":1}\n`), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d, 0x0a]), Buffer.from('{"a":2}\n')]));
    expect((await harnessError(fast(bad))).message).toBe(`${bad}:200002: the trace is not valid UTF-8`);
    const long = tmp.write('long.jsonl', `{"a":1}\n{"a":1}\n${'z'.repeat(3000)}\n`);
    expect((await harnessError(fast(long, 2048))).message).toBe(`${long}:3: line longer than 2048 bytes`);
    const unended = tmp.write('unended.jsonl', `{"a":1}\n${'z'.repeat(3000)}`);
    expect((await harnessError(fast(unended, 2048))).message).toBe(`${unended}:2: line longer than 2048 bytes`);
  });
});
