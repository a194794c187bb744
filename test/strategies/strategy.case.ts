/**
 * The conformance suite every strategy passes (hono-style shared cases): each strategy's test
 * file calls describeStrategy(name, makeOptions) first, then tests its own properties.
 * Routers are driven through the real RequestMachine (see mini-engine.ts).
 */
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, OUTCOMES, type ErrorKind } from '../../src/providers/canonical.js';
import { strategies } from '../../src/strategies/index.js';
import { buildStrategy, makeAttempt, makeRequest, makeTargets } from './fake-context.js';
import { MiniEngine, mixedScript, sends, type LoggedDecision } from './mini-engine.js';

export const CASES = ['valid unblocked targets', 'stops when every attempt fails', 'deterministic', 'observe accepts every outcome', 'reasons', 'rejects unknown option', 'unknown target id'] as const;
export type CaseName = (typeof CASES)[number];

export interface ConformanceOptions {
  skip?: { reason: string; tests: string[] }[];
}

const IDS = ['a', 'b', 'c'];
/** Different prices so price-aware strategies have a real choice. */
const TARGETS = makeTargets(IDS, [{ input: 2, output: 8 }, { input: 0.15, output: 0.6 }, { input: 0.8, output: 4 }]);
const BLOCK_PATTERNS: readonly (readonly number[])[] = [[], [0], [1], [2], [0, 1], [1, 2], [0, 1, 2]];
const REQUESTS = 40;

export function describeStrategy(name: string, makeOptions: (targetIds: string[]) => unknown, opts: ConformanceOptions = {}): void {
  const build = (seed = 7, ids = IDS) => buildStrategy(name, makeOptions(ids), { targets: TARGETS, seed });
  const test = (title: CaseName, fn: () => void) => {
    const skip = opts.skip?.find((s) => s.tests.includes(title));
    if (skip) it.skip(`${title} (skipped: ${skip.reason})`, fn);
    else it(title, fn);
  };
  /** Runs REQUESTS requests against a mixed script with `blocked` targets blocked by an outer wrapper. */
  const mixedRun = (blocked: readonly number[], seed = 7): MiniEngine => {
    const eng = new MiniEngine(build(seed), mixedScript(seed));
    eng.blockedTargets = blocked;
    eng.runSequential(REQUESTS, 500);
    return eng;
  };

  describe(`${name}: conformance`, () => {
    test('valid unblocked targets', () => {
      for (const blocked of BLOCK_PATTERNS) {
        const eng = mixedRun(blocked);
        expect(eng.finishedStates).toHaveLength(REQUESTS);
        for (const l of sends(eng.log)) {
          const d = l.decision as { target: number };
          expect(Number.isInteger(d.target) && d.target >= 0 && d.target < TARGETS.length, `target ${d.target}`).toBe(true);
          expect(blocked, `sent to blocked target ${d.target} (blocked: ${blocked.join(',')})`).not.toContain(d.target);
        }
        if (blocked.length === 0) expect(sends(eng.log).length).toBeGreaterThan(0);
      }
    });

    test('stops when every attempt fails', () => {
      for (const kind of ERROR_KINDS) {
        const eng = new MiniEngine(build(), () => ({ outcome: kind === 'timeout' ? 'timeout' : 'error', errorKind: kind, latencyMs: 50, retryAfterMs: 300 }));
        const states = eng.runSequential(6, 100_000);
        expect(eng.finishedStates, kind).toHaveLength(6);
        for (const st of states) {
          expect(st.succeeded, kind).toBe(false);
          expect(st.stopReason, `${kind}: ${st.stopReason}`).not.toMatch(/^engine:/);
          expect(st.decisions, `${kind}: decisions`).toBeLessThanOrEqual(60);
          expect(st.sent.length, `${kind}: attempts`).toBeLessThanOrEqual(20);
        }
        const last = eng.log[eng.log.length - 1]!;
        expect(last.decision.type, kind).toBe('stop');
      }
    });

    test('deterministic', () => {
      const strip = (log: LoggedDecision[]) => log.map((l) => ({ ...l, blocked: [...l.blocked] }));
      for (const blocked of [[], [1]]) {
        const a = mixedRun(blocked, 11);
        const b = mixedRun(blocked, 11);
        expect(a.log.length).toBeGreaterThan(REQUESTS - 1);
        expect(strip(b.log)).toEqual(strip(a.log));
      }
    });

    test('observe accepts every outcome', () => {
      const { router } = build();
      const kinds: (ErrorKind | undefined)[] = [undefined, ...ERROR_KINDS];
      let now = 0;
      for (const outcome of OUTCOMES.filter((o) => o !== 'gave_up')) {
        for (const errorKind of outcome === 'error' ? kinds.slice(1) : outcome === 'timeout' ? (['timeout'] as const) : [undefined]) {
          for (const stream of [false, true]) {
            for (let target = 0; target < TARGETS.length; target++) {
              now += 10;
              const ttftMs = outcome === 'ok' && stream ? 40 : undefined;
              const att = makeAttempt({ request: makeRequest({ stream }), target, outcome, errorKind, sentMs: now - 100, endMs: now, ttftMs, retryAfterMs: errorKind === 'rate_limited' ? 500 : undefined });
              expect(() => router.observe?.(att, now), `${outcome} ${errorKind ?? ''}`).not.toThrow();
            }
          }
        }
      }
      // still routes afterwards
      const eng = new MiniEngine(build(), () => ({ outcome: 'ok', latencyMs: 100 }));
      eng.runSequential(3);
      expect(eng.finishedStates).toHaveLength(3);
    });

    test('reasons', () => {
      const all = BLOCK_PATTERNS.flatMap((b) => mixedRun(b).log);
      expect(all.length).toBeGreaterThan(0);
      for (const l of all) {
        expect(typeof l.decision.reason).toBe('string');
        expect(l.decision.reason.trim().length, JSON.stringify(l.decision)).toBeGreaterThan(0);
      }
    });

    test('rejects unknown option', () => {
      const schema = strategies[name]!.options;
      const good = makeOptions(IDS) as Record<string, unknown>;
      expect(schema.safeParse(good).success).toBe(true);
      const bad = schema.safeParse({ ...good, no_such_option: 1 });
      expect(bad.success).toBe(false);
      expect(bad.error?.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
      const built = buildStrategy(name, { ...good, no_such_option: 1 }, { targets: TARGETS, allowProblems: true });
      expect(built.problems.map((p) => p.message).join('\n')).toMatch(/^unknown key "no_such_option"/m);
      expect(built.problems[0]!.path).toBe('strategies.s.options.no_such_option');
    });

    test('unknown target id', () => {
      const built = buildStrategy(name, makeOptions(['nope', 'b', 'c']), { targets: TARGETS, allowProblems: true });
      expect(built.problems.some((p) => p.message.includes('nope'))).toBe(true);
    });
  });
}
