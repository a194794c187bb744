import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';
import { buildStrategy, Harness } from './fake-context.js';
import { targetOfDecision } from './mini-engine.js';
import { TARGETS } from './portkey-helpers.js';

interface Row {
  request_no: number;
  target: string;
  scheduled_ms: number;
  sent_ms: number;
  end_ms: number;
  outcome: string;
  reason: string;
}

/** The fixture config, loaded the way a scenario in scenarios/ will load it. */
const yaml = `
name: portkey-fixture
seed: 3
traffic:
  synthetic:
    arrival: { process: constant, rate_per_s: 2 }
    count: 1000
    input_tokens: { dist: constant, value: 100 }
    output_tokens: { dist: constant, value: 50 }
targets:
  openai: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  anthropic: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }
  google: { provider: google, model: gemini-2.0-flash, mock: { profile: perfect } }
incidents:
  - { name: primaries-down, kind: outage, targets: [openai, anthropic], start: 100s, duration: 100s }
  - { name: openai-stall, kind: latency, targets: [openai], start: 300s, duration: 60s, added_latency: 30s }
strategies:
  portkey:
    use: portkey
    options: { config_file: ../fixtures/configs/portkey-fallback-loadbalance.json }
`;

async function runFixture(): Promise<Row[]> {
  const store = await openStore(':memory:');
  try {
    await runScenario(parseScenario(yaml, 'scenarios/portkey-fixture.yaml'), { store, env: testEnv });
    return await store.all<Row>(`SELECT request_no, target, scheduled_ms, sent_ms, end_ms, outcome::VARCHAR AS outcome, reason FROM attempt_log ORDER BY request_no, attempt_no`);
  } finally {
    store.close();
  }
}

describe('portkey: fixtures/configs/portkey-fallback-loadbalance.json through a scenario', () => {
  it('routes 3:1 across the primary pool, retries inside a target, falls back to google, times out at request_timeout', async () => {
    const rows = await runFixture();
    const byRequest = new Map<number, Row[]>();
    for (const r of rows) byRequest.set(r.request_no, [...(byRequest.get(r.request_no) ?? []), r]);
    expect(byRequest.size).toBe(1000);
    let openaiFirst = 0;
    let quiet = 0;
    let outage = 0;
    let stalled = 0;
    for (const [, attempts] of byRequest) {
      const [first] = attempts;
      const t = first!.scheduled_ms;
      const last = attempts[attempts.length - 1]!;
      expect(last.outcome).toBe('ok'); // google always answers
      const pick = first!.target === 'openai' ? 'targets[0].targets[0] (weight 3/4)' : 'targets[0].targets[1] (weight 1/4)';
      expect(first!.reason).toBe(`portkey: fallback targets[0] (1 of 2); loadbalance picked ${pick}`);
      if (t < 100_000 || (t >= 210_000 && t < 290_000) || t >= 400_000) {
        quiet++;
        if (first!.target === 'openai') openaiFirst++;
        expect(attempts).toHaveLength(1);
      } else if (t >= 100_000 && t < 190_000) {
        outage++;
        // outage (503): 2 retries on the picked target (1 s, 2 s backoff after 100 ms errors), then the backup
        expect(attempts.map((a) => a.target)).toEqual([first!.target, first!.target, first!.target, 'google']);
        expect(attempts.slice(1).map((a, i) => a.sent_ms - attempts[i]!.sent_ms)).toEqual([1100, 2100, 100]);
        expect(attempts[3]!.reason).toBe('portkey: fallback targets[1] after 503');
      } else if (t >= 300_000 && t < 350_000 && first!.target === 'openai') {
        stalled++;
        // a 30 s stall: request_timeout 10 s → synthetic 408, not a default retry code → the backup
        expect(attempts.map((a) => [a.target, a.outcome])).toEqual([['openai', 'timeout'], ['google', 'ok']]);
        expect(first!.end_ms - first!.sent_ms).toBe(10_000);
        expect(attempts[1]!.reason).toBe('portkey: fallback targets[1] after 408');
      }
    }
    expect(outage).toBe(180);
    expect(stalled).toBeGreaterThan(50);
    const sigma = Math.sqrt(quiet * 0.75 * 0.25);
    expect(Math.abs(openaiFirst - quiet * 0.75)).toBeLessThanOrEqual(3 * sigma);
  });
});

