import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchemaText } from '../../src/json-schema.js';
import { runYaml } from '../helpers/run-yaml.js';
import { buildStrategy } from './fake-context.js';
import { MiniEngine, sends } from './mini-engine.js';
import { ABC, build } from './openrouter-helpers.js';

const problems = (options: unknown) => buildStrategy('openrouter', options, { targets: ABC, allowProblems: true }).problems.map((p) => `${p.path}  ${p.message}`);

describe('openrouter: validation', () => {
  it('unknown keys in the provider object, reported by path with a did-you-mean', () => {
    expect(problems({ provider: { sortt: 'price', max_price: { prompts: 1 }, preferred_max_latency: { p95: 2 } } })).toEqual([
      'strategies.s.options.provider.preferred_max_latency.p95  unknown key "p95"; did you mean "p75"?',
      'strategies.s.options.provider.max_price.prompts  unknown key "prompts"; did you mean "prompt"?',
      'strategies.s.options.provider.sortt  unknown key "sortt"; did you mean "sort"?',
    ]);
  });

  it('bad values: sort, quantizations, negative cutoffs', () => {
    expect(problems({ provider: { sort: 'latancy', quantizations: ['fp9'], preferred_min_throughput: -1 } })).toEqual([
      'strategies.s.options.provider.sort  "latancy" is not allowed; expected one of price, throughput, latency (did you mean "latency"?)',
      'strategies.s.options.provider.preferred_min_throughput  Too small: expected number to be >=0',
      'strategies.s.options.provider.quantizations[0]  "fp9" is not allowed; expected one of int4, int8, fp4, fp6, fp8, fp16, bf16, fp32, unknown (did you mean "fp4"?)',
    ]);
    expect(problems({ provider: { sort: { by: 'price', partition: 'models' } } })).toEqual([
      'strategies.s.options.provider.sort.partition  "models" is not allowed; expected one of model, none (did you mean "model"?)',
    ]);
  });

  it('order / only / ignore slugs that name no scenario target: located, with a did-you-mean', () => {
    const t = buildStrategy('openrouter', { provider: { order: ['togther', 'fireworks'], ignore: ['nope'] } }, { targets: endpointsTF(), allowProblems: true });
    expect(t.problems.map((p) => `${p.path}  ${p.message}`)).toEqual([
      'strategies.s.options.provider.order[0]  unknown provider slug "togther"; did you mean "together"? (known: together, fireworks)',
      'strategies.s.options.provider.ignore[0]  unknown provider slug "nope" (known: together, fireworks)',
    ]);
  });

  it('unknown models and slug-mapped target ids', () => {
    expect(problems({ model: 'n', models: ['mm'], slugs: { x: ['A', 'Z'] } })).toEqual([
      'strategies.s.options.slugs.x[1]  unknown target "Z" (known: A, B, C)',
      'strategies.s.options.model  unknown model "n" (known: m)',
      'strategies.s.options.models[0]  unknown model "mm"; did you mean "m"? (known: m)',
    ]);
  });

  it('null means "not set", as OpenRouter clients send it', () => {
    expect(problems({ provider: { order: null, sort: null, max_price: { prompt: null }, zdr: null } })).toEqual([]);
  });

  it('a provider_file holding the request body: model, models and provider route; other chat fields pass; unknown keys are located', () => {
    // request fields from https://openrouter.ai/docs/features/model-routing and https://openrouter.ai/docs/api-reference/overview
    const dir = mkdtempSync(path.join(tmpdir(), 'openrouter-'));
    const file = path.join(dir, 'body.json');
    writeFileSync(file, JSON.stringify({ model: 'm', temperature: 0.2, messages: [], provider: { order: ['b', 'a'], allow_fallbacks: false } }, null, 1));
    expect(problems({ provider_file: file })).toEqual([]);
    expect(build({ provider_file: file }).first()).toMatchObject({ type: 'send', target: 1, reason: 'openrouter: B (provider.order)' });
    writeFileSync(file, JSON.stringify({ model: 'm', modles: ['m'], provider: { ordr: ['a'] } }, null, 1));
    expect(problems({ provider_file: file })).toEqual([
      `strategies.s.options.provider_file  ${file}:3:12: modles: unknown key "modles" in an OpenRouter request; did you mean "model"?`,
      `strategies.s.options.provider_file  ${file}:7:11: provider.ordr: unknown key "ordr"; did you mean "order"?`,
    ]);
    writeFileSync(file, JSON.stringify({ model: 'm', provider: {} }));
    expect(problems({ provider_file: file, model: 'm' })).toEqual([`strategies.s.options.model  ${file} sets model too: give it in one place`]);
  });

  it('a provider_file with problems: reported at provider_file with the path inside the object', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openrouter-'));
    const file = path.join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ sort: 'throughput', ordr: ['a'], order: ['zz'] }));
    expect(problems({ provider_file: file })).toEqual([`strategies.s.options.provider_file  ${file}:1:29: provider.ordr: unknown key "ordr"; did you mean "order"?`]);
    writeFileSync(file, JSON.stringify({ order: ['zz'] }));
    expect(problems({ provider_file: file, provider: {} })).toEqual([
      'strategies.s.options.provider_file  give either provider or provider_file, not both',
      `strategies.s.options.provider_file  ${file}:1:11: provider.order[0]: unknown provider slug "zz" (known: a, b, c)`,
    ]);
  });

  it('the scenario JSON schema includes the strategy', () => {
    expect(scenarioJsonSchemaText()).toContain('preferred_max_latency');
  });
});

