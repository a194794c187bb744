/**
 * `dlp` with `prompts: trace`: what a DLP policy would do to OUR traffic. Seeded corpus prompts with
 * planted, labelled values are sent through the real recorder (over HTTP, no --store-text); the
 * trace keeps only the names of the detectors that fired (never a value), and a scenario on that
 * trace blocks, redacts and flags exactly the requests the planted labels say it should (counts
 * computed here from the labels and the policy's actions, not from the trace). Old traces
 * without findings still load; asking them for findings is an error that says how to record them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPrompt, type CorpusPrompt } from '../../src/dlp/corpus.js';
import { compilePolicy, defaultAction, type DlpAction } from '../../src/dlp/policy.js';
import { promptFacts } from '../../src/record/prompt-facts.js';
import { formatProblem, type HarnessError } from '../../src/errors.js';
import { startRecorder } from '../../src/record/recorder.js';
import { buildSummary } from '../../src/report/write-summary.js';
import { dlpDetectors, dlpVerdicts } from '../../src/store/dlp-queries.js';
import { readTrace } from '../../src/traffic/read-trace.js';
import { newTrafficStats } from '../../src/traffic/traffic-request.js';
import { runYaml } from '../helpers/run-yaml.js';

const COUNT = 240;
const CORPUS = { secretShare: 0.6, decoyShare: 0 };
/** The scenario's policy: a non-credential block, flags, one detector off, the rest at their defaults. */
const POLICY: Record<string, DlpAction | 'off'> = { us_ssn: 'block', email: 'flag', phone: 'flag', nl_bsn: 'off' };
const actionOf = (d: string): DlpAction | undefined => (POLICY[d] === 'off' ? undefined : ((POLICY[d] as DlpAction | undefined) ?? defaultAction(d)));

let upstream: Server;
let upstreamUrl: string;
let dir: string;
let traceFile: string;
let traceText: string;
const prompts: CorpusPrompt[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-dlp-trace-'));
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 } })),
    );
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const out = join(dir, 'rec');
  const rec = await startRecorder({ upstreams: { openai: { name: 'openai', url: upstreamUrl } }, host: '127.0.0.1', port: 0, dir: out, tagHeaders: [], now: () => performance.now(), wallClock: () => Date.UTC(2026, 11, 6) });
  for (let i = 0; i < COUNT; i++) {
    const p = corpusPrompt(5, i, CORPUS);
    prompts.push(p);
    // one at a time, so row i is prompt i
    const res = await fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: p.text }] }) });
    await res.arrayBuffer();
  }
  await rec.stop(2_000);
  const files = readdirSync(out);
  expect(files).toHaveLength(1);
  traceFile = join(out, files[0]!);
  traceText = readFileSync(traceFile, 'utf8');
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const planted = (p: CorpusPrompt) => [...new Set(p.planted.map((x) => x.detector))].sort();

describe('record keeps which detectors fired on each prompt, names only', () => {
  it('every row has prompt_dlp.found equal to the planted kinds, and no prompt text', () => {
    const rows = traceText.trim().split('\n').map((l) => JSON.parse(l) as { prompt?: string; prompt_dlp?: { found: string[]; withheld?: boolean } });
    expect(rows).toHaveLength(COUNT);
    expect(rows.map((r) => r.prompt_dlp?.found)).toEqual(prompts.map(planted));
    expect(rows.every((r) => r.prompt === undefined && r.prompt_dlp?.withheld === undefined)).toBe(true);
    expect(prompts.filter((p) => p.planted.length > 0).length).toBeGreaterThan(COUNT * 0.4);
  });

  it('no planted value appears in the trace file (whole, or with its spaces taken out)', () => {
    let values = 0;
    for (const p of prompts)
      for (const x of p.planted) {
        const v = p.text.slice(x.start, x.end);
        values++;
        expect(traceText).not.toContain(v);
        expect(traceText).not.toContain(v.replace(/[\s-]/g, ''));
      }
    expect(values).toBeGreaterThan(100);
  });
});

