import { describe, expect, it } from 'vitest';
import { describeStrategy } from './strategy.case.js';
import { baseList, dep, expectWithin3Sigma, firstPicks, lite, target, TARGETS } from './litellm-helpers.js';

describeStrategy('litellm', (ids) => ({
  config: {
    model_list: ids.map((_, i) => ({ model_name: 'default', litellm_params: { model: 'openai/gpt-4o-mini', weight: i + 1 }, model_info: { id: `d${i}` } })),
    router_settings: { num_retries: 2 },
  },
  deployments: Object.fromEntries(ids.map((id, i) => [`d${i}`, id])),
}));

describe('litellm: deployments and groups', () => {
  it('maps litellm_params.model by provider and model, model_info.id by target id, and the deployments option', () => {
    const h = lite({
      model_list: [dep('a', 'openai/gpt-4o-mini'), dep('b', 'whatever/x', {}, 'an'), dep('c', 'azure/other-name')],
    }, { deployments: { 'azure/other-name': 'az' } });
    expect(target(h.first({ route: 'a' }))).toBe(0);
    expect(target(h.first({ route: 'b' }))).toBe(2);
    expect(target(h.first({ route: 'c' }))).toBe(1);
  });

  it('a model without a provider prefix matches on the model alone (when unique)', () => {
    const h = lite({ model_list: [dep('g', 'claude-3-5-haiku')] });
    expect(target(h.first({ route: 'g' }))).toBe(2);
  });

  it('routes: exact group, model_group_alias, wildcard group, default_group, else the first group', () => {
    const config = {
      model_list: [dep('first', 'openai/gpt-4o-mini'), dep('claude', 'anthropic/claude-3-5-haiku'), dep('gemini-*', 'google/gemini-2.5-flash')],
      router_settings: { model_group_alias: { haiku: 'claude', 'gpt-4': { model: 'claude', hidden: true } } },
    };
    const h = lite(config);
    expect([h.first({ route: 'claude' }), h.first({ route: 'haiku' }), h.first({ route: 'gpt-4' }), h.first({ route: 'gemini-pro' }), h.first({ route: 'nope' })].map(target)).toEqual([2, 2, 2, 3, 0]);
    expect(target(lite(config, { default_group: 'claude' }).first({ route: 'nope' }))).toBe(2);
  });

  it('each decision is send with a product-level reason', () => {
    const h = lite({ model_list: baseList({ oa: { weight: 1 }, az: { weight: 1 } }) });
    expect(h.first({ route: 'gpt-4o-mini' })).toMatchObject({ type: 'send', reason: 'litellm: simple-shuffle by weight' });
  });
});

describe('litellm: simple-shuffle', () => {
  const n = 12_000;

  it('shares follow weight within 3 sigma over 12,000 seeded requests', () => {
    const h = lite({ model_list: baseList({ oa: { weight: 1 }, az: { weight: 3 } }) }, {}, 42);
    const counts = firstPicks(h, n, 'gpt-4o-mini');
    expectWithin3Sigma(counts[0]!, n, 0.25, 'oa');
    expect(counts[0]! + counts[1]!).toBe(n);
  });

  it('weight beats rpm and tpm; a deployment without weight counts 0', () => {
    const h = lite({ model_list: [dep('g', 'openai/gpt-4o-mini', { weight: 2, rpm: 1 }), dep('g', 'azure/gpt-4o-mini', { weight: 2, rpm: 100 }), dep('g', 'anthropic/claude-3-5-haiku', { rpm: 1000 })] }, {}, 3);
    const counts = firstPicks(h, n, 'g');
    expect(counts[2]).toBe(0);
    expectWithin3Sigma(counts[0]!, n, 0.5, 'oa');
  });

  it('rpm when the first deployment has no weight, else tpm, else uniform', () => {
    const byRpm = firstPicks(lite({ model_list: [dep('g', 'openai/gpt-4o-mini', { rpm: 100, tpm: 1 }), dep('g', 'azure/gpt-4o-mini', { rpm: 300, tpm: 1000 })] }, {}, 5), n, 'g');
    expectWithin3Sigma(byRpm[0]!, n, 0.25, 'rpm');
    const byTpm = firstPicks(lite({ model_list: [dep('g', 'openai/gpt-4o-mini', { tpm: 4000 }), dep('g', 'azure/gpt-4o-mini', { tpm: 1000 })] }, {}, 6), n, 'g');
    expectWithin3Sigma(byTpm[0]!, n, 0.8, 'tpm');
    const uniform = firstPicks(lite({ model_list: [dep('g', 'openai/gpt-4o-mini'), dep('g', 'azure/gpt-4o-mini'), dep('g', 'anthropic/claude-3-5-haiku')] }, {}, 7), n, 'g');
    for (const c of uniform.slice(0, 3)) expectWithin3Sigma(c, n, 1 / 3, 'uniform');
  });

  it('quirk: only the first healthy deployment decides the field (weights elsewhere are ignored)', () => {
    // The first has rpm but no weight: the second's weight is ignored and shares follow rpm 1 : 3.
    const h = lite({ model_list: [dep('g', 'openai/gpt-4o-mini', { rpm: 100 }), dep('g', 'azure/gpt-4o-mini', { weight: 100, rpm: 300 })] }, {}, 8);
    const counts = firstPicks(h, n, 'g');
    expectWithin3Sigma(counts[0]!, n, 0.25, 'oa');
    expect(h.first({ route: 'g' })).toMatchObject({ type: 'send', reason: 'litellm: simple-shuffle by rpm' });
  });

  it('a cooled-down first deployment hands the decision to the next one', () => {
    // oa (weight 1) cools after a 429; az has rpm only: while oa cools, rpm decides (az alone), never oa.
    const h = lite({ model_list: [dep('g', 'openai/gpt-4o-mini', { weight: 1 }), dep('g', 'azure/gpt-4o-mini', { rpm: 10 })] });
    const req = h.request({ route: 'g' });
    req.decide('arrival');
    req.fail('rate_limited');
    expect(new Set(firstPicks(h, 50, 'g').flatMap((c, i) => (c > 0 ? [TARGETS[i]!.id] : [])))).toEqual(new Set(['az']));
  });
});