function endpointsTF() {
  return ABC.map((t, i) => ({ ...t, provider: i === 0 ? 'together' : 'fireworks' }));
}

describe('openrouter: no failover after the first streamed token', () => {
  const run = (stream: boolean, first: { errorKind: 'truncated' | 'connection_reset'; ttftMs?: number }) => {
    const eng = new MiniEngine(build({ provider: { order: ['a', 'b'] } }).built, ({ target }) =>
      target === 0 ? { outcome: 'error', errorKind: first.errorKind, latencyMs: 800, ttftMs: first.ttftMs } : { outcome: 'ok', latencyMs: 300, ttftMs: 100 },
    );
    return eng.runSequential(1, 1000, { stream })[0]!;
  };

  it('a stream cut after its first token ends the request', () => {
    const st = run(true, { errorKind: 'truncated', ttftMs: 200 });
    expect(st.sent.map((a) => a.target)).toEqual([0]);
    expect(st.succeeded).toBe(false);
    expect(st.stopReason).toBe('openrouter: failed after the first token; no failover mid-stream');
    expect(run(true, { errorKind: 'connection_reset', ttftMs: 200 }).sent).toHaveLength(1);
  });

  it('a failure before the first token fails over; so does a non-streamed request', () => {
    const before = run(true, { errorKind: 'connection_reset' });
    expect([before.sent.map((a) => a.target), before.succeeded]).toEqual([[0, 1], true]);
    const plain = run(false, { errorKind: 'truncated', ttftMs: 200 });
    expect([plain.sent.map((a) => a.target), plain.succeeded]).toEqual([[0, 1], true]);
  });
});

describe('openrouter in the engine', () => {
  it('observed failures demote a provider while 3 of them lie within the last 30 s', () => {
    const eng = new MiniEngine(build({}).built, ({ target }) => (target === 0 ? { outcome: 'error', errorKind: 'unavailable', latencyMs: 50 } : { outcome: 'ok', latencyMs: 200 }));
    eng.runSequential(300, 500);
    const failuresOfA = eng.finishedStates.flatMap((s) => s.sent.filter((a) => a.target === 0).map((a) => a.endMs));
    const [first, , third] = failuresOfA as [number, number, number];
    const quiet = sends(eng.log).filter((l) => l.now > third && l.now <= first + 30_000);
    expect(quiet.length).toBeGreaterThan(50);
    expect(quiet.every((l) => (l.decision as { target: number }).target !== 0)).toBe(true);
    expect(failuresOfA[3], 'A is tried again once its first failure leaves the window').toBeGreaterThan(first + 30_000);
  });

  it('runs the provider object from fixtures/configs/openrouter-provider.json through a scenario', async () => {
    const yaml = `
name: openrouter-file
seed: 3
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 1 }
    count: 12
    input_tokens: { dist: constant, value: 100 }
    output_tokens: { dist: constant, value: 50 }
    stream: 1
targets:
  together: { provider: together, model: llama, price: { input: 0.5, output: 1 }, mock: { profile: perfect, tokens_per_s: { p50: 300, p99: 300 } } }
  fireworks: { provider: fireworks, model: llama, price: { input: 0.6, output: 1.2 }, mock: { profile: perfect, tokens_per_s: { p50: 50, p99: 50 } } }
  pricey: { provider: openai, model: llama, price: { input: 5, output: 15 }, mock: { profile: perfect } }
strategies:
  or: { use: openrouter, options: { provider_file: ../../fixtures/configs/openrouter-provider.json } }
`;
    const ran = await runYaml(yaml, {}, 'test/strategies/openrouter-file.yaml');
    try {
      const rows = await ran.store.all<{ target: string; reason: string }>(`SELECT target, reason FROM attempt_log WHERE run_no = ${ran.run('or')} ORDER BY request_no, attempt_no`);
      expect(rows).toHaveLength(12);
      expect(rows.every((r) => r.target !== 'pricey' && r.reason.endsWith('(sorted by throughput)'))).toBe(true);
      expect(rows.slice(-6).map((r) => r.target)).toEqual(Array(6).fill('together'));
    } finally {
      ran.store.close();
    }
  });
});
