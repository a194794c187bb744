/**
 * Spend per budget per calendar period. Traffic time (ms from the start of the run) is placed on
 * the UTC calendar from a start time, so daily budgets reset at midnight UTC, weekly ones on
 * Monday (ISO weeks) and monthly ones on the 1st, as Merge, LiteLLM and OpenRouter reset theirs.
 */
import type { Tags } from '../traffic/traffic-request.js';

export const PERIODS = ['daily', 'weekly', 'monthly', 'total'] as const;
export type Period = (typeof PERIODS)[number];

export interface BudgetRule {
  name: string;
  scope: 'all' | { tag: string; value: string };
  limit_usd: number;
  period: Period;
  warn_at: readonly number[];
}

const DAY = 86_400_000;

/** A number identifying the calendar period `t` (ms since the epoch, UTC) falls in. */
export function periodKey(period: Period, t: number): number {
  switch (period) {
    case 'daily':
      return Math.floor(t / DAY);
    case 'weekly':
      // 1970-01-01 was a Thursday: shift so weeks start on Monday.
      return Math.floor((t / DAY + 3) / 7);
    case 'monthly': {
      const d = new Date(t);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
    case 'total':
      return 0;
  }
}

export class BudgetLedger {
  private readonly spent: number[];
  private readonly period: number[];
  /** Highest warn_at level already noted in the current period. */
  private readonly warned: number[];

  constructor(private readonly rules: readonly BudgetRule[], private readonly startEpochMs: number) {
    this.spent = rules.map(() => 0);
    this.period = rules.map(() => NaN);
    this.warned = rules.map(() => 0);
  }

  private applies(i: number, tags: Tags): boolean {
    const s = this.rules[i]!.scope;
    return s === 'all' || tags[s.tag] === s.value;
  }

  /** Rolls a budget into the period of `now` (ms from the start of the run). */
  private roll(i: number, now: number): void {
    const key = periodKey(this.rules[i]!.period, this.startEpochMs + now);
    if (key !== this.period[i]) {
      this.period[i] = key;
      this.spent[i] = 0;
      this.warned[i] = 0;
    }
  }

  spend(tags: Tags, usd: number, now: number): void {
    if (usd === 0) return;
    for (let i = 0; i < this.rules.length; i++) {
      if (!this.applies(i, tags)) continue;
      this.roll(i, now);
      this.spent[i]! += usd;
    }
  }

  /** Budgets covering these tags that are at or over their limit now. */
  over(tags: Tags, now: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.rules.length; i++) {
      if (!this.applies(i, tags)) continue;
      this.roll(i, now);
      if (this.spent[i]! >= this.rules[i]!.limit_usd) out.push(i);
    }
    return out;
  }

  /** A note the first time a warn_at level (or the limit itself) is passed in a period; undefined otherwise. */
  takeWarning(tags: Tags, now: number): string | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      if (!this.applies(i, tags)) continue;
      this.roll(i, now);
      const r = this.rules[i]!;
      const share = this.spent[i]! / r.limit_usd;
      const level = share >= 1 ? 1 : Math.max(0, ...r.warn_at.filter((w) => share >= w));
      if (level > this.warned[i]!) {
        this.warned[i] = level;
        return level === 1
          ? `budget: ${r.name} reached its limit of $${r.limit_usd} ${r.period}`
          : `budget: ${r.name} passed ${Math.round(level * 100)}% of $${r.limit_usd} ${r.period}`;
      }
    }
    return undefined;
  }
}
