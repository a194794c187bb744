import { describe, expect, it } from 'vitest';
import { Harness, sentTargets } from './fake-context.js';
import { MiniEngine, sends, targetOfDecision } from './mini-engine.js';
import { runEngine, scenarioYaml } from './engine-run.js';
import { describeStrategy } from './strategy.case.js';

describeStrategy('fallback', (ids) => ({ targets: ids }));

describe('fallback', () => {
  it('tries members in order and stops when all have failed', () => {
    const h = Harness.of('fallback', { targets: ['t2', 't0', 't1'] });
    const req = h.request();
    expect(req.decide('arrival')).toMatchObject({ type: 'send', target: 2, reason: 'fallback: t2 (1st in order)' });
    expect(req.fail('server_error')).toMatchObject({ type: 'send', target: 0, reason: 'fallback: t0 (2nd) after t2 server_error' });
    expect(req.fail('timeout')).toMatchObject({ type: 'send', target: 1, reason: 'fallback: t1 (3rd) after t0 timeout' });
    expect(req.fail('rate_limited')).toEqual({ type: 'stop', reason: 'fallback: every member tried or blocked' });
  });

  it('a success on the first member means one attempt only (engine)', () => {
    const eng = new MiniEngine(Harness.of('fallback', { targets: ['t0', 't1'] }).built, () => ({ outcome: 'ok', latencyMs: 100 }));
    const states = eng.runSequential(5);
    expect(states.every((s) => s.succeeded && s.sent.length === 1 && s.sent[0]!.target === 0)).toBe(true);
  });

  it('honours `on`: no failover on a kind outside the list', () => {
    const h = Harness.of('fallback', { targets: ['t0', 't1', 't2'], on: ['rate_limited', 'timeout'] });
    const a = h.request();
    a.decide('arrival');
    expect(a.fail('server_error')).toEqual({ type: 'stop', reason: 'fallback: no failover on server_error' });
    const b = h.request();
    b.decide('arrival');
    expect(b.fail('rate_limited')).toMatchObject({ type: 'send', target: 1 });
    expect(b.fail('timeout')).toMatchObject({ type: 'send', target: 2 });
    const c = h.request();
    c.decide('arrival');
    expect(c.fail('rate_limited')).toMatchObject({ type: 'send', target: 1 });
    expect(c.fail('auth')).toEqual({ type: 'stop', reason: 'fallback: no failover on auth' });
  });

  it('by default fails over on every kind, non-retryable ones included', () => {
    const h = Harness.of('fallback', { targets: ['t0', 't1'] });
    for (const kind of ['auth', 'context_length', 'quota_exhausted', 'invalid_request'] as const) {
      const req = h.request();
      req.decide('arrival');
      expect(req.fail(kind), kind).toMatchObject({ type: 'send', target: 1 });
    }
  });

  it('skips blocked members', () => {
    const h = Harness.of('fallback', { targets: ['t0', 't1', 't2'] });
    h.blockMask[0] = 1;
    const req = h.request();
    expect(req.decide('arrival')).toMatchObject({ type: 'send', target: 1 });
    h.blockMask[2] = 1;
    expect(req.fail('server_error')).toMatchObject({ type: 'stop' });
  });

  it('nested: fallback over a weighted group, then a target', () => {
    const group = { use: 'weighted', options: { targets: [{ target: 't0', weight: 1 }, { target: 't1', weight: 1 }] } };
    const h = Harness.of('fallback', { targets: [group, 't2'] }, { seed: 3 });
    const firsts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const req = h.request();
      const first = req.decide('arrival');
      firsts.add(targetOfDecision(first));
      // weighted has failover: false, so its group gives up after one failure and fallback moves on
      expect(req.fail('server_error')).toMatchObject({ type: 'send', target: 2 });
      expect(req.fail('server_error').type).toBe('stop');
      expect(sentTargets(req.decisions)).toHaveLength(2);
    }
    expect([...firsts].sort()).toEqual([0, 1]);
  });

  it('nested: a failover-enabled group is exhausted before the next member', () => {
    const group = { use: 'weighted', options: { failover: true, targets: [{ target: 't0' }, { target: 't1' }] } };
    const h = Harness.of('fallback', { targets: [group, 't2'] }, { seed: 5 });
    for (let i = 0; i < 50; i++) {
      const req = h.request();
      req.decide('arrival');
      req.fail('server_error');
      req.fail('server_error');
      expect(req.decisions[2]).toMatchObject({ type: 'send', target: 2 });
      expect(new Set(sentTargets(req.decisions)).size).toBe(3);
    }
  });

  // BUG: createMemberLoop returns only `decide`; fallback/weighted/round-robin never forward
  // observe() to nested strategies, so a nested circuit-breaker (or least-latency, cheapest)
  // never sees an attempt.
  it('forwards observe to nested strategies (a nested circuit-breaker can open)', () => {
    const breaker = { use: 'circuit-breaker', options: { inner: 't0', min_requests: 2, failure_rate: 0.5, cooldown_ms: 60_000 } };
    const built = Harness.of('fallback', { targets: [breaker, 't1'] }).built;
    const eng = new MiniEngine(built, ({ target }) => (target === 0 ? { outcome: 'error', errorKind: 'server_error', latencyMs: 50 } : { outcome: 'ok', latencyMs: 100 }));
    const states = eng.runSequential(6);
    expect(states.every((s) => s.succeeded)).toBe(true);
    // two failures on t0 open its breaker: later requests go straight to t1
    expect(states.map((s) => s.sent[0]!.target)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(sends(eng.log).length).toBe(8);
  });
});

describe('fallback in a full run', () => {
  it('fails over from an always-failing target; attempt rows record both', async () => {
    const { attempts, requests } = await runEngine(
      scenarioYaml({
        targets: `  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 1 } } }
  b: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect } }`,
        strategy: '{ use: fallback, options: { targets: [a, b] } }',
      }),
    );
    expect(requests).toHaveLength(10);
    expect(requests.every((r) => r.success && r.attempts === 2 && r.failover)).toBe(true);
    for (let i = 0; i < 10; i++) {
      const rows = attempts.filter((a) => a.request_no === i);
      expect(rows.map((r) => [r.target, r.outcome, r.error_kind])).toEqual([['a', 'error', 'server_error'], ['b', 'ok', null]]);
      expect(rows[1]!.reason).toBe('fallback: b (2nd) after a server_error');
      expect(rows[1]!.sent_ms).toBe(rows[0]!.end_ms);
    }
  });
});

// BUG: `single` decides from ctx.attempts (the whole request's), not from a state slot, so as a
// later member of a composite it believes it has already run and stops without sending.
describe('fallback over a nested single', () => {
  it('a single member after a failed member still gets its attempt', () => {
    const h = Harness.of('fallback', { targets: ['t0', { use: 'single', options: { target: 't1' } }, 't2'] });
    const req = h.request();
    req.decide('arrival');
    expect(req.fail('server_error')).toMatchObject({ type: 'send', target: 1 });
    expect(req.fail('server_error')).toMatchObject({ type: 'send', target: 2 });
  });
});
