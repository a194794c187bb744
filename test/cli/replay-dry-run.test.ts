/**
 * replay's cost options against the transports they mean something for:
 * - `--dry-run` projects a live replay's cost; with msw or mock-server (nothing billed) it is
 *   refused with exit 2 (it printed a projection and "nothing was sent", as if that meant anything);
 * - a live dry run checks what the live run checks before sending (live blocks, key variables)
 *   and exits as that run would (2, 4) after the projection; it said "nothing was sent", exit 0,
 *   and the live run then failed;
 * - it sets --max-cost-usd against the projection (hand-computed here);
 * - `--max-cost-usd` must be a finite amount above 0 (0, -1 and abc were accepted);
 * - with the mocks the cap stops the run at their billed cost (a rehearsal): the stopped run's
 *   thresholds are said to be not judged, not listed as failed under an exit 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-dry-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two requests: (1,000 in, 500 out) and (2,000 in, 1,000 out). Prices in USD per 1M tokens.
// Target a (1 in, 2 out): 0.002 + 0.004 = 0.006; target b (3 in, 4 out): 0.005 + 0.010 = 0.015.
writeFileSync(path.join(dir, 't.jsonl'), '{"arrival_ms":0,"input_tokens":1000,"output_tokens":500}\n{"arrival_ms":10,"input_tokens":2000,"output_tokens":1000}\n');
const scenario = path.join(dir, 'live.yaml');
writeFileSync(
  scenario,
  `name: live
traffic: { trace: { path: t.jsonl } }
targets:
  a: { provider: openai, model: gpt-4o-mini, price: { input: 1, output: 2 }, live: { base_url: "http://127.0.0.1:9", api_key_env: RB_DRY_KEY_A }, mock: { profile: perfect } }
  b: { provider: anthropic, model: claude-3-5-haiku, price: { input: 3, output: 4 }, live: { base_url: "http://127.0.0.1:9", api_key_env: RB_DRY_KEY_B }, mock: { profile: perfect } }
strategies:
  one: { use: fallback, options: { targets: [a, b] } }
`,
);
const KEYS = { RB_DRY_KEY_A: 'k-a', RB_DRY_KEY_B: 'k-b' };

async function replay(env: Record<string, string>, ...args: string[]) {
  const io = memoryIo(env);
  const code = await runCli(['replay', ...args, '--db', path.join(dir, 'r.duckdb'), '--out', path.join(dir, 'reports')], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('replay --dry-run', () => {
  it.each(['msw', 'mock-server'])('with --transport %s: exit 2, why, nothing on stdout', async (transport) => {
    const r = await replay(KEYS, scenario, '--transport', transport, '--dry-run');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(`--dry-run projects the cost of a live replay and sends nothing; with --transport ${transport} nothing is billed`);
  });

  it('live: the hand-computed projection (--json)', async () => {
    const r = await replay(KEYS, scenario, '--transport', 'live', '--dry-run', '--json', '--max-cost-usd', '1');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { cap_usd: number; scenarios: { requests: number; min_cost_usd: number; max_cost_usd: number; live_problems: string[] }[] };
    expect(json.cap_usd).toBe(1);
    expect(json.scenarios).toHaveLength(1);
    expect(json.scenarios[0]!.requests).toBe(2);
    expect(json.scenarios[0]!.min_cost_usd).toBeCloseTo(0.006, 12);
    expect(json.scenarios[0]!.max_cost_usd).toBeCloseTo(0.015, 12);
    expect(json.scenarios[0]!.live_problems).toEqual([]);
  });

  it.each([
    ['1', /--max-cost-usd 1 covers every request once at the priciest target/],
    ['0.01', /--max-cost-usd 0\.01 is inside the projection .*: the run may stop at the cap/],
    ['0.001', /--max-cost-usd 0\.001 is below the cheapest projection .*: the run will stop at the cap/],
    [undefined, /a live run also needs --max-cost-usd <USD>/],
  ])('live, cap %s: said against the projection', async (cap, said) => {
    const r = await replay(KEYS, scenario, '--transport', 'live', '--dry-run', ...(cap ? ['--max-cost-usd', cap] : []));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(said);
    expect(r.out.endsWith('dry run: nothing was sent\n')).toBe(true);
  });

  it('live with a key variable unset: the projection, then exit 4 naming the variable', async () => {
    const r = await replay({ RB_DRY_KEY_A: 'k-a' }, scenario, '--transport', 'live', '--dry-run', '--max-cost-usd', '1');
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/^live: 2 requests × 1 strategy; projected provider cost/);
    expect(r.err).toContain(`a live run would stop here: ${scenario}: environment variable RB_DRY_KEY_B (the API key of target b) is not set`);
  });

  it('live on targets without live: blocks: exit 2 naming them, with the block to add', async () => {
    const r = await replay({}, '--example', 'quickstart', '--transport', 'live', '--dry-run', '--limit', '10', '--max-cost-usd', '1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a live run would stop here: .*quickstart\.yaml: replay --transport live needs targets\.<id>\.live/);
    expect(r.err).toContain('hint: add to each target e.g. live: { base_url: https://api.openai.com, api_key_env: OPENAI_API_KEY }');
  });
});

describe('--workers', () => {
  it('is refused by replay (exit 2): it did nothing there', async () => {
    const r = await replay(KEYS, scenario, '--workers', '4');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--workers is for `routebench run`');
  });
});

describe('--max-cost-usd', () => {
  it.each(['0', '-1', 'abc'])('%s: exit 2 before anything runs', async (cap) => {
    const r = await replay(KEYS, scenario, '--max-cost-usd', cap);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--max-cost-usd must be an amount in USD above 0');
  });

  it('with the mocks: stops at the billed cost; the stopped run is not judged (not "thresholds failed")', async () => {
    const capped = path.join(dir, 'capped.yaml');
    writeFileSync(
      capped,
      `name: capped
traffic: { synthetic: { arrival: { process: constant, rate_per_s: 100 }, count: 40, input_tokens: { dist: constant, value: 1000 }, output_tokens: { dist: constant, value: 100 } } }
targets:
  a: { provider: openai, model: gpt-4o-mini, price: { input: 1, output: 2 }, mock: { profile: perfect, ttft_ms: { p50: 5, p99: 5 }, tokens_per_s: { p50: 5000, p99: 5000 } } }
strategies:
  one: { use: single, options: { target: a }, thresholds: { success_rate: ['> 0.99'], requests: ['>= 40'] } }
`,
    );
    // 0.0012 USD a request: a cap of 0.005 admits 4.
    const r = await replay({}, capped, '--max-cost-usd', '0.005', '--time-scale', '10');
    expect(r.code).toBe(0);
    expect(r.out).toContain('stopped: one: spend cap reached: the next request would pass --max-cost-usd 0.005');
    expect(r.out).toContain('thresholds not judged: one stopped before the end of the traffic');
    expect(r.out).not.toContain('thresholds failed');
  });
});
