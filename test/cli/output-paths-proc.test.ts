/**
 * Every file or folder a command writes, under a folder that takes no new entries (/proc answers
 * ENOENT to mkdir): `backtest --db`, `merge --db`, `export --parquet` and `report --pr-comment`
 * spun at 100% CPU without end in Node's recursive mkdir; `compare --out`, `load --db/--out` and
 * `ci summary --out/--github-output` were not checked before the work. Each is now exit 4 at once,
 * naming the option, the path and what to do. Run as processes, each killed after 60 s: the old
 * failure was a hang.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess } from '../helpers/cli-process.js';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-proc-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = path.join(dir, 'r.duckdb');
const P = '/proc/routebench-test';

beforeAll(async () => {
  writeFileSync(path.join(dir, 'rec.jsonl'), '{"arrival_ms":0,"route":"m","input_tokens":1,"output_tokens":1,"recorded":{"ok":true,"status":200,"latency_ms":5,"target":"a"}}\n');
  writeFileSync(
    path.join(dir, 'bt.yaml'),
    'name: bt\ntraffic: { trace: { path: rec.jsonl } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\nbacktest: { strategy: one }\n',
  );
  // exit 0, or 3 when the recording's one call misses a default threshold: either way a run is stored
  expect([0, 3]).toContain(await runCli(['run', path.join(dir, 'bt.yaml'), '--db', db, '--out', path.join(dir, 'reports'), '--quiet'], memoryIo()));
}, 60_000);

describe.skipIf(process.platform !== 'linux')('outputs under /proc', () => {
  const cases: [string, string[], string, string][] = [
    ['backtest --db', ['backtest', path.join(dir, 'bt.yaml'), '--db', `${P}/r.duckdb`, '--out', path.join(dir, 'bt-out')], '--db', `${P}/r.duckdb`],
    ['merge --db', ['merge', db, '--db', `${P}/m.duckdb`], '--db', `${P}/m.duckdb`],
    ['export --parquet', ['export', '--db', db, '--parquet', P], '--parquet', P],
    ['report --pr-comment', ['report', '--db', db, '--out', path.join(dir, 'rep'), '--pr-comment', `${P}/c.md`], '--pr-comment', `${P}/c.md`],
    ['compare --out', ['compare', '--db', db, '--all', '--out', P], '--out', P],
    ['load --db', ['load', 'scenarios/gateways/gateway-overhead.yaml', '--db', `${P}/r.duckdb`, '--mock-port', '0'], '--db', `${P}/r.duckdb`],
    ['load --out', ['load', 'scenarios/gateways/gateway-overhead.yaml', '--out', P, '--mock-port', '0'], '--out', P],
    ['ci summary --out', ['ci', 'summary', '--reports', path.join(dir, 'reports'), '--out', `${P}/s.md`], '--out', `${P}/s.md`],
    ['ci summary --github-output', ['ci', 'summary', '--reports', path.join(dir, 'reports'), '--github-output', `${P}/o`], '--github-output', `${P}/o`],
  ];
  it.each(cases)('%s: exit 4 at once, naming the option, the path and the fix', async (_name, args, flag, value) => {
    const r = await cliProcess(args);
    expect(r.hung).toBe(false);
    expect(r.err).toContain(`error: ${flag} ${value}: nothing can be created in /proc\nhint: choose another path with ${flag}\n`);
    expect(r.code).toBe(4);
  }, 90_000);
});
