/**
 * calibrate on traces a recorder would never write but a hand-edited or foreign log may hold:
 * non-finite and negative times, and target names that are not valid scenario ids (hosts with
 * dots, slashes, non-ASCII) and that collide once made into ids. Small hand-built traces; the
 * expected values are counted by hand.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { calibrationYaml } from '../../src/calibrate/calibration-yaml.js';
import { loadObserved } from '../../src/calibrate/observed-table.js';
import { openStore } from '../../src/store/open-store.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-cal-hostile-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (arrival: unknown, target: string, recorded: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ arrival_ms: arrival, route: 'm', input_tokens: 10, output_tokens: 20, ...extra, recorded: { target, status: recorded.ok ? 200 : 500, ...recorded } });

function trace(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('non-finite and negative times', () => {
  it('NaN, Infinity and negative latencies are missing values, not a crash; rows with a NaN arrival are left out', async () => {
    const lines = [
      row('NaN', 'x', { ok: true, latency_ms: 100 }),
      row(0, 'x', { ok: true, latency_ms: 'NaN', ttft_ms: 'NaN' }, { stream: true }),
      row(10, 'x', { ok: true, latency_ms: 'Infinity', ttft_ms: -3 }, { stream: true }),
      row(20, 'x', { ok: true, latency_ms: -100, ttft_ms: 'NaN' }, { stream: true }),
      row(30, 'x', { ok: false, latency_ms: 'NaN', retry_after_ms: 'NaN' }),
    ];
    // Calls with usable times: three successful streams with TTFT 100, 200, 400 and latency 1000.
    for (let i = 0; i < 3; i++) lines.push(row(40 + i, 'x', { ok: true, latency_ms: 1000, ttft_ms: 100 * 2 ** i }, { stream: true }));
    const c = await calibrate([trace('nan.jsonl', lines)]);
    expect(c.calls).toBe(7);
    expect(c.unobserved).toBe(1);
    const x = c.targets[0]!;
    expect(x.calls).toBe(7);
    expect(x.errors).toEqual([expect.objectContaining({ kind: 'server_error', count: 1 })]);
    expect(x.ttft?.n).toBe(3);
    expect(Math.exp(x.ttft!.fit.mu)).toBeCloseTo(200, 6); // median of 100, 200, 400
    expect(x.retryAfter?.n ?? 0).toBe(0);
  });
});

describe('calls the app hung up on', () => {
  it('are left out: they say nothing about the provider', async () => {
    const lines = [row(0, 'x', { ok: true, latency_ms: 100 }), row(5, 'x', { ok: false, error_kind: 'connection_reset', latency_ms: 30, client_closed: true }), row(9, 'x', { ok: false, latency_ms: 50 })];
    const c = await calibrate([trace('hung-up.jsonl', lines)]);
    expect(c.calls).toBe(2);
    expect(c.targets[0]!.errors.map((e) => [e.kind, e.count])).toEqual([['server_error', 1]]);
  });
});

describe('target names that are not scenario ids', () => {
  const names = ['a/b', 'a-b', 'api.openai.com', '模型', 'éé', "o'brien", '_x'];
  let file: string;
  beforeAll(() => {
    // Each name gets 1 + its index calls; the first call of each fails.
    const lines: string[] = [];
    let t = 0;
    names.forEach((n, i) => {
      for (let k = 0; k <= i; k++) lines.push(row(t++, n, { ok: k !== 0, latency_ms: 100 + k }));
    });
    file = trace('names.jsonl', lines);
  });

  it('every target keeps its own entry: colliding ids are told apart, and each is a valid scenario id', async () => {
    const c = await calibrate([file]);
    const doc = parse(calibrationYaml(c, 'names.jsonl')) as { targets: Record<string, { mock: { errors?: Record<string, number> } }> };
    const ids = Object.keys(doc.targets);
    expect(ids).toHaveLength(names.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    // The error rate of each id is 1 / (calls of that name): the names' own counts survive.
    const rates = ids.map((id) => doc.targets[id]!.mock.errors?.server_error).sort();
    expect(rates).toEqual(names.map((_, i) => +(1 / (i + 1)).toPrecision(4)).sort());
    expect(c.targets.map((t) => c.ids[t.target])).toEqual(c.targets.map((t) => c.ids[t.target]).filter((v, i, a) => a.indexOf(v) === i));
  });

  it('the backtest names each recorded call by the same id the calibration gave its target', async () => {
    const c = await calibrate([file]);
    const store = await openStore(':memory:');
    try {
      await loadObserved(store, [file]);
      const rows = await store.all<{ target: string; target_id: string; n: number }>(`SELECT target, target_id, count(*)::INTEGER AS n FROM obs GROUP BY 1, 2 ORDER BY 1`);
      expect(rows).toHaveLength(names.length);
      for (const r of rows) expect(r.target_id).toBe(c.ids[r.target]);
    } finally {
      store.close();
    }
  });
});

describe('calibrate command', () => {
  it('refuses to write the calibration or its report over one of its input traces (exit 2, the trace unchanged)', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const { memoryIo } = await import('../../src/cli/io.js');
    const file = trace('precious.jsonl', [row(0, 'x', { ok: true, latency_ms: 100 }), row(5, 'x', { ok: true, latency_ms: 120 })]);
    const before = readFileSync(file, 'utf8');
    const io = memoryIo();
    expect(await runCli(['calibrate', file, '-o', file], io)).toBe(2);
    expect(io.stderr).toMatch(/would overwrite its input/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('calibrate --bucket', () => {
  it('a bucket too narrow to see incidents in is said on stderr; the default width is not', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const { memoryIo } = await import('../../src/cli/io.js');
    // 200 calls, one every 100 ms over 19.9 s: 1 ms buckets hold 0.01 calls; the default width is 2 s (20 · 19.9 s / 200, rounded up), 20.1 calls.
    const file = trace('narrow.jsonl', Array.from({ length: 200 }, (_, i) => row(i * 100, 'x', { ok: i % 10 !== 0, latency_ms: 100 })));
    const narrow = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'narrow.yaml'), '--bucket', '1ms'], narrow)).toBe(0);
    expect(narrow.stderr).toMatch(/--bucket 1ms holds about 0\.0 calls of the busiest target/);
    const plain = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'plain.yaml')], plain)).toBe(0);
    expect(plain.stderr).toBe('');
  });

  it('a bucket wider than the recording is said too: one bucket holds every call, and an outage in it goes unseen', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const { memoryIo } = await import('../../src/cli/io.js');
    // 400 calls, one every 250 ms over 99.75 s; the first 40 (10 s) all fail. In 5 s buckets it is an outage;
    // in one 10-minute bucket the 40 failures are 10% everyday server errors, without a word.
    const file = trace('wide.jsonl', Array.from({ length: 400 }, (_, i) => row(i * 250, 'x', { ok: i >= 40, latency_ms: 100, ...(i < 40 ? { status: 500, error_kind: 'server_error' } : {}) })));
    const wide = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'wide.yaml'), '--bucket', '10m'], wide)).toBe(0);
    expect(wide.stdout).not.toMatch(/incident:/);
    expect(wide.stderr).toBe(
      'note: --bucket 10m is longer than the recording (1m39s750ms): one bucket holds every call, so no incident can stand out from the everyday rate and every failure counts as an everyday error (leave --bucket out for about 240 buckets over the span)\n',
    );
    const plain = memoryIo();
    expect(await runCli(['calibrate', file, '-o', join(dir, 'wide-plain.yaml')], plain)).toBe(0);
    expect(plain.stdout).toMatch(/incident: x outage from 0 s for 10 s/);
    expect(plain.stderr).toBe('');
  });
});
