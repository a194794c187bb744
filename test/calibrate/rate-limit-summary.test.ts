/**
 * 429s that follow load are written to the calibration as `rate_limit: {rpm}`, not as a fixed
 * `rate_limited` share. calibrate's summary line still read `rate_limited 32.93%`, as if the mock
 * would fail a third of all calls at random; it now says the mock gets the limit. 429s that do not
 * follow load keep the plain share. Likewise a kind the mock does not know (an imported log's own
 * name) was listed as it is, though the file holds it as server_error, and a gateway's own
 * `gateway_blocked`, which the file leaves out: the line says so now, as the fit report does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-rl-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);

/** Calls per minute; in each minute the calls past the 60th get a 429 (a 60 rpm limit), or every 3rd call does (flat). */
function trace(file: string, limited: boolean): { calls: number; failed: number } {
  const loads = [30, 40, 120, 30, 100, 35, 150, 40, 90, 30, 110, 45];
  const lines: string[] = [];
  let failed = 0;
  loads.forEach((n, m) => {
    for (let j = 0; j < n; j++) {
      const fail = limited ? j >= 60 : j % 3 === 0;
      if (fail) failed++;
      const recorded = fail ? { ok: false, status: 429, error_kind: 'rate_limited', latency_ms: 10, target: 'a' } : { ok: true, status: 200, latency_ms: 300, target: 'a' };
      lines.push(JSON.stringify({ arrival_ms: m * 60_000 + (j * 60_000) / n, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, recorded }));
    }
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { calls: lines.length, failed };
}

async function calibrate(name: string, limited: boolean) {
  const { calls, failed } = trace(at(`${name}.jsonl`), limited);
  const io = memoryIo();
  const code = await runCli(['calibrate', at(`${name}.jsonl`), '-o', at(`${name}.yaml`)], io);
  expect(code).toBe(0);
  return { out: io.stdout, yaml: readFileSync(at(`${name}.yaml`), 'utf8'), share: ((failed / calls) * 100).toFixed(2) };
}

describe('calibrate summary of 429s', () => {
  it('that follow load: the share seen, and the limit the mock gets', async () => {
    const { out, yaml, share } = await calibrate('limited', true);
    expect(share).toBe('32.93'); // 270 of 820 calls: 60, 40, 90 and 30, 50 over the limit in its five busy minutes
    expect(yaml).toMatch(/rate_limit:\n\s+rpm: 60\n/);
    expect(out).toContain(`  a: 820 calls; TTFT lognormal (KS 0.000); rate_limited ${share}% (following load: mocked as a limit of 60 requests per minute)\n`);
  });

  it('that do not: the plain share, as written to the file', async () => {
    const { out, yaml, share } = await calibrate('flat', false);
    expect(yaml).not.toMatch(/rate_limit:/);
    expect(out).toContain(`; rate_limited ${share}%\n`);
  });
});

describe('calibrate summary of error kinds the mock does not have', () => {
  it('says what the mock gets instead', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => {
      const recorded =
        i % 20 === 0 ? { ok: false, status: 403, error_kind: 'quota_exceeded', latency_ms: 20, target: 'a' }
        : i % 50 === 1 ? { ok: false, status: 400, error_kind: 'gateway_blocked', latency_ms: 20, target: 'a' }
        : { ok: true, status: 200, latency_ms: 300, target: 'a' };
      return JSON.stringify({ arrival_ms: i * 100, route: 'gpt-4o-mini', input_tokens: 10, output_tokens: 5, recorded });
    });
    writeFileSync(at('kinds.jsonl'), `${lines.join('\n')}\n`);
    const io = memoryIo();
    expect(await runCli(['calibrate', at('kinds.jsonl'), '-o', at('kinds.yaml')], io)).toBe(0);
    // 10 of 200 (i = 0, 20, …, 180) and 4 of 200 (i = 1, 51, 101, 151)
    expect(io.stdout).toContain("; quota_exceeded 5.00% (mocked as server_error), gateway_blocked 2.00% (the gateway's own: left out)\n");
    expect(readFileSync(at('kinds.yaml'), 'utf8')).toMatch(/errors:\n\s+server_error: 0\.05\n/);
  });
});
