/**
 * `routebench compare` on a results file written before columns the queries now need existed:
 * like `report`, it reads through an up-to-date copy in memory (saying so on stderr), prints the
 * same comparison as for the current file, and leaves the file byte for byte as it was. (Before,
 * the read-only open failed with "Referenced column strategy_index not found".)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { openStore } from '../../src/store/open-store.js';
import { olderResultsFile } from '../helpers/older-results-file.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-compare-older-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('compare on an older results file', () => {
  it('compares from a migrated copy, the same as on the current file, and leaves the file unchanged', async () => {
    const file = path.join(dir, 'new.duckdb');
    const store = await openStore(file);
    const ran = await runYaml(twoTargetYaml({ count: 400, a: '{ profile: flaky }', strategies: '  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }' }), { store, runGroup: 't-1' });
    store.close();
    const id = (s: string) => ran.result.runs.find((r) => r.strategy === s)!.runId;
    // What an earlier routebench wrote: the same tables without the columns added since.
    const older = await olderResultsFile(file, path.join(dir, 'older.duckdb'));
    const before = sha(older);

    const compare = async (f: string, extra: string[] = []) => {
      const io = memoryIo();
      const code = await runCli(['compare', id('single'), id('fallback'), '--db', f, '--resamples', '300', ...extra], io);
      return { code, ...io };
    };
    const current = await compare(file);
    expect(current.code, current.stderr).toBe(0);
    expect(current.stderr).toBe('');
    const fromOlder = await compare(older);
    expect(fromOlder.code, fromOlder.stderr).toBe(0);
    expect(fromOlder.stderr).toMatch(/older\.duckdb predates 2 columns of this routebench \(attempts\.max_gap_ms, runs\.strategy_index\).*the file is unchanged/);
    // The same comparison; only the file named as each run's source differs.
    expect(fromOlder.stdout).toBe(current.stdout.replaceAll(file, older));
    expect(fromOlder.stdout).toMatch(/^# single → fallback\n/);
    // --json keeps stdout JSON only.
    const json = await compare(older, ['--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toHaveLength(1);
    expect(sha(older)).toBe(before);
  }, 120_000);
});
