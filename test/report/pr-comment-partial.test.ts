/**
 * The PR comment compares the head's runs with the base branch's. A head run that did not see all
 * the traffic (interrupted here; an abort_on_fail stop is the same) must be compared over the
 * common traffic window only, as `routebench compare` and the report do: a run cut before an
 * outage otherwise shows a large, "significant" success-rate win. The oracle is computed in plain
 * JavaScript from both stores' attempt rows.
 */
import { describe, expect, it } from 'vitest';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';
import { compareWithBase, prCommentMarkdown } from '../../src/report/pr-comment.js';
import type { Store } from '../../src/store/open-store.js';

const yaml = twoTargetYaml({
  rate: 100,
  count: 30_000,
  a: '{ profile: perfect }',
  incidents: '[{ kind: outage, targets: [a], start: 3m, duration: 1h }]',
  strategies: `  single:
    use: single
    options: { target: a }`,
});

/** Success rate of the requests scheduled before `untilMs`, from the attempt rows. */
async function successBefore(store: Store, untilMs: number): Promise<number> {
  const rows = await store.all<{ request_no: number; scheduled_ms: number; outcome: string }>(`SELECT request_no, scheduled_ms, outcome::VARCHAR AS outcome FROM attempts`);
  const req = new Map<number, { t: number; ok: boolean }>();
  for (const r of rows) {
    const q = req.get(r.request_no) ?? { t: r.scheduled_ms, ok: false };
    q.ok ||= r.outcome === 'ok';
    req.set(r.request_no, q);
  }
  const inWindow = [...req.values()].filter((q) => q.t < untilMs);
  return inWindow.filter((q) => q.ok).length / inWindow.length;
}

describe('the PR comment against the base branch', () => {
  it('compares a head run that did not finish over the common traffic window only', async () => {
    const base = await runYaml(yaml);
    const controller = new AbortController();
    const head = await runYaml(yaml, { signal: controller.signal, onProgress: (p) => void (p.requests >= 12_000 && controller.abort()) });
    expect(head.result.runs[0]!.status).toBe('interrupted');

    const cmp = await compareWithBase(base.store, head.store, { budget: [], resamples: 200, seed: 1 });
    const [change] = cmp.changes;
    // the head stopped about two minutes in, before the outage at 3m
    expect(change!.untilMs).toBeGreaterThan(60_000);
    expect(change!.untilMs).toBeLessThan(180_000);
    const success = change!.rows.find((r) => r.metric === 'success_rate')!;
    expect(success.baseline).toBeCloseTo(await successBefore(base.store, change!.untilMs!), 12);
    expect(success.candidate).toBeCloseTo(await successBefore(head.store, change!.untilMs!), 12);
    // before the outage both runs answer everything: nothing changed
    expect(success.verdict).not.toBe('win');
    const md = prCommentMarkdown({ answers: [], base: cmp });
    expect(md).not.toMatch(/success rate \+\d/);
    base.store.close();
    head.store.close();
  }, 60_000);
});
