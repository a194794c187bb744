/**
 * The record summary counts values the app and the upstream choose (a tag header's value, the
 * target an answer names): names that are also Object.prototype's ("constructor", "toString",
 * "__proto__") are counted like any other.
 */
import { describe, expect, it } from 'vitest';
import { summaryText } from '../../src/cli/commands/record.js';
import type { RecordedCall } from '../../src/record/record-row.js';
import { RecordStats } from '../../src/record/record-stats.js';

function call(team: string, target: string): RecordedCall {
  return {
    arrivalMs: 0,
    dialect: 'openai',
    route: 'gpt-4o-mini',
    stream: false,
    tags: { team },
    inputTokens: 1,
    cachedTokens: 0,
    outputTokens: 1,
    usageReported: true,
    prompt: { sha256: '', chars: 0, messages: 0, dlp: { found: [] } },
    observed: { status: 200, ok: true, latencyMs: 10, target },
  };
}

describe('record summary counts', () => {
  it('counts tag values and targets named like Object.prototype members (was "function Object() { [native code] }1", and __proto__ was dropped)', () => {
    const s = new RecordStats();
    const teams = ['constructor', '__proto__', 'toString', 'constructor', 'web'];
    const targets = ['hasOwnProperty', 'openai', 'hasOwnProperty', '__proto__', 'openai'];
    teams.forEach((t, i) => s.add(call(t, targets[i]!)));
    const sum = s.summary([], 1000);
    // hand-counted from the two lists above
    expect(Object.entries(sum.byTag.team!)).toEqual([
      ['constructor', 2],
      ['__proto__', 1],
      ['toString', 1],
      ['web', 1],
    ]);
    expect(Object.entries(sum.byTarget)).toEqual([
      ['hasOwnProperty', 2],
      ['openai', 2],
      ['__proto__', 1],
    ]);
    const text = summaryText(sum);
    expect(text).toContain('  tag team: constructor 2, __proto__ 1, toString 1, web 1\n');
    expect(text).toContain('  by target: hasOwnProperty 2, openai 2, __proto__ 1\n');
    const json = JSON.parse(JSON.stringify(sum)) as { byTag: Record<string, Record<string, unknown>>; byTarget: Record<string, unknown> };
    expect(Object.values(json.byTag.team!).every((n) => typeof n === 'number')).toBe(true);
    expect(json.byTarget).toEqual(JSON.parse('{"hasOwnProperty":2,"openai":2,"__proto__":1}'));
  });
});

describe('record summary text', () => {
  it('lists the 10 most frequent values of a tag and how many more (a tag of 5,000 user ids printed 5,000 on one line); --json keeps all', () => {
    const s = new RecordStats();
    for (let u = 0; u < 5000; u++) for (let k = 0; k < (u < 12 ? 12 - u : 1); k++) s.add(call(`u-${u}`, 'openai'));
    const sum = s.summary([], 1000);
    expect(Object.keys(sum.byTag.team!)).toHaveLength(5000);
    // u-0 12 calls, u-1 11, …, u-9 3; then 4,990 values of 2 or 1 calls
    expect(summaryText(sum)).toContain(`  tag team: ${Array.from({ length: 10 }, (_, u) => `u-${u} ${12 - u}`).join(', ')}, and 4,990 more\n`);
    expect(summaryText(sum)).toContain('  by target: openai 5,066\n');
  });
});