describe('dlp prompts: trace', () => {
  const scenario = (strategies: string, trace = traceFile) => `
name: ours
seed: 2
traffic: { trace: { path: ${JSON.stringify(trace)} } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }
strategies:
${strategies}`;
  const guarded = `  guarded:
    use: dlp
    options:
      inner: a
      policy: { detectors: ${JSON.stringify(POLICY)} }
      prompts: trace
      scan_ms: 5`;

  it("blocks, redacts and flags exactly the requests the planted labels and the policy's actions say", async () => {
    // the oracle: from the planted labels, not the trace
    const want = { block: 0, redact: 0, flag: 0, pass: 0 };
    const fired = new Map<string, number>();
    const blockedIdx: number[] = [];
    prompts.forEach((p, i) => {
      const acts = planted(p).filter((d) => actionOf(d) !== undefined);
      for (const d of acts) fired.set(d, (fired.get(d) ?? 0) + 1);
      const as = acts.map((d) => actionOf(d));
      const v = as.includes('block') ? 'block' : as.includes('redact') ? 'redact' : as.length > 0 ? 'flag' : 'pass';
      want[v]++;
      if (v === 'block') blockedIdx.push(i);
    });
    expect(Math.min(want.block, want.redact, want.flag, want.pass)).toBeGreaterThan(5);

    const ran = await runYaml(scenario(guarded));
    const run = ran.run('guarded');
    const [v] = await dlpVerdicts(ran.store, [run]);
    expect(v).toEqual({ run_no: run, requests: COUNT, blocked: want.block, redacted: want.redact, flagged: want.flag, passed: want.pass, labelled: false });
    const det = await dlpDetectors(ran.store, [run]);
    expect(Object.fromEntries(det.map((d) => [d.detector, d.fired]))).toEqual(Object.fromEntries([...fired].sort()));
    expect(det.every((d) => d.true_positives === null && d.recall === null && d.precision === null)).toBe(true);
    // blocked requests never reached a provider
    const reached = await ran.store.all<{ request_no: number }>(`SELECT DISTINCT request_no FROM attempts WHERE run_no = ${run} AND target_no >= 0 ORDER BY 1`);
    const all = Array.from({ length: COUNT }, (_, i) => i);
    expect(reached.map((r) => r.request_no)).toEqual(all.filter((i) => !blockedIdx.includes(i)));

    const { markdown } = await buildSummary(ran.store, { ...ran.result, traffic: ran.result.trafficDescription });
    expect(markdown).toContain(`**guarded**: of ${COUNT} requests the policy blocked ${want.block} `);
    expect(markdown).toMatch(/\| detector \| fired on \|\n\| --- \| ---: \|/);
    expect(markdown).toContain('recall and precision cannot be measured on them; they need the seeded corpus');
    await ran.store.close();
  });

  it('an old trace without findings still loads; prompts: trace on it is an error saying how to record them', async () => {
    const old = join(__dirname, '../../fixtures/traces/own-traffic-sample.jsonl');
    const stats = newTrafficStats();
    let n = 0;
    for await (const batch of readTrace({ file: old, format: 'routebench' }, stats)) for (const r of batch) n += r.promptDlp === undefined ? 1 : 0;
    expect(n).toBe(stats.rows);
    expect(n).toBeGreaterThan(1000);
    const err = await runYaml(scenario(guarded, old)).then(() => undefined, (e: unknown) => e as HarnessError);
    expect(err?.code).toBe('DLP_NO_FINDINGS');
    expect(err?.message).toMatch(/request 1 of the trace has no prompt_dlp/);
    expect(err?.hint).toMatch(/routebench record/);
  });

  it('refuses at validation: a custom pattern (no text to run it on), synthetic traffic, a trace format that carries no findings', async () => {
    const withCustom = scenario(`  g:
    use: dlp
    options:
      inner: a
      prompts: trace
      policy:
        custom:
          - { name: ticket, pattern: 'TCK-\\d+', action: block }`);
    const e1 = await runYaml(withCustom).then(() => undefined, (e: unknown) => e as HarnessError);
    const line = withCustom.split('\n').findIndex((l) => l.includes('name: ticket')) + 1;
    expect(e1?.problems.map(formatProblem)).toEqual([expect.stringMatching(new RegExp(`^test/inline\\.yaml:${line}:\\d+ {2}strategies\\.g\\.options\\.policy\\.custom\\[0\\] {2}custom rule "ticket" cannot run with prompts: trace`))]);

    const synthetic = `
name: s
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 5 }, count: 10 } }
targets: { a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } } }
strategies:
  g: { use: dlp, options: { inner: a, prompts: trace } }`;
    const e2 = await runYaml(synthetic).then(() => undefined, (e: unknown) => e as HarnessError);
    expect(e2?.problems.map(formatProblem)).toEqual([expect.stringMatching(/^test\/inline\.yaml:6:\d+ {2}strategies\.g\.options\.prompts {2}prompts: trace reads .* traffic is synthetic; record the traffic with `routebench record`/)]);

    const azure = join(__dirname, '../../fixtures/traces/azure-code-2023-slice.csv');
    const e3 = await runYaml(scenario(`  g: { use: dlp, options: { inner: a, prompts: trace } }`, azure)).then(() => undefined, (e: unknown) => e as HarnessError);
    expect(e3?.problems.map(formatProblem)).toEqual([expect.stringMatching(/strategies\.g\.options\.prompts {2}prompts: trace reads .* the trace format azure carries none/)]);
  });

  it("a custom rule of the recording's policy is recorded by name (even for a detector that policy turned off), and the scenario acts on it by name", async () => {
    const recording = compilePolicy({ detectors: { email: 'off' }, custom: [{ name: 'ticket', pattern: 'TCK-\\d{6}', action: 'redact' }] });
    const facts = promptFacts({ messages: [{ role: 'user', content: 'see TCK-123456, mail ana@example.com' }] }, recording, Buffer.alloc(32, 1));
    expect(facts.dlp).toEqual({ found: ['email', 'ticket'], withheld: false });
    // a hand-written trace: the ticket row is blocked, the email row flagged, the plain one passes
    const file = join(dir, 'named.jsonl');
    const row = (t: number, found: string[]) => JSON.stringify({ arrival_ms: t, route: 'm', input_tokens: 10, output_tokens: 5, prompt_dlp: { found } });
    writeFileSync(file, `${[row(0, ['email', 'ticket']), row(10, ['email']), row(20, [])].join('\n')}\n`);
    const ran = await runYaml(scenario(`  g: { use: dlp, options: { inner: a, prompts: trace, policy: { detectors: { ticket: block, email: flag } } } }`, file));
    const [v] = await dlpVerdicts(ran.store, [ran.run('g')]);
    expect([v!.blocked, v!.redacted, v!.flagged, v!.passed]).toEqual([1, 0, 1, 1]);
    await ran.store.close();
    // a name one letter off a built-in one is a typo, not a recorded rule
    const e = await runYaml(scenario(`  g: { use: dlp, options: { inner: a, prompts: trace, policy: { detectors: { emails: block } } } }`, file)).then(() => undefined, (x: unknown) => x as HarnessError);
    expect(e?.problems.map(formatProblem)).toEqual([expect.stringMatching(/strategies\.g\.options\.policy\.detectors\.emails {2}"emails" is no built-in detector \(did you mean "email"\?\)/)]);
  });

  it('a malformed prompt_dlp is a bad row at its line', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify({ arrival_ms: 0, route: 'm', input_tokens: 1, output_tokens: 1, prompt_dlp: { found: 'api_key' } })}\n`);
    const err = await (async () => {
      for await (const _ of readTrace({ file, format: 'routebench' }, newTrafficStats()));
    })().then(() => undefined, (x: unknown) => x as HarnessError);
    expect(err?.message).toMatch(/bad\.jsonl:1: prompt_dlp must be \{"found": \[detector names\]/);
  });
});
