/**
 * A count and its noun agree in what the CLI prints: `serve` said "1 attempts", a replay dry run
 * "1 requests × 1 strategies", import "(1 bad rows skipped)", validate "1 bad rows in the trace".
 * The helper (src/plural.ts) against hand-written English, then two commands end to end.
 * Also the article: "is this really a azure trace?".
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { count, pluralOf } from '../../src/plural.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-plural-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('count', () => {
  it.each([
    [0, 'request', '0 requests'],
    [1, 'request', '1 request'],
    [2, 'strategy', '2 strategies'],
    [1, 'strategy', '1 strategy'],
    [3, 'day', '3 days'],
    [2, 'match', '2 matches'],
    [2, 'bad row', '2 bad rows'],
    [12345, 'call', '12,345 calls'],
  ])('%i %s → %s', (n, noun, said) => expect(count(n, noun)).toBe(said));
  it('an irregular plural is given', () => expect([count(1, 'child', 'children'), count(4, 'child', 'children')]).toEqual(['1 child', '4 children']));
  it('pluralOf', () => expect(['key', 'policy', 'box', 'pass'].map(pluralOf)).toEqual(['keys', 'policies', 'boxes', 'passes']));
});

const scenario = path.join(dir, 'one.yaml');
writeFileSync(
  scenario,
  `name: one
traffic: { trace: { path: one.jsonl } }
targets:
  a: { provider: openai, model: gpt-4o-mini, price: { input: 1, output: 2 }, live: { base_url: "http://127.0.0.1:9", api_key_env: RB_PLURAL_KEY }, mock: { profile: perfect } }
strategies:
  only: { use: single, options: { target: a } }
`,
);
writeFileSync(path.join(dir, 'one.jsonl'), '{"arrival_ms":0,"input_tokens":1000,"output_tokens":500}\n');

describe('one of each, said in the singular', () => {
  it('replay --dry-run: "1 request × 1 strategy"', async () => {
    const io = memoryIo({ RB_PLURAL_KEY: 'k' });
    expect(await runCli(['replay', scenario, '--transport', 'live', '--dry-run', '--max-cost-usd', '1', '--db', path.join(dir, 'r.duckdb'), '--out', path.join(dir, 'reports')], io)).toBe(0);
    expect(io.stdout).toMatch(/^one: 1 request × 1 strategy; projected provider cost/);
  });

  it('serve, stopped after one call that took one attempt: "1 request: 1 ok, 1 attempt, 0 with failover"', async () => {
    const io = memoryIo();
    const running = runCli(['serve', '--scenario', scenario, '--strategy', 'only', '--port', '0'], io);
    let url: string | undefined;
    for (let i = 0; i < 1000 && !url; i++) {
      url = /on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*upstream: /.exec(io.stdout)?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 20));
    }
    expect(url).toBeDefined();
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }) });
    expect(res.status).toBe(200);
    await res.text();
    io.interrupt();
    expect(await running).toBe(0);
    expect(io.stdout).toContain('stopped after 1 request: 1 ok, 1 attempt, 0 with failover\n');
  }, 60_000);

  it('import of a file that is not an Azure trace: "is this really an azure trace?"', async () => {
    const io = memoryIo();
    expect(await runCli(['import', scenario, '--format', 'azure', '-o', path.join(dir, 'az.jsonl')], io)).toBe(2);
    expect(io.stderr).toContain('hint: is this really an azure trace?');
  });

  it('a run of one request, one strategy: its summary, page and PR comment say so in the singular', async () => {
    const one = path.join(dir, 'single.yaml');
    writeFileSync(one, 'name: single\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 1 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  only: { use: single, options: { target: a } }\nthresholds:\n  success_rate: [\'> 0.5\']\n');
    const db = path.join(dir, 'single.duckdb');
    const out = path.join(dir, 'single-reports');
    expect(await runCli(['run', one, '--db', db, '--out', out, '--quiet'], memoryIo())).toBe(0);
    const comment = path.join(dir, 'comment.md');
    expect(await runCli(['report', '--db', db, '--out', out, '--pr-comment', comment], memoryIo())).toBe(0);
    expect(readFileSync(comment, 'utf8').split('\n')[0]).toBe('## routebench: 1 scenario, 1 strategy');
    const dirs = readdirSync(path.join(out, 'single')).filter((d) => d !== 'latest');
    const page = path.join(out, 'single', dirs[0]!);
    expect(readFileSync(path.join(page, 'summary.md'), 'utf8')).toMatch(/ · 1 request · /);
    expect(readFileSync(path.join(page, 'index.html'), 'utf8')).toMatch(/ · 1 request · /);
    // one threshold: not "All 1 thresholds pass"
    expect(readFileSync(path.join(page, 'summary.md'), 'utf8')).toContain('The one threshold passed.');
    expect(readFileSync(comment, 'utf8')).toContain('The one threshold passes.');
    expect(readFileSync(path.join(out, 'index.md'), 'utf8')).not.toMatch(/all 1 pass/i);
  }, 60_000);
});
