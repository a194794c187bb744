/**
 * A replay refused before its first run (a live replay without --max-cost-usd, targets without
 * `live:` blocks, a --mock-url nothing listens on) left a fresh, empty 1.8 MB results file behind,
 * and the folders made for it. Now a results file the command created and wrote no run into is
 * removed with those folders; a file that existed before is left byte for byte as it was.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-refused-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = path.join(dir, 's.yaml');
writeFileSync(scenario, `name: s\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 50 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\n`);

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function replay(db: string, ...extra: string[]) {
  const io = memoryIo({});
  const code = await runCli(['replay', scenario, '--db', db, '--out', path.join(dir, 'reports'), ...extra], io);
  return { code, err: io.stderr };
}

describe('a replay refused before its first run leaves no results file', () => {
  it.each([
    { name: 'live without --max-cost-usd', extra: ['--transport', 'live'], exit: 2, message: /give --max-cost-usd/ },
    { name: 'live without live: blocks', extra: ['--transport', 'live', '--max-cost-usd', '1'], exit: 2, message: /needs targets\.<id>\.live \{base_url, api_key_env\} for every target; scenario s has none for a$/m },
  ])('$name: exit $exit, no file, no folders made for it', async ({ extra, exit, message }) => {
    const top = path.join(dir, `new-${exit}-${extra.length}`);
    const db = path.join(top, 'deeper', 'r.duckdb');
    const r = await replay(db, ...extra);
    expect(r.code).toBe(exit);
    expect(r.err).toMatch(message);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(top)).toBe(false);
  });

  it('an unreachable --mock-url: exit 4, no file', async () => {
    const db = path.join(dir, 'mock-url.duckdb');
    const r = await replay(db, '--transport', 'mock-server', '--mock-url', `http://127.0.0.1:${await closedPort()}`);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/cannot reach the mock server/);
    expect([existsSync(db), existsSync(`${db}.wal`)]).toEqual([false, false]);
  });

  it('a results file that existed is kept as it was; a replay that runs still writes a new one', async () => {
    const db = path.join(dir, 'kept.duckdb');
    expect(await runCli(['run', scenario, '--db', db, '--out', path.join(dir, 'reports'), '--workers', '1'], memoryIo())).toBe(0);
    const before = readFileSync(db);
    expect((await replay(db, '--transport', 'live')).code).toBe(2);
    expect(readFileSync(db).equals(before)).toBe(true);
    const fresh = path.join(dir, 'ran', 'r.duckdb');
    expect((await replay(fresh, '--time-scale', '100')).code).toBe(0);
    expect(existsSync(fresh)).toBe(true);
  });
});
