/**
 * Streamed calls without a TTFT (an imported log that has it for a few calls only): 100 successful
 * streamed calls with latencies of 1,000 to 1,693 ms, 3 of them with a ttft_ms of 100 ms. TTFT and
 * tokens/s are fitted on the 3 (TTFT 100 ms, ~55 tokens/s: a simulated call of ~1,009 ms against a
 * recorded median of 1,346 ms), the other 97 left out, and nothing but the fit's "(3 calls)" said
 * so. The fit report now says how many were left out, and calibrate says it on stderr when they
 * are most of them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { fitReport } from '../../src/calibrate/fit-report.js';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-streams-without-ttft-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trace = (name: string, withTtft: (i: number) => boolean) => {
  const lines = Array.from({ length: 100 }, (_, i) =>
    JSON.stringify({ arrival_ms: i * 250, route: 'gpt-4o-mini', input_tokens: 100, output_tokens: 50, stream: true, recorded: { ok: true, status: 200, latency_ms: 1000 + i * 7, ...(withTtft(i) ? { ttft_ms: 100 } : {}), target: 'a' } }),
  );
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

describe('streamed calls without a ttft_ms', () => {
  it('3 of 100 with one: the fit report and stderr say the 97 are left out', async () => {
    const file = trace('few.jsonl', (i) => i < 3);
    const c = await calibrate([file]);
    expect(c.targets[0]!.ttft!.n).toBe(3);
    expect(fitReport(c)).toContain('97 successful streamed calls have no ttft_ms: left out of the TTFT and tokens/s fits, which describe the other 3.');
    const io = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'few.yaml')], io)).toBe(0);
    expect(io.stderr).toBe('note: a: 97 of 100 successful streamed calls have no ttft_ms; TTFT and tokens/s are fitted on the other 3 (see the fit report)\n');
  });

  it('all with one: nothing said', async () => {
    const file = trace('all.jsonl', () => true);
    expect(fitReport(await calibrate([file]))).not.toContain('have no ttft_ms');
    const io = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'all.yaml')], io)).toBe(0);
    expect(io.stderr).toBe('');
  });
});