describe('portkey: realistic configs from the docs parse', () => {
  const build = (options: unknown) => buildStrategy('portkey', options, { targets: TARGETS, allowProblems: true });

  it('the OSS peer config of gateways.md (custom hosts, retry, request_timeout, override_params.model)', () => {
    const config = {
      strategy: { mode: 'fallback' },
      request_timeout: 1000,
      retry: { attempts: 2 },
      targets: [
        { provider: 'openai', api_key: 'k', custom_host: 'http://127.0.0.1:19001/a/v1' },
        { provider: 'openai', api_key: 'k', custom_host: 'http://127.0.0.1:19001/b/v1', override_params: { model: 'backup-model' } },
      ],
    };
    const built = build({ config, targets: { openai: 'oa', 'openai/backup-model': 'gg' } });
    expect(built.problems).toEqual([]);
  });

  it('a docs-style conditional config with virtual keys and Model Catalog models, mapped by name', () => {
    const config = {
      strategy: {
        mode: 'conditional',
        conditions: [
          { query: { 'metadata.user_plan': { $eq: 'paid' } }, then: 'finetuned-gpt4' },
          { query: { 'metadata.user_plan': { $eq: 'free' } }, then: 'base-gpt4' },
        ],
        default: 'base-gpt4',
      },
      targets: [
        { name: 'finetuned-gpt4', virtual_key: 'xx', override_params: { model: 'ft://gpt4-xxxxx' } },
        { name: 'base-gpt4', provider: '@openai-prod', override_params: { model: '@openai-prod/gpt-4o' } },
      ],
    };
    const built = build({ config, targets: { 'finetuned-gpt4': 'an', 'base-gpt4': 'oa' } });
    expect(built.problems).toEqual([]);
    const h = new Harness(built);
    expect(h.first({ tags: { user_plan: 'paid' } })).toMatchObject({ target: 1, reason: 'portkey: conditional targets[0] (condition 1, then "finetuned-gpt4")' });
    expect(h.first({ tags: { user_plan: 'free' } })).toMatchObject({ target: 0, reason: 'portkey: conditional targets[1] (condition 2, then "base-gpt4")' });
    expect(h.first()).toMatchObject({ target: 0, reason: 'portkey: conditional default targets[1] ("base-gpt4")' });
  });

  it('a docs-style loadbalance over fallbacks with hosted extras: refused, then ignored with allow_unsupported', () => {
    const config = {
      strategy: { mode: 'loadbalance' },
      cache: { mode: 'semantic', max_age: 60 },
      targets: [
        { weight: 0.7, strategy: { mode: 'fallback', on_status_codes: [429, 241], cb_config: { failure_threshold: 5, cooldown_interval: 60000 } }, targets: [{ virtual_key: 'openai-vk' }, { virtual_key: 'anthropic-vk', override_params: { model: 'claude-3-5-haiku' } }] },
        { weight: 0.3, virtual_key: 'google-vk', retry: { attempts: 3, on_status_codes: [429, 500, 502, 503, 504, 529] } },
      ],
    };
    const targets = { 'openai-vk': 'oa', 'anthropic-vk': 'an', 'google-vk': 'gg' };
    expect(build({ config, targets }).problems.map((p) => p.path)).toEqual(['strategies.s.options.config.cache.mode', 'strategies.s.options.config.targets[0].strategy.cb_config']);
    const ok = build({ config, targets, allow_unsupported: true });
    expect(ok.problems).toEqual([]);
    const h = new Harness(ok);
    const firsts = [0, 0, 0];
    for (let i = 0; i < 2000; i++) firsts[targetOfDecision(h.first())]!++;
    expect(firsts[1]).toBe(0); // the fallback group starts with openai-vk
    expect(Math.abs(firsts[0]! - 1400)).toBeLessThanOrEqual(3 * Math.sqrt(2000 * 0.7 * 0.3));
  });
});
