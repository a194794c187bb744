/**
 * A folder `record --out` wrote twice (a second recorder run with the same --out) holds two
 * recordings, each counting arrival_ms from its own start: the clock goes back at the boundary
 * between their files. calibrate read the folder as one timeline and laid the two over each other:
 * an outage of one recording, diluted by the other's healthy calls, came out as a 50% error-rate
 * incident. It is refused (exit 2) naming both files; the files of one recording, cut by rotation
 * (the next file starting at or after the last arrival of the one before), still read as one, and
 * an outage across the cut is found whole. Hand-built files; windows counted by hand.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-two-recordings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (t: number, down: boolean) =>
  JSON.stringify({ arrival_ms: t, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: down ? 0 : 50, stream: true, recorded: down ? { ok: false, status: 503, error_kind: 'unavailable', latency_ms: 20, target: 'x' } : { ok: true, status: 200, ttft_ms: 400, latency_ms: 900, target: 'x' } });
/** Calls every 100 ms from `from` to `to` (exclusive), down in [downFrom, downTo). */
const calls = (from: number, to: number, downFrom = Infinity, downTo = Infinity) => {
  const out: string[] = [];
  for (let t = from; t < to; t += 100) out.push(row(t, t >= downFrom && t < downTo));
  return `${out.join('\n')}\n`;
};

describe('files of more than one recording', () => {
  it('a folder with two recordings is refused (exit 2), naming the file whose clock went back', async () => {
    const folder = join(dir, 'two');
    mkdirSync(folder);
    writeFileSync(join(folder, 'record-20261206T090000Z-001.jsonl'), calls(0, 120_000, 30_000, 60_000));
    writeFileSync(join(folder, 'record-20261207T090000Z-001.jsonl'), calls(0, 120_000));
    const io = memoryIo();
    const out = join(dir, 'two.yaml');
    expect(await runCli(['calibrate', folder, '-o', out], io)).toBe(2);
    expect(io.stderr).toContain(`${join(folder, 'record-20261207T090000Z-001.jsonl')}  arrival_ms  starts at 0 ms, before ${join(folder, 'record-20261206T090000Z-001.jsonl')} ends (119,900 ms): not one recording cut in pieces`);
    expect(io.stderr).toContain('calibrate one recording at a time');
    expect(() => readFileSync(out)).toThrow();
  });

  it('one recording cut in three files reads as one: the outage across a cut is found whole', async () => {
    const folder = join(dir, 'one');
    mkdirSync(folder);
    // down from 50 s to 80 s; the files are cut at 60 s and 90 s, the third starting at the second's last arrival
    writeFileSync(join(folder, 'record-20261206T090000Z-001.jsonl'), calls(0, 60_000, 50_000, 80_000));
    writeFileSync(join(folder, 'record-20261206T090000Z-002.jsonl'), calls(60_000, 90_000, 50_000, 80_000));
    writeFileSync(join(folder, 'record-20261206T090000Z-003.jsonl'), calls(89_900, 120_000));
    const cal = await calibrate([folder]);
    expect(cal.calls).toBe(1200 + 1);
    expect(cal.incidents.map((i) => [i.kind, i.startMs, i.startMs + i.durationMs, i.failed])).toEqual([['outage', 49_950, 79_950, 300]]);
  });
});
