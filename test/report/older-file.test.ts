/**
 * `routebench report` on a results file written before columns the queries now need existed: it
 * renders from an up-to-date copy in memory and leaves the file byte for byte as it was. (Before,
 * a read-only open failed with "Referenced column strategy_index not found".)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { openForReading } from '../../src/store/read-older.js';
import { openStore } from '../../src/store/open-store.js';
import { olderResultsFile } from '../helpers/older-results-file.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-older-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('an older results file', () => {
  it('is reported from a migrated copy and left unchanged', async () => {
    const file = path.join(dir, 'new.duckdb');
    const store = await openStore(file);
    await runYaml(twoTargetYaml({ count: 400, strategies: '  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }' }), { store, runGroup: 't-1' });
    const [want] = await store.all<{ n: number; ok: number }>(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE success)::INTEGER AS ok FROM requests`);
    store.close();
    // What an earlier routebench wrote: the same tables without the columns added since.
    const older = await olderResultsFile(file, path.join(dir, 'older.duckdb'));
    const before = sha(older);

    const read = await openForReading(older);
    expect(read.migrated).toEqual(expect.arrayContaining(['attempts.max_gap_ms', 'runs.strategy_index']));
    expect(await read.all(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE success)::INTEGER AS ok FROM requests`)).toEqual([want]);
    read.close();

    const io = memoryIo();
    const code = await runCli(['report', '--db', older, '--out', path.join(dir, 'reports'), '--no-images', '--resamples', '200'], io);
    expect(code, io.stderr).toBe(0);
    expect(io.stdout).toMatch(/predates \d+ columns? of this routebench .*the file is unchanged/);
    expect(readFileSync(path.join(dir, 'reports', 't', 't-1', 'index.html'), 'utf8')).toContain('<h1>t</h1>');
    expect(sha(older)).toBe(before);
  }, 120_000);

  it('a current file is opened as it is', async () => {
    const read = await openForReading(path.join(dir, 'new.duckdb'));
    expect(read.migrated).toBeUndefined();
    read.close();
  });
});
