/**
 * Colours: sixteen targets over five providers stay sixteen colours, one hue per provider (hue
 * recomputed here from the hex), and a strategy has the same colour in every chart of a report.
 */
import { describe, expect, it } from 'vitest';
import { hsl, strategyRange, targetColours } from '../../src/report/charts/palette.js';
import { latencyShiftChart } from '../../src/report/charts/latency-shift.js';
import { costVsLatencyChart } from '../../src/report/charts/cost-vs-latency.js';
import { overTimeChart } from '../../src/report/charts/over-time.js';

/** Hue in degrees of #rrggbb (the textbook RGB → HSV formula). */
function hue(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

const SHOOTOUT = [
  ['openai', 'openai'], ['azure', 'azure'], ['anthropic', 'anthropic'], ['google', 'google'], ['gemini', 'gemini'],
  ['or-openai', 'openai'], ['or-azure', 'azure'], ['or-anthropic', 'anthropic'], ['pk-openai', 'openai'], ['pk-anthropic', 'anthropic'],
  ['pk-google', 'google'], ['ll-openai', 'openai'], ['ll-azure', 'azure'], ['ll-anthropic', 'anthropic'], ['ll-gemini', 'gemini'], ['ll-gemini-lite', 'google'],
].map(([target, provider]) => ({ target: target!, provider: provider! }));

describe('target colours', () => {
  it('gives 16 targets 16 distinct colours, one hue per provider, grouped by provider', () => {
    const { domain, range } = targetColours(SHOOTOUT);
    expect(new Set(range).size).toBe(16);
    expect(domain.slice(0, 4)).toEqual(['openai', 'or-openai', 'pk-openai', 'll-openai']);
    const providerOf = new Map(SHOOTOUT.map((t) => [t.target, t.provider]));
    const hues = new Map<string, number[]>();
    domain.forEach((t, i) => hues.set(providerOf.get(t)!, [...(hues.get(providerOf.get(t)!) ?? []), hue(range[i]!)]));
    for (const [, hs] of hues) for (const h of hs) expect(Math.abs(h - hs[0]!)).toBeLessThan(3);
    const firstHues = [...hues.values()].map((hs) => hs[0]!);
    for (let i = 0; i < firstHues.length; i++) for (let j = 0; j < i; j++) expect(Math.abs(firstHues[i]! - firstHues[j]!)).toBeGreaterThan(20);
  });

  it('converts HSL like the CSS definition', () => {
    expect(hsl(0, 100, 50)).toBe('#ff0000');
    expect(hsl(120, 100, 25)).toBe('#008000');
    expect(hsl(240, 100, 50)).toBe('#0000ff');
    expect(hsl(0, 0, 100)).toBe('#ffffff');
  });
});

describe('strategy colours', () => {
  it('are the same scale on every chart of a report', () => {
    const strategies = ['single', 'fallback', 'hedge'];
    const expected = { domain: strategies, range: strategyRange(strategies) };
    const scales: unknown[] = [];
    const walk = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.field === 'strategy' && o.scale && typeof o.scale === 'object' && 'range' in (o.scale as object)) scales.push(o.scale);
      for (const v of Object.values(o)) walk(v);
    };
    const point = { p95_latency_ms: 100, cost_per_1k_usd: 1, success_rate: 0.99, pareto: true };
    walk(latencyShiftChart([{ strategy: 'fallback', quantile: 'p50', p: 0.5, baseline_ms: 1, candidate_ms: 2, delta_ms: 1, lo_ms: 0, hi_ms: 2, verdict: 'tie' }], 'single', strategies, ['p50']));
    walk(costVsLatencyChart(strategies.map((strategy) => ({ strategy, ...point })), strategies, null));
    walk(overTimeChart([], [], strategies, 60_000, 1000));
    expect(scales.length).toBeGreaterThanOrEqual(5);
    for (const s of scales) expect(s).toEqual(expected);
    expect(new Set(strategyRange(Array.from({ length: 20 }, (_, i) => `s${i}`))).size).toBe(20);
  });
});
