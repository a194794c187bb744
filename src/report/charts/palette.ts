/**
 * Colours that mean the same thing on every chart of a report.
 *
 * Strategies: one colour per strategy by its position in the summary (the baseline first), from a
 * fixed list of 20 distinguishable colours, so a strategy has the same colour in the summary's
 * swatch, the shift plot, the cost chart, the over-time lines and the history trend.
 *
 * Targets: one hue per provider, one shade of it per target of that provider (the routes to it:
 * direct, through OpenRouter, Portkey, LiteLLM, ...). Sixteen targets over five providers stay
 * sixteen distinct colours, and the eye still groups "everything that ended at OpenAI".
 * Pure and deterministic: the same names in the same order give the same colours.
 */

/** Tableau 10 followed by its lighter companions (Tableau 20's second halves). */
const STRATEGY_COLOURS = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f4e79', '#a0522d', '#8b1a1a', '#2f7f7a', '#2e6b27', '#a68a00', '#6b3f68', '#c4456b', '#5c4033', '#5f5f5f',
];

/** Range for a strategy colour scale whose domain is `strategies` (summary order). */
export function strategyRange(strategies: readonly string[]): string[] {
  return strategies.map((_, i) => STRATEGY_COLOURS[i % STRATEGY_COLOURS.length]!);
}

/** The colour of one strategy, given the summary order. */
export function strategyColour(strategies: readonly string[], strategy: string): string {
  const i = strategies.indexOf(strategy);
  return STRATEGY_COLOURS[(i < 0 ? 0 : i) % STRATEGY_COLOURS.length]!;
}

/** Provider hues in degrees: well apart on the colour wheel, in the order providers first appear. */
const PROVIDER_HUES = [145, 25, 265, 205, 350, 48, 300, 180, 95, 230, 0, 320];

export interface TargetInfo {
  target: string;
  provider: string;
}

export interface TargetColours {
  /** Targets grouped by provider (first appearance order), then in their given order. */
  domain: string[];
  range: string[];
}

/** Hue per provider, shade per target of that provider; lightness spread from 30% to 72%. */
export function targetColours(targets: readonly TargetInfo[]): TargetColours {
  const providers: string[] = [];
  for (const t of targets) if (!providers.includes(t.provider)) providers.push(t.provider);
  const domain: string[] = [];
  const range: string[] = [];
  providers.forEach((p, pi) => {
    const mine = targets.filter((t) => t.provider === p);
    // Hues repeat only past 12 providers; a repeat gets a different saturation.
    const hue = PROVIDER_HUES[pi % PROVIDER_HUES.length]!;
    const sat = pi < PROVIDER_HUES.length ? 62 : 35;
    mine.forEach((t, i) => {
      const light = mine.length === 1 ? 45 : 30 + (42 * i) / (mine.length - 1);
      domain.push(t.target);
      range.push(hsl(hue, sat, light));
    });
  });
  return { domain, range };
}

/** HSL (degrees, percent, percent) → #rrggbb. */
export function hsl(h: number, s: number, l: number): string {
  const sat = s / 100;
  const lig = l / 100;
  const a = sat * Math.min(lig, 1 - lig);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = lig - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
