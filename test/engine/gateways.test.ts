/** Gateways as a dependency: their own failures, added latency, limits, and what they cost. */
import { describe, expect, it } from 'vitest';
import { costBreakdown, monthlyFee, MONTH_MS } from '../../src/report/gateway-billing.js';
import { buildSummary } from '../../src/report/write-summary.js';
import { runYaml } from '../helpers/run-yaml.js';

const scenario = (extra: string, strategies: string) => `
name: gw
seed: 4
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 10 }, duration: 10m, input_tokens: { dist: constant, value: 1000 }, output_tokens: { dist: constant, value: 100 }, stream: 1 }
gateways:
  router:
    added_latency_ms: { p50: 40, p99: 40 }
    billing: { model: credits, fee_pct: 5.5 }
targets:
  direct: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
  via-router: { provider: openai, model: gpt-4o-mini, via: router }
${extra}
strategies:
${strategies}`;

describe('gateways', () => {
  it("a target via a gateway has the direct twin's luck plus the gateway latency", async () => {
    const { store, run } = await runYaml(scenario('', `  direct: { use: single, options: { target: direct } }\n  gw: { use: single, options: { target: via-router } }`));
    const rows = await store.all<{ strategy: string; ttft: number }>(
      `SELECT r.strategy, min(q.ttft_ms) AS ttft FROM requests q JOIN runs r USING (run_no) WHERE q.success GROUP BY ALL ORDER BY r.strategy`,
    );
    // perfect: TTFT 100 ms; the gateway adds 40 ms
    expect(rows.map((r) => [r.strategy, Math.round(r.ttft)])).toEqual([
      ['direct', 100],
      ['gw', 140],
    ]);
    void run;
    store.close();
  });

  it('gateway outages and 402s fail attempts with gateway kinds; a direct bypass absorbs them', async () => {
    const { store, run } = await runYaml(
      scenario(
        `incidents:
  - { name: router-down, kind: outage, gateways: [router], start: 1m, duration: 2m }
  - { name: router-credits, kind: credits_exhausted, gateways: [router], start: 5m, duration: 1m }`,
        `  gw-only: { use: single, options: { target: via-router } }
  bypass: { use: fallback, options: { targets: [via-router, direct], on: [gateway_error, payment_required] } }`,
      ),
    );
    const kinds = await store.all<{ kind: string; status: number; incident: string; n: number }>(
      `SELECT error_kind::VARCHAR AS kind, http_status AS status, incident, count(*)::INTEGER AS n FROM attempt_log
       WHERE run_no = ${run('gw-only')} AND outcome = 'error' GROUP BY ALL ORDER BY kind`,
    );
    expect(kinds).toEqual([
      { kind: 'gateway_error', status: 502, incident: 'router-down', n: 1200 },
      { kind: 'payment_required', status: 402, incident: 'router-credits', n: 600 },
    ]);
    const [ok] = await store.all<{ s: number }>(`SELECT avg(success::INTEGER) AS s FROM requests WHERE run_no = ${run('bypass')}`);
    expect(ok!.s).toBe(1);
    store.close();
  });

  it('the summary adds gateway fees to provider spend, scaled to a month', async () => {
    const { store, result } = await runYaml(scenario('', `  direct: { use: single, options: { target: direct } }\n  gw: { use: single, options: { target: via-router } }`));
    const { json } = await buildSummary(store, { ...result, traffic: result.trafficDescription });
    const [direct, gw] = json.costs;
    expect(direct!.gatewayFeesUsd).toBe(0);
    expect(gw!.gatewayFeesUsd).toBeCloseTo(gw!.providerUsd * 0.055, 12);
    const windowMs = json.strategies[1]!.traffic_ms!;
    expect(gw!.monthlyTotalUsd).toBeCloseTo(gw!.providerUsd * 1.055 * (MONTH_MS / windowMs), 9);
    store.close();
  });

  it('billing models: credits, BYOK with a free allowance, subscription with included requests, passthrough', () => {
    expect(monthlyFee({ model: 'credits', fee_pct: 5.5 }, 1000, 0)).toBeCloseTo(55, 12);
    expect(monthlyFee({ model: 'byok', fee_pct: 5, free_spend_usd_per_month: 25_000 }, 30_000, 0)).toBeCloseTo(250, 12);
    expect(monthlyFee({ model: 'byok', fee_pct: 5, free_spend_usd_per_month: 25_000 }, 20_000, 0)).toBe(0);
    expect(monthlyFee({ model: 'subscription', monthly_usd: 49, included_requests_per_month: 100_000, per_1k_requests_usd: 0.09 }, 5000, 300_000)).toBeCloseTo(49 + 200 * 0.09, 12);
    expect(monthlyFee({ model: 'passthrough', monthly_usd: 120 }, 1e6, 1e6)).toBe(120);
    // a day replayed: a $49/month plan costs 49/30 in the window
    const day = costBreakdown(10, [{ gateway: 'p', spendUsd: 10, attempts: 100 }], { p: { model: 'subscription', monthly_usd: 49, included_requests_per_month: 1e6, per_1k_requests_usd: 1 } }, 86_400_000);
    expect(day.gatewayFeesUsd).toBeCloseTo(49 / 30, 12);
    expect(day.monthlyTotalUsd).toBeCloseTo(300 + 49, 9);
  });
});
