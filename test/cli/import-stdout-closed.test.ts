/**
 * `routebench import … -o - | head -1`: the reader takes one line and goes away. The import went
 * on converting the whole input into a closed pipe (it then said "wrote 200,000 requests to
 * stdout"). It now stops at the first batch after the close: exit 0 (the rows the reader took are
 * its own, as for any command whose stdout is closed early), and a note on stderr with the
 * requests handed to stdout, far fewer than the input holds. No wall-clock bound: the count says it.
 * Any other write error on stdout (a full disk: `-o - > /dev/full`) lost rows: it said "wrote
 * 200,000 requests to stdout" with exit 0; it is now exit 4, said on stderr.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const entry = new URL('../helpers/cli-entry.ts', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-import-closed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROWS = 200_000;
const input = path.join(dir, 'big.jsonl');
writeFileSync(input, `${Array.from({ length: ROWS }, (_, i) => JSON.stringify({ arrival_ms: i, input_tokens: 10, output_tokens: 5 })).join('\n')}\n`);

/** The import to stdout, read until its first line, then the read end closed (as `head -1` does). */
function headOne(): Promise<{ code: number | null; first: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, entry, 'import', input, '--format', 'routebench', '-o', '-'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, first: out.slice(0, out.indexOf('\n')), err }));
  });
}

describe('import -o - and a reader that goes away', () => {
  it('stops converting: exit 0, the count of requests handed to stdout far below the input\'s', async () => {
    const r = await headOne();
    expect(r.first).toBe('{"arrival_ms":0,"route":"default","input_tokens":10,"output_tokens":5,"stream":false}');
    const m = /^stopped: stdout was closed by its reader after ([\d,]+) requests?; the rest of (.+) was not converted\n$/.exec(r.err);
    expect(m, r.err).not.toBeNull();
    expect(m![2]).toBe(input);
    const handed = Number(m![1]!.replaceAll(',', ''));
    // rows go out a batch at a time: the first line is in the first one; a pipe holds 64 KiB (~1,000 rows)
    expect(handed).toBeGreaterThanOrEqual(1);
    expect(handed).toBeLessThan(ROWS / 4);
    expect(r.code).toBe(0);
  }, 60_000);
});

/** The import with stdout on /dev/full (every write fails with ENOSPC). */
async function intoFullDisk(...more: string[]): Promise<{ code: number | null; err: string }> {
  const full = openSync('/dev/full', 'w');
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', tsx, entry, 'import', input, '--format', 'routebench', '-o', '-', ...more], { stdio: ['ignore', full, 'pipe'], env: { ...process.env, CI: '1', NO_COLOR: '1' } });
      let err = '';
      child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, err }));
    });
  } finally {
    closeSync(full);
  }
}

describe.skipIf(!existsSync('/dev/full'))('import -o - into a full disk', () => {
  const failed = /^error: stdout could not be written \(ENOSPC\) after ([\d,]+) requests?; the import stopped\nhint: check where stdout goes: a full disk, a quota, a closed file\n$/;

  it('exit 4 and the write error, not "wrote 200,000 requests"', async () => {
    const r = await intoFullDisk();
    const m = failed.exec(r.err);
    expect(m, r.err).not.toBeNull();
    expect(Number(m![1]!.replaceAll(',', ''))).toBeLessThan(ROWS / 4);
    expect(r.code).toBe(4);
  }, 60_000);

  it('the failed write the last batch (--limit 10): exit 4, not "wrote 10 requests"', async () => {
    const r = await intoFullDisk('--limit', '10');
    expect(r.err).toBe('error: stdout could not be written (ENOSPC) after 10 requests; the import stopped\nhint: check where stdout goes: a full disk, a quota, a closed file\n');
    expect(r.code).toBe(4);
  }, 60_000);
});
