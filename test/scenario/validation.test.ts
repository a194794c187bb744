/** Bad scenarios: every problem reported at once, one located line each. */
import { describe, expect, it } from 'vitest';
import { formatProblem, HarnessError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { planScenario } from '../../src/engine/plan-scenario.js';

function problems(yaml: string, file = 'bad.yaml'): string[] {
  try {
    planScenario(parseScenario(yaml, file));
  } catch (e) {
    expect(e).toBeInstanceOf(HarnessError);
    expect((e as HarnessError).exitCode).toBe(2);
    return (e as HarnessError).problems.map(formatProblem);
  }
  throw new Error('expected the scenario to be rejected');
}

const valid = `name: ok
traffic:
  synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 10 }
targets:
  a: { provider: openai, model: gpt-4o-mini }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  s: { use: single, options: { target: a } }
`;

describe('scenario validation', () => {
  it('accepts a valid scenario and fills in defaults', () => {
    const loaded = parseScenario(valid, 'ok.yaml');
    expect(loaded.scenario.seed).toBe(1);
    expect(loaded.scenario.defaults).toEqual({ attempt_timeout: 60_000, max_attempts: 20 });
    expect(planScenario(loaded).targets.map((t) => [t.id, t.dialect, t.price.input])).toEqual([
      ['a', 'openai', 0.15],
      ['b', 'anthropic', 0.8],
    ]);
  });

  it('reports malformed YAML with line and column', () => {
    expect(problems('name: x\ntargets:\n  a: [1, 2\n')).toEqual([expect.stringMatching(/^bad\.yaml:\d+:\d+ {2}.*(flow|collection|Missing|closing)/i)]);
    expect(problems('name: x\n\tseed: 1\n')).toEqual(['bad.yaml:2:1  Tabs are not allowed as indentation (TAB_AS_INDENT)']);
  });

  it('refuses empty files, several documents and duplicate keys', () => {
    expect(problems('# nothing here\n')).toEqual(['bad.yaml:1:1  the scenario is empty']);
    expect(problems(`${valid}---\nname: again\n`)).toEqual([expect.stringContaining('expected exactly one YAML document')]);
    expect(problems(valid.replace('strategies:', 'seed: 1\nseed: 2\nstrategies:'))).toEqual([expect.stringMatching(/^bad\.yaml:8:1 {2}Map keys must be unique \("seed" first defined at line 7\)/)]);
  });

  it('a file that is prose or binary (one long string) is one short line, not the whole file echoed', () => {
    const prose = `${'notes about our routing '.repeat(200)}\n`;
    expect(problems(prose)).toEqual(['bad.yaml:1:1  expected an object, got "notes about our routing notes about our routing no…" (4,799 characters)']);
    expect(problems('seed: hello\nname: x\n').join('\n')).toContain('seed  expected a number, got "hello"');
  });

  it('lists every schema problem at once, with path and a did-you-mean', () => {
    const yaml = valid
      .replace('rate_per_s: 1', 'rate_per_s: -5')
      .replace('model: gpt-4o-mini }', 'modle: gpt-4o-mini }')
      .replace('process: poisson', 'process: poison');
    expect(problems(yaml)).toEqual([
      'bad.yaml:3:36  traffic.synthetic.arrival.process  "poison" is not allowed; expected one of constant, poisson, gamma (did you mean "poisson"?)',
      'bad.yaml:3:56  traffic.synthetic.arrival.rate_per_s  must be greater than zero',
      'bad.yaml:5:6  targets.a.model  required string is missing',
      'bad.yaml:5:26  targets.a.modle  unknown key "modle"; did you mean "model"?',
    ]);
  });

  it('names the nearest strategy, profile and target for unknown names', () => {
    const yaml = valid
      .replace('use: single, options: { target: a }', 'use: fallbak, options: { targets: [a] }')
      .replace('model: claude-3-5-haiku }', 'model: claude-3-5-haiku, mock: { profile: flakey } }')
      .replace('strategies:\n', 'strategies:\n  w: { use: weighted, options: { targets: [{ target: aa }] } }\n');
    expect(problems(yaml)).toEqual([
      'bad.yaml:6:71  targets.b.mock.profile  unknown profile "flakey"; did you mean "flaky"? (known: typical, fast, heavy-tail, flaky, rate-limited, overloaded, perfect)',
      'bad.yaml:8:54  strategies.w.options.targets[0].target  unknown target "aa"; did you mean "a"? (known: a, b)',
      expect.stringMatching(/^bad\.yaml:9:13 {2}strategies\.s\.use {2}unknown strategy "fallbak"; did you mean "fallback"\?/),
    ]);
  });

  it('rejects weights summing to zero, bad option keys and unknown targets in nested strategies', () => {
    const yaml = valid.replace(
      '  s: { use: single, options: { target: a } }',
      `  w: { use: weighted, options: { targets: [{ target: a, weight: 0 }, { target: b, weight: 0 }] } }
  f: { use: fallback, options: { targets: [a, { use: round-robin, options: { targets: [b, c] } }], retries: 2 } }`,
    );
    expect(problems(yaml)).toEqual([
      'bad.yaml:8:43  strategies.w.options.targets  weights sum to zero: give at least one member a positive weight',
      'bad.yaml:9:100  strategies.f.options.retries  unknown key "retries" (allowed: targets, on, timeout_ms)',
    ]);
    const nested = valid.replace('  s: { use: single, options: { target: a } }', '  f: { use: fallback, options: { targets: [a, { use: round-robin, options: { targets: [b, c] } }] } }');
    expect(problems(nested)).toEqual(['bad.yaml:8:91  strategies.f.options.targets[1].options.targets[1]  unknown target "c" (known: a, b)']);
  });

  it('rejects incidents on unknown targets and unsatisfiable mocks', () => {
    const yaml = `${valid}incidents:\n  - { kind: outage, targets: [z], start: 1m, duration: 10 }\n`;
    expect(problems(yaml)).toEqual([
      'bad.yaml:10:56  incidents[0].duration  expected a duration string such as "30s", "250ms" or "4h22m"',
    ]);
    expect(problems(`${valid}incidents:\n  - { kind: outage, targets: [z], start: 1m, duration: 10m }\n`)).toEqual([
      'bad.yaml:10:31  incidents[0].targets[0]  unknown target "z" (known: a, b)',
    ]);
    expect(problems(valid.replace('model: gpt-4o-mini }', 'model: gpt-4o-mini, mock: { ttft_ms: { p50: 900, p99: 100 } } }'))).toEqual([
      'bad.yaml:5:70  targets.a.mock.ttft_ms.p50  p50 must not exceed p99',
    ]);
  });

  it('prices a vendor-prefixed model name (openai/gpt-4o-mini, as OpenRouter logs write it) by the name after the last "/"', () => {
    const loaded = parseScenario(valid.replace('model: gpt-4o-mini', 'model: openai/gpt-4o-mini'), 'ok.yaml');
    const plan = planScenario(loaded);
    // fixtures/prices.yaml: gpt-4o-mini is $0.15 in, $0.075 cached, $0.60 out per 1M tokens
    expect(plan.targets[0]!.price).toEqual({ input: 0.15, cached_input: 0.075, output: 0.6, source: 'https://openai.com/api/pricing/', as_of: '2025-06' });
    expect(problems(valid.replace('model: gpt-4o-mini', 'model: openai/my-finetune'))).toEqual([
      'bad.yaml:5:33  targets.a.model  no price for "openai/my-finetune" in the price table; set targets.a.price to a known key or to {input, output, cached_input} in USD per 1M tokens',
    ]);
  });

  it('rejects a model with no price and a missing trace file', () => {
    expect(problems(valid.replace('model: gpt-4o-mini', 'model: my-finetune'))).toEqual([
      'bad.yaml:5:33  targets.a.model  no price for "my-finetune" in the price table; set targets.a.price to a known key or to {input, output, cached_input} in USD per 1M tokens',
    ]);
    const trace = valid.replace('synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 10 }', 'trace: { path: nowhere.jsonl }');
    expect(problems(trace, '/tmp/x/bad.yaml')).toEqual(['/tmp/x/bad.yaml:3:18  traffic.trace.path  trace file not found: /tmp/x/nowhere.jsonl (paths are relative to the scenario file)']);
  });

  it('rejects malformed thresholds with the grammar', () => {
    expect(problems(`${valid}thresholds:\n  latency_ms: ['p(99) <']\n  p99_latency: ['< 1']\n`)).toEqual([
      expect.stringMatching(/^bad\.yaml:10:16 {2}thresholds\.latency_ms\[0\] {2}cannot parse threshold "p\(99\) <"; expected \[aggregate\] op number/),
      'bad.yaml:11:3  thresholds.p99_latency  unknown metric "p99_latency"; did you mean "p99_latency_ms"?',
    ]);
  });
});
