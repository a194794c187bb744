/**
 * `routebench import spans.jsonl --format otel-genai -o traces/otel.jsonl`, as docs/importers.md
 * writes it, failed in a project without a traces/ folder yet ("cannot be written: no such
 * directory", exit 2), while calibrate and record make the folders of their outputs. Now the
 * folder is made; a folder that takes no new entries is still exit 4.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-import-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
writeFileSync(at('t.jsonl'), '{"arrival_ms":0,"route":"m","input_tokens":1,"output_tokens":1}\n');

describe('import -o into a folder that does not exist yet', () => {
  it('makes the folder and writes the trace', async () => {
    const out = at('traces/deeper/t.jsonl');
    const r = await cli(['import', at('t.jsonl'), '--format', 'routebench', '-o', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).route).toBe('m');
  });

  it('under a folder that takes no new entries: exit 4', async () => {
    const r = await cli(['import', at('t.jsonl'), '--format', 'routebench', '-o', '/proc/routebench-x/t.jsonl']);
    expect(r.code).toBe(4);
  });
});
