/**
 * The gateway-shootout scenario tells the story its description promises: the three product
 * configs and a direct fallback through one day with a regional outage, a 429 storm and an
 * OpenRouter outage; the bypass absorbs the gateway's outage, the budget downgrades, and the
 * summary answers which config, at what monthly cost, with what availability.
 */
import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../src/report/write-summary.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';

describe('scenarios/gateway-shootout.yaml', async () => {
  const store = await openStore(':memory:');
  const result = await runScenario(await loadScenario('scenarios/gateway-shootout.yaml'), { store, env: testEnv });
  const { json, markdown } = await buildSummary(store, { ...result, traffic: result.trafficDescription });
  const row = (s: string) => json.strategies.find((r) => r.strategy === s)!;
  const runNo = (s: string) => row(s).run_no;
  const gatewayFailures = async (s: string) =>
    (await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM requests WHERE run_no = ${runNo(s)} AND NOT success AND last_error IN ('gateway_error', 'payment_required')`))[0]!.n;

  it('runs every strategy over the same day of traffic', () => {
    expect(json.strategies.map((r) => r.strategy)).toEqual(['direct-fallback', 'openrouter', 'openrouter-bypass', 'portkey', 'litellm', 'litellm-budget']);
    expect(new Set(json.strategies.map((r) => r.requests)).size).toBe(1);
    expect(json.strategies[0]!.requests).toBeGreaterThan(40_000);
  });

  it("OpenRouter's own outage fails requests at the gateway layer; the direct bypass absorbs it", async () => {
    expect(await gatewayFailures('openrouter')).toBeGreaterThan(1000);
    expect(await gatewayFailures('openrouter-bypass')).toBe(0);
    expect(row('openrouter').success_rate).toBeLessThan(0.99);
    expect(row('openrouter-bypass').success_rate).toBeGreaterThan(0.995);
    // the bypass sends those requests to direct keys: only then do direct targets appear
    const [direct] = await store.all<{ n: number; first: number }>(
      `SELECT count(*)::INTEGER AS n, min(scheduled_ms) AS first FROM attempt_log WHERE run_no = ${runNo('openrouter-bypass')} AND target IN ('openai', 'anthropic', 'google')`,
    );
    expect(direct!.n).toBeGreaterThan(1000);
    expect(direct!.first).toBeGreaterThanOrEqual(19.5 * 3_600_000);
  });

  it('gateway fees follow each billing model: credits fee, subscription, self-hosting, none for direct', () => {
    const cost = (s: string) => json.costs.find((c) => c.strategy === s)!;
    expect(cost('direct-fallback').gatewayFeesUsd).toBe(0);
    expect(cost('openrouter').gatewayFeesUsd).toBeCloseTo(cost('openrouter').providerUsd * 0.055, 9);
    // portkey: $49 a month with 100k requests, then $0.09 per 1k; litellm: $150 a month of hosting
    expect(cost('portkey').monthlyFeesUsd).toBeGreaterThan(49);
    expect(cost('litellm').monthlyFeesUsd).toBeCloseTo(150, 9);
  });

  it('the budget downgrades batch summaries to the cheaper model once past $1 a day, and spends less', async () => {
    const [d] = await store.all<{ n: number; first: number }>(
      `SELECT count(*)::INTEGER AS n, min(sent_ms) AS first FROM attempt_log WHERE run_no = ${runNo('litellm-budget')} AND target = 'll-gemini-lite'`,
    );
    expect(d!.n).toBeGreaterThan(1000);
    expect(d!.first).toBeGreaterThan(6 * 3_600_000);
    expect(row('litellm-budget').total_cost_usd).toBeLessThan(row('litellm').total_cost_usd);
  });

  it('the summary answers the question: availability and monthly total per config', () => {
    expect(json.verdict?.cost_basis).toBe('month');
    expect(json.verdict?.most_available.strategy).toBe('direct-fallback');
    // every config clears the 95% floor; OpenRouter is the cheapest, its own outage included
    expect(json.verdict?.cheapest_passing?.strategy).toBe('openrouter');
    expect(json.verdict?.cheapest.strategy).toBe('openrouter');
    expect(json.strategies.every((r) => r.status === 'ok')).toBe(true);
    expect(markdown).toContain('## What it costs');
    expect(markdown).toContain('## The answer');
  });
});
