import { describe, expect, it } from 'vitest';
import { corpusPrompt } from '../../src/dlp/corpus.js';
import { applyPolicy, compilePolicy, type DlpPolicyInput } from '../../src/dlp/policy.js';
import { dlpDetectors, dlpVerdicts } from '../../src/store/dlp-queries.js';
import { buildSummary } from '../../src/report/write-summary.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';
import { formatProblem, type HarnessError } from '../../src/errors.js';

const COUNT = 3000;
const corpus = { seed: 7, secret_share: 0.3, decoy_share: 0.5 };
const policy: DlpPolicyInput = { detectors: { email: 'flag', phone: 'flag' }, custom: [{ name: 'ticket', pattern: 'never-\\d+', action: 'flag' }] };

const yaml = twoTargetYaml({
  count: COUNT,
  strategies: `
  plain:
    use: fallback
    options: { targets: [a, b] }
  guarded:
    use: dlp
    options:
      inner: { use: fallback, options: { targets: [a, b] } }
      policy: ${JSON.stringify(policy)}
      prompts: { corpus: ${JSON.stringify(corpus)} }
      scan_ms: 40`,
});

/** The oracle: the same corpus and policy scanned in JS, counted per request. */
function expected() {
  const p = compilePolicy(policy);
  const verdicts = { block: 0, redact: 0, flag: 0, pass: 0 };
  const det = new Map<string, { tp: number; fp: number; fn: number }>();
  const blockedIdx = new Set<number>();
  for (let i = 0; i < COUNT; i++) {
    const prompt = corpusPrompt(corpus.seed, i, { secretShare: corpus.secret_share, decoyShare: corpus.decoy_share });
    const r = applyPolicy(prompt.text, p);
    const v = r.blocked ? 'block' : r.findings.some((f) => f.action === 'redact') ? 'redact' : r.findings.length ? 'flag' : 'pass';
    verdicts[v]++;
    if (r.blocked) blockedIdx.add(i);
    const found = new Set(r.findings.map((f) => f.detector));
    const planted = new Set(prompt.planted.map((x) => x.detector));
    for (const d of new Set([...found, ...planted])) {
      const s = det.get(d) ?? { tp: 0, fp: 0, fn: 0 };
      if (found.has(d) && planted.has(d)) s.tp++;
      else if (found.has(d)) s.fp++;
      else s.fn++;
      det.set(d, s);
    }
  }
  return { verdicts, det, blockedIdx };
}

describe('dlp wrapper', () => {
  it('blocks, redacts and flags what the policy says, per request, and the report counts agree with a JS scan', async () => {
    const ran = await runYaml(yaml);
    const guarded = ran.run('guarded');
    const want = expected();
    const [v] = await dlpVerdicts(ran.store, [guarded]);
    expect(v).toEqual({ run_no: guarded, requests: COUNT, blocked: want.verdicts.block, redacted: want.verdicts.redact, flagged: want.verdicts.flag, passed: want.verdicts.pass, labelled: true });
    expect(want.verdicts.block).toBeGreaterThan(100); // the corpus plants credentials
    const rows = await dlpDetectors(ran.store, [guarded]);
    for (const [d, s] of want.det) {
      const row = rows.find((r) => r.detector === d);
      expect(row, d).toBeDefined();
      expect([row!.true_positives, row!.false_positives, row!.false_negatives], d).toEqual([s.tp, s.fp, s.fn]);
    }
    // blocked requests never reached a provider, and end as gateway_blocked
    const blocked = await ran.store.all<{ request_no: number; n: number; kinds: string }>(`
      SELECT request_no, count(*) FILTER (WHERE target_no >= 0)::INTEGER AS n, string_agg(DISTINCT error_kind::VARCHAR, ',') AS kinds
      FROM attempts WHERE run_no = ${guarded} AND request_no IN (${[...want.blockedIdx].join(',')}) GROUP BY request_no`);
    expect(blocked.length).toBe(want.blockedIdx.size);
    for (const b of blocked) expect([b.n, b.kinds]).toEqual([0, 'gateway_blocked']);
    await ran.store.close();
  });

  it('the scan adds scan_ms to every request it lets through (same mock luck as without the wrapper)', async () => {
    const ran = await runYaml(yaml);
    const rows = await ran.store.all<{ d: number; n: number }>(`
      SELECT round(g.latency_ms - p.latency_ms, 6) AS d, count(*)::INTEGER AS n
      FROM requests g JOIN requests p USING (request_no)
      WHERE g.run_no = ${ran.run('guarded')} AND p.run_no = ${ran.run('plain')} AND g.success AND p.success
      GROUP BY d ORDER BY n DESC`);
    expect(rows[0]).toMatchObject({ d: 40 });
    expect(rows[0]!.n).toBeGreaterThan(COUNT * 0.5);
    await ran.store.close();
  });

  it('reports a bad policy at its path', async () => {
    const bad = twoTargetYaml({ strategies: `
  g:
    use: dlp
    options: { inner: a, policy: { detectors: { emails: block } } }` });
    const err = await runYaml(bad).then(() => undefined, (e: unknown) => e as HarnessError);
    expect(err?.problems.map(formatProblem)).toEqual([expect.stringMatching(/^test\/inline\.yaml:\d+:\d+ {2}strategies\.g\.options\.policy\.detectors\.emails {2}unknown detector "emails"/)]);
  });

  it('reports a custom rule that cannot be compiled at its own line and field path', async () => {
    const bad = twoTargetYaml({ strategies: `
  g:
    use: dlp
    options:
      inner: a
      policy:
        custom:
          - { name: ok, pattern: 'TCK-\\d+', action: redact }
          - { name: bad, pattern: '(abc', action: block }` });
    const err = await runYaml(bad).then(() => undefined, (e: unknown) => e as HarnessError);
    const line = bad.split('\n').findIndex((l) => l.includes("name: bad")) + 1;
    expect(err?.problems.map(formatProblem)).toEqual([expect.stringMatching(new RegExp(`^test/inline\\.yaml:${line}:\\d+ {2}strategies\\.g\\.options\\.policy\\.custom\\[1\\]\\.pattern {2}custom rule "bad": Invalid regular expression`))]);
  });
});

describe('dlp in the summary', () => {
  it('prints the verdict counts and the detector table', async () => {
    const ran = await runYaml(yaml);
    const { markdown: md, json } = await buildSummary(ran.store, { ...ran.result, traffic: ran.result.trafficDescription });
    expect(json.dlp.map((d) => d.strategy)).toEqual(['guarded']);
    expect(md).toMatch(/## DLP/);
    expect(md).toMatch(/\*\*guarded\*\*: of 3,000 requests the policy blocked \d/);
    expect(md).toMatch(/\| api_key \| \d+ \| \d+ \| 0 \| 0 \| 100\.0% \| 100\.0% \|/);
    await ran.store.close();
  });
});
