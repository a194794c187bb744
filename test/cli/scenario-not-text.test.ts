/**
 * A scenario that is not UTF-8 text: a binary file was decoded with replacement characters and
 * reported as `expected an object, got "\u0004-�…" (4,756 characters)`; a Latin-1 file loaded
 * with a mangled name. Each is now one problem at the line of the first bad byte (exit 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-not-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const GOOD = 'name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n';

async function validate(name: string, bytes: Buffer) {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const io = memoryIo();
  return { file, code: await runCli(['validate', file], io), err: io.stderr };
}

describe('a scenario file that is not UTF-8 text', () => {
  it('binary (a NUL byte): one problem, at its line, no bytes echoed', async () => {
    const r = await validate('bin.yaml', Buffer.concat([Buffer.from('name: s\n'), Buffer.from([0x04, 0x00, 0xff, 0x17])]));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${r.file}:2:1  a binary file (or UTF-16), not a scenario: give a YAML or JSON text file\n1 problem found.\n`);
  });

  it('UTF-16 (with its byte order mark) is binary to a UTF-8 reader', async () => {
    const r = await validate('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le')]));
    expect(r.code).toBe(2);
    expect(r.err).toContain('a binary file (or UTF-16), not a scenario');
  });

  it('Latin-1 (é as one byte on line 3): not valid UTF-8, at line 3', async () => {
    const r = await validate('latin1.yaml', Buffer.concat([Buffer.from('name: s\ndescription: caf'), Buffer.from([0xe9]), Buffer.from(`\n${GOOD.slice('name: s\n'.length)}`)]).subarray(0));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${r.file}:2:1  not valid UTF-8 (a Latin-1 or UTF-16 export?); save it as UTF-8, e.g. \`iconv -f latin1 -t utf-8\`\n1 problem found.\n`);
  });

  it('the same text in UTF-8 (é as two bytes) is valid', async () => {
    const r = await validate('utf8.yaml', Buffer.from(`name: s\ndescription: café\n${GOOD.slice('name: s\n'.length)}`));
    expect([r.code, r.err]).toEqual([0, '']);
  });
});
