import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { memoryIo } from '../../../src/cli/io.js';
import { loadObserved } from '../../../src/calibrate/observed-table.js';
import { openStore } from '../../../src/store/open-store.js';
import { recordedAggregates } from '../../../src/store/backtest-queries.js';
import { runYaml } from '../../helpers/run-yaml.js';
import { makeTempDir } from '../helpers.js';
import { logFixture } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

async function cli(...argv: string[]) {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('routebench import --format <log source>', () => {
  it('writes the rows, and a malformed row leaves an existing output untouched (exit 2, file:line)', async () => {
    const out = tmp.path('portkey.jsonl');
    const ok = await cli('import', logFixture('portkey/logs.jsonl'), '--format', 'portkey', '-o', out);
    // 4 logs, two of them one fallback chain (trace_id tr-2)
    expect(ok).toMatchObject({ code: 0, stdout: `wrote 3 requests to ${out}\n` });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);

    const previous = readFileSync(out, 'utf8'); // an earlier import (a file that is not a trace is refused before reading)
    const bad = tmp.write('bad.jsonl', `${readFileSync(logFixture('portkey/logs.jsonl'), 'utf8')}{"created_at": "soon"}\n`);
    const failed = await cli('import', bad, '--format', 'portkey', '-o', out);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:1 +row 5 +created_at must be an ISO time such as "2026-03-01T10:00:00.123Z", got "soon"\n`));
    expect(readFileSync(out, 'utf8')).toBe(previous);
    expect(readdirSync(tmp.dir).sort()).toEqual(['bad.jsonl', 'portkey.jsonl']);
  });
});

describe('imported logs downstream', () => {
  it('an imported trace reads back through the routebench format unchanged (attempts and dialect included)', async () => {
    for (const [format, file] of [['openrouter', 'openrouter/generations.jsonl'], ['otel-genai', 'otel-genai/spans.jsonl'], ['portkey', 'portkey/chains.jsonl']] as const) {
      const first = tmp.path(`${format}-1.jsonl`);
      const second = tmp.path(`${format}-2.jsonl`);
      expect((await cli('import', logFixture(file), '--format', format, '-o', first)).code).toBe(0);
      expect((await cli('import', first, '--format', 'routebench', '-o', second)).code).toBe(0);
      expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
    }
  });

  it('calibrate loads every imported source as observed calls, outcomes intact', async () => {
    const files: string[] = [];
    for (const [format, file] of [['otel-genai', 'otel-genai/spans.jsonl'], ['litellm', 'litellm/spend-logs.csv'], ['openrouter', 'openrouter/generations.jsonl'], ['portkey', 'portkey/logs.jsonl']] as const) {
      const out = tmp.path(`${format}.jsonl`);
      expect((await cli('import', logFixture(file), '--format', format, '-o', out)).code).toBe(0);
      files.push(out);
    }
    const store = await openStore(':memory:');
    try {
      const load = await loadObserved(store, files);
      // 5 spans + 5 spend logs + 4 generations + 3 Portkey requests (4 logs, one chain of two), all
      // with an outcome; the one call its client cancelled (recorded.client_closed) and the two
      // answered from a gateway's cache (one LiteLLM, one Portkey) say nothing about the provider
      // and are left out
      expect([load.rows, load.unobserved, load.cacheHits]).toEqual([14, 1, 2]);
      const byTarget = await store.all<{ target: string; n: number; failed: number; dialect: string }>(
        `SELECT target, count(*)::INTEGER AS n, count(*) FILTER (WHERE NOT ok)::INTEGER AS failed, min(dialect) AS dialect FROM obs GROUP BY 1 ORDER BY 1`,
      );
      expect(byTarget).toEqual([
        { target: 'Azure', n: 1, failed: 1, dialect: 'openai' },
        { target: 'Google', n: 1, failed: 0, dialect: 'openai' },
        { target: 'OpenAI', n: 1, failed: 0, dialect: 'openai' },
        { target: 'anthropic', n: 1, failed: 1, dialect: 'anthropic' },
        { target: 'api.anthropic.com', n: 1, failed: 0, dialect: 'anthropic' },
        { target: 'azure.ai.openai', n: 1, failed: 1, dialect: 'openai' },
        { target: 'dep-azure-2', n: 1, failed: 1, dialect: 'openai' },
        { target: 'dep-openai-1', n: 1, failed: 0, dialect: 'openai' },
        { target: 'dep-openai-2', n: 1, failed: 1, dialect: 'openai' },
        { target: 'openai', n: 5, failed: 1, dialect: 'openai' },
      ]);
      const [ttft] = await store.all<{ ttft: number[] }>(`SELECT list(ttft_ms ORDER BY ttft_ms) AS ttft FROM obs WHERE ttft_ms IS NOT NULL`);
      expect(ttft!.ttft).toEqual([350, 400, 420]);
    } finally {
      store.close();
    }
  });

  it('the backtest reads a Portkey import\'s fallback chains as failovers', async () => {
    const out = tmp.path('chains.jsonl');
    expect((await cli('import', logFixture('portkey/chains.jsonl'), '--format', 'portkey', '-o', out)).code).toBe(0);
    const store = await openStore(':memory:');
    try {
      await loadObserved(store, [out]);
      await store.run(`CREATE TEMP TABLE bt_prices (target VARCHAR, input DOUBLE, cached_input DOUBLE, output DOUBLE)`);
      const r = await recordedAggregates(store);
      // fixtures/logs/portkey/chains.jsonl by hand: 9 logs -> 6 requests; 2 of them (traces fb-2
      // and fb-5) touched more than one target; 5 succeeded (c-9 failed, alone)
      expect([r.requests, r.failover_rate, r.success_rate]).toEqual([6, 2 / 6, 5 / 6]);
    } finally {
      store.close();
    }
  });

  it('a scenario replays a log export directly (traffic.trace.format)', async () => {
    const scenario = fileURLToPath(new URL('../../inline.yaml', import.meta.url));
    const { result } = await runYaml(
      `
name: litellm-replay
seed: 1
traffic:
  trace: { path: ../fixtures/logs/litellm/spend-logs.csv, format: litellm }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: typical } }
strategies:
  single: { use: single, options: { target: a } }
`,
      {},
      scenario,
    );
    expect(result.runs.map((r) => [r.strategy, r.requests])).toEqual([['single', 5]]);
    expect([result.trafficDescription, result.skippedRows]).toEqual(['trace ../fixtures/logs/litellm/spend-logs.csv (litellm)', 0]);
  });
});

describe('routebench import of a large file', () => {
  it('waits for the output to drain without piling up listeners (no MaxListenersExceededWarning)', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 60_000; i++) rows.push(JSON.stringify({ arrival_ms: i, route: 'r', input_tokens: 10, output_tokens: 5, recorded: { ok: true, status: 200, latency_ms: 100, target: 't' } }));
    const file = tmp.write('big.jsonl', `${rows.join('\n')}\n`);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      expect((await cli('import', file, '--format', 'routebench', '-o', tmp.path('out.jsonl'))).code).toBe(0);
      await new Promise((r) => setTimeout(r, 50)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
    expect(readFileSync(tmp.path('out.jsonl'), 'utf8').split('\n')).toHaveLength(60_001);
  });
});
