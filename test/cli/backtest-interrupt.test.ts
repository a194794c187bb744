/**
 * Ctrl-C during `routebench backtest`: it did not listen, so the process ended without a word and
 * its run stayed 'running' (later read as abandoned). Now it stops like `run`: exit 130, says so,
 * the run is kept marked `interrupted`, and no backtest.md (a comparison of part of the
 * recording) is written. Ctrl-C is pressed the moment the command subscribes (deterministic).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-bt-int-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ arrival_ms: i * 10, route: 'm', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100 + (i % 7), target: 'a' } }));
writeFileSync(path.join(dir, 'rec.jsonl'), `${rows.join('\n')}\n`);
writeFileSync(
  path.join(dir, 'bt.yaml'),
  'name: bt\ntraffic: { trace: { path: rec.jsonl } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  one: { use: single, options: { target: a } }\nbacktest: { strategy: one }\n',
);

/** An Io whose user presses Ctrl-C as soon as the command listens for it. */
function pressedAtOnce() {
  const io = memoryIo();
  let subscribed = 0;
  io.onInterrupt = (handler: () => void) => {
    subscribed++;
    queueMicrotask(handler);
    return () => undefined;
  };
  return { io, subscribed: () => subscribed };
}

describe('backtest and Ctrl-C', () => {
  it('exit 130, said, no backtest written, no run left running', async () => {
    const db = path.join(dir, 'r.duckdb');
    const { io, subscribed } = pressedAtOnce();
    const code = await runCli(['backtest', path.join(dir, 'bt.yaml'), '--db', db, '--out', path.join(dir, 'out')], io);
    expect(subscribed()).toBe(1);
    expect(code).toBe(130);
    expect(io.stderr).toMatch(/^\nCtrl-C: stopping after the current batch; no backtest will be written/);
    expect(io.stderr).toMatch(/bt: interrupted; (the run is kept in .*, marked interrupted|no run had started)\. No backtest was written/);
    expect(existsSync(path.join(dir, 'out', 'bt', 'backtest.md'))).toBe(false);
    if (existsSync(db)) {
      const store = await openStore(db, { readOnly: true });
      try {
        const statuses = (await store.all<{ status: string }>('SELECT status FROM runs')).map((r) => r.status);
        expect(statuses.every((s) => s === 'interrupted')).toBe(true);
      } finally {
        store.close();
      }
    }
  }, 60_000);

  it('without Ctrl-C the same backtest is written (exit 0, or 3 out of tolerance: the perfect mock is not the recording)', async () => {
    const io = memoryIo();
    expect([0, 3]).toContain(await runCli(['backtest', path.join(dir, 'bt.yaml'), '--db', path.join(dir, 'r2.duckdb'), '--out', path.join(dir, 'out2')], io));
    expect(existsSync(path.join(dir, 'out2', 'bt', 'backtest.md'))).toBe(true);
  }, 60_000);
});
