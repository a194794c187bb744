import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStrategy, makeTargets } from './fake-context.js';
import { AN, GG, OA, pk, problemsOf } from './portkey-helpers.js';

const P = 'strategies.s.options';
const IGNORE = '; set allow_unsupported: true to ignore it';

describe('portkey config validation', () => {
  it('reports unknown keys anywhere in the config by path, with a did-you-mean', () => {
    const config = { strategy: { mode: 'fallback', on_status_code: [503] }, targets: [OA, { strategy: { mode: 'loadbalance' }, targets: [{ ...AN, foo: 1 }, { ...GG, overide_params: {} }] }] };
    expect(problemsOf({ config })).toEqual([
      `${P}.config.strategy.on_status_code: unknown key "on_status_code" in a Portkey config; did you mean "on_status_codes"?`,
      `${P}.config.targets[1].targets[0].foo: unknown key "foo" in a Portkey config`,
      `${P}.config.targets[1].targets[1].overide_params: unknown key "overide_params" in a Portkey config; did you mean "override_params"?`,
    ]);
  });

  it('reports bad values by path', () => {
    expect(problemsOf({ config: { ...OA, retry: { attempts: -1, on_status_codes: [99] }, request_timeout: 'x', cache: { mode: 'fancy' }, weight: -1 } })).toEqual([
      `${P}.config.weight: weights must be ≥ 0 (0 = never picked)`,
      `${P}.config.request_timeout: expected number, got "x"`,
      `${P}.config.retry.attempts: retry.attempts counts extra tries: 0 or more`,
      `${P}.config.retry.on_status_codes[0]: an HTTP status code (100–599)`,
      `${P}.config.cache.mode: "fancy" is not allowed; expected one of simple, semantic`,
    ]);
  });

  it('unknown mode, missing targets, targets without a strategy', () => {
    expect(problemsOf({ config: { strategy: { mode: 'loadbalancer' }, targets: [OA] } })).toEqual([
      `${P}.config.strategy.mode: unknown strategy.mode "loadbalancer"; did you mean "loadbalance"? (the OSS gateway accepts single, loadbalance, fallback, conditional)`,
    ]);
    expect(problemsOf({ config: { strategy: { mode: 'sample' }, targets: [OA] } })[0]).toBe(`${P}.config.strategy.mode: unknown strategy.mode "sample" (the OSS gateway accepts single, loadbalance, fallback, conditional)`);
    expect(problemsOf({ config: { strategy: { mode: 'fallback' } } })).toEqual([`${P}.config.strategy: strategy.mode "fallback" needs a non-empty targets list`]);
    expect(problemsOf({ config: { ...OA, targets: [AN] } })).toEqual([
      `${P}.config.targets: targets without strategy.mode are ignored: the gateway sends to this node as a single provider; add strategy: { mode: ... }`,
    ]);
  });

  it('weights: all zero is refused (the gateway picks nothing)', () => {
    expect(problemsOf({ config: { strategy: { mode: 'loadbalance' }, targets: [{ ...OA, weight: 0 }, { ...AN, weight: 0 }] } })).toEqual([
      `${P}.config.targets: every weight is 0: the gateway picks no target ("No provider selected"); give at least one target a positive weight`,
    ]);
  });

  it('conditional: names, conditions and queries are checked', () => {
    const query = { 'metadata.a': { $in: 'x' }, 'params.temperature': { $gt: 1 }, 'foo.bar': 1, 'metadata.a.b': 1, 'metadata.c': { $length: 1 }, 'metadata.d': { $regex: '(' }, 'metadata.e': [1] };
    const q = `${P}.config.strategy.conditions[0]`;
    expect(problemsOf({ config: { strategy: { mode: 'conditional', conditions: [{ query, then: 'nope' }], default: 'missing' }, targets: [{ ...OA, name: 'a' }] } })).toEqual([
      `${q}.then: no target named "nope" in this node's targets (names: a); the gateway answers 400`,
      `${q}.query.metadata.a.$in: $in takes an array (the gateway never matches anything else)`,
      `${q}.query.params.temperature: params.temperature is not in routebench requests; use params.model (route), params.max_tokens (output tokens) or params.stream`,
      `${q}.query.foo.bar: unknown query key "foo.bar": use metadata.<tag>, params.model, params.max_tokens, params.stream or url.pathname`,
      `${q}.query.metadata.a.b: only two-segment keys are read: the gateway reads "metadata.a" and ignores the rest`,
      `${q}.query.metadata.c.$length: unsupported operator "$length": the gateway answers 400 (operators: $eq $ne $gt $gte $lt $lte $in $nin $regex, $and, $or)`,
      `${q}.query.metadata.d.$regex: Invalid regular expression: /(/: Unterminated group (the gateway never matches it)`,
      `${q}.query.metadata.e: a bare array is not a value: write { "$in": [...] }`,
      `${P}.config.strategy.default: no target named "missing" in this node's targets (names: a); the gateway answers 400`,
    ]);
    expect(problemsOf({ config: { strategy: { mode: 'conditional', default: 'a' }, targets: [{ ...OA, name: 'a' }] } })).toEqual([
      `${P}.config.strategy: mode "conditional" needs strategy.conditions (without them the gateway answers 400 "No conditions passed")`,
    ]);
  });

  it('hosted-only features and guardrails are refused clearly, unless allow_unsupported', () => {
    const config = {
      strategy: { mode: 'fallback', cb_config: { failure_threshold: 3 }, sticky: { enabled: true } },
      cache: { mode: 'semantic' },
      input_guardrails: ['pii'],
      targets: [{ ...OA, retry: { attempts: 2, use_retry_after_headers: true } }, { ...AN, drop_params: ['x'] }],
    };
    expect(problemsOf({ config })).toEqual([
      `${P}.config.strategy.cb_config: strategy.cb_config (circuit breaker) is hosted-only: the OSS gateway has the hook but no breaker, so it is not reproduced; wrap this strategy in routebench's circuit-breaker instead${IGNORE}`,
      `${P}.config.strategy.sticky: strategy.sticky (sticky load balancing) is hosted-only and not reproduced${IGNORE}`,
      `${P}.config.cache.mode: the semantic cache is hosted-only (enterprise) and not reproduced${IGNORE}`,
      `${P}.config.input_guardrails: input_guardrails: guardrails and hooks are not reproduced (routebench requests carry no message bodies to check)${IGNORE}`,
      `${P}.config.targets[0].retry.use_retry_after_headers: use_retry_after_headers is the hosted docs' spelling; the OSS gateway reads use_retry_after_header and ignores this one${IGNORE} (as the OSS gateway does)`,
      `${P}.config.targets[1].drop_params: drop_params is hosted-only (the OSS gateway ignores it) and not reproduced${IGNORE}`,
    ]);
    expect(problemsOf({ config, allow_unsupported: true })).toEqual([]);
    // ignored means ignored: the docs' spelling does not enable retry-after, as in the OSS gateway
    const req = pk(config, { allow_unsupported: true }).request();
    req.decide('arrival');
    expect(req.fail({ outcome: 'error', errorKind: 'rate_limited', retryAfterMs: 5000 })).toMatchObject({ type: 'wait', ms: 1000 });
  });

  it('target mapping: no match, several matches, unknown ids and unused keys are located', () => {
    const config = { strategy: { mode: 'fallback' }, targets: [{ provider: 'azure-openai', api_key: 'k' }, { virtual_key: 'vk' }, { name: 'n' }, OA] };
    expect(problemsOf({ config, targets: { unused: 'oa', vk: 'nope' } })).toEqual([
      `${P}.targets.vk: unknown target "nope" (known: oa, an, gg)`,
      `${P}.config.targets[0]: the Portkey target with provider "azure-openai" matches no scenario target (targets: oa (openai/gpt-4o-mini), an (anthropic/claude-3-5-haiku), gg (google/gemini-2.0-flash)); map it with the option targets: { "azure-openai": <target id> }`,
      `${P}.config.targets[2]: this Portkey target has no provider or override_params.model to match a scenario target; map it with the option targets: { "n": <target id> }`,
      `${P}.targets.unused: "unused" names no Portkey target (keys are a target's place, e.g. targets[0].targets[1], its name, virtual_key, provider/model or provider)`,
    ]);
  });

  it('exactly one of config and config_file; a config file is checked with paths inside it', () => {
    const one = `${P}: give exactly one of config (an object) or config_file (a path)`;
    expect(problemsOf({})).toEqual([one]);
    expect(problemsOf({ config: OA, config_file: 'x.json' })).toEqual([one]);
    const dir = mkdtempSync(path.join(tmpdir(), 'portkey-'));
    const file = path.join(dir, 'bad.json');
    // one key per line: each problem names the line of its key's value in the file
    writeFileSync(file, JSON.stringify({ strategy: { mode: 'fallback' }, targets: [{ ...OA, retyr: { attempts: 2 } }, { ...AN, weight: 'heavy' }] }, null, 1));
    const at = (key: string, value: string) => {
      const lines = readFileSync(file, 'utf8').split('\n');
      const i = lines.findIndex((l) => l.includes(`"${key}": ${value}`));
      return `${i + 1}:${lines[i]!.indexOf(value) + 1}`;
    };
    expect(problemsOf({ config_file: file })).toEqual([
      `${P}.config_file.targets[0].retyr: ${file}:${at('retyr', '{')}: unknown key "retyr" in a Portkey config; did you mean "retry"?`,
      `${P}.config_file.targets[1].weight: ${file}:${at('weight', '"heavy"')}: expected number, got "heavy"`,
    ]);
    writeFileSync(file, '[1, 2]');
    expect(problemsOf({ config_file: file })).toEqual([`${P}.config_file: a Portkey config is a JSON object, e.g. { "strategy": { "mode": "fallback" }, "targets": [...] }`]);
    expect(problemsOf({ config_file: path.join(dir, 'missing.json') })).toEqual([`${P}.config_file: cannot read ${path.join(dir, 'missing.json')} (paths are relative to the scenario file)`]);
  });

  it('several scenario targets with the same provider and model are ambiguous without a mapping', () => {
    const twins = makeTargets(['a', 'b']); // both openai/gpt-4o-mini
    const problems = (options: unknown) => buildStrategy('portkey', options, { targets: twins, allowProblems: true }).problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems({ config: OA })).toEqual([
      `${P}.config: the Portkey target with provider "openai" and model "gpt-4o-mini" matches several scenario targets (a, b); map it with the option targets: { "openai/gpt-4o-mini": <target id> }`,
    ]);
    expect(problems({ config: OA, targets: { 'openai/gpt-4o-mini': 'b' } })).toEqual([]);
  });
});
