/**
 * `routebench record` between the official SDKs and the loopback mock server: every call is
 * written as a trace row whose observed outcome matches what the mock's own hit log says it did,
 * token counts equal the usage the SDK received, streams carry TTFT and gaps, tags come from the
 * named header, and a planted API key (in the prompt and in the Authorization header) appears in
 * no output.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/dlp/policy.js';
import { startRecorder, type RecorderOptions } from '../../src/record/recorder.js';
import { traceFormats } from '../../src/traffic/trace-formats.js';
import { serveScenario, waitFor, type ScenarioServer } from '../helpers/mock-servers.js';

const FAST = 'ttft_ms: { p50: 20, p99: 60 }, error_latency_ms: { p50: 5, p99: 5 }, tokens_per_s: { p50: 400, p99: 200 }';
const YAML = `name: record-test
seed: 3
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o_flaky: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, errors: { server_error: 0.2, rate_limited: 0.2 }, ${FAST} } }
  a_good: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, ${FAST} } }
strategies:
  s: { use: single, options: { target: o_flaky } }
`;
const PLANTED_KEY = `sk-proj-${'Zq8'.repeat(16)}`;
const AUTH_KEY = `sk-proj-${'Wk4'.repeat(16)}`;

let mock: ScenarioServer;
let dir: string;
beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: 10 });
  dir = mkdtempSync(join(tmpdir(), 'rb-record-'));
});
afterAll(async () => {
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Row {
  arrival_ms: number;
  route: string;
  input_tokens: number;
  output_tokens: number;
  stream: boolean;
  tags?: Record<string, string>;
  dialect: string;
  prompt_sha256: string;
  prompt?: string;
  prompt_dlp?: { found: string[]; withheld: boolean };
  recorded: { ok: boolean; status: number; error_kind?: string; latency_ms: number; ttft_ms?: number; chunks?: number; target: string; request_id?: string };
}

/** The loopback mock's flaky OpenAI target and its good Anthropic target, as recorder upstreams. */
const openaiUpstream = () => ({ openai: { name: 'openai', url: `${mock.url}/t/o_flaky` } });
const anthropicUpstream = () => ({ anthropic: { name: 'anthropic', url: `${mock.url}/t/a_good` } });

/**
 * A recorder on a free loopback port writing to folder `name` of this test's directory, with the
 * clocks every test here uses; `o` gives the upstreams and what differs (tag headers, --store-text).
 */
async function recordTo(name: string, o: Pick<RecorderOptions, 'upstreams'> & Partial<RecorderOptions>) {
  const out = join(dir, name);
  const rec = await startRecorder({ host: '127.0.0.1', port: 0, dir: out, tagHeaders: [], now: () => performance.now(), wallClock: () => Date.UTC(2026, 11, 6), ...o });
  return { rec, out };
}

/** Every byte the recorder wrote to `out`, and `extra` (its summary) as JSON: where a planted secret must not appear. */
const everythingIn = (out: string, extra?: unknown) => readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n') + (extra === undefined ? '' : JSON.stringify(extra));

const rowsIn = (d: string): Row[] =>
  readdirSync(d)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(join(d, f), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row));

async function drive(url: string) {
  const oa = new OpenAI({ apiKey: AUTH_KEY, baseURL: `${url}/v1`, maxRetries: 0, timeout: 10_000, defaultHeaders: { 'x-project': 'web' } });
  const an = new Anthropic({ apiKey: AUTH_KEY, baseURL: url, maxRetries: 0, timeout: 10_000 });
  const usage: ({ in: number; out: number } | undefined)[] = [];
  const content = `Please check my config, the key is ${PLANTED_KEY}, and mail ops@example.com.`;
  for (let i = 0; i < 30; i++) {
    const stream = i % 2 === 1;
    try {
      if (!stream) {
        const r = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_completion_tokens: 8 + i });
        usage.push({ in: r.usage!.prompt_tokens, out: r.usage!.completion_tokens });
      } else {
        const s = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_completion_tokens: 8 + i, stream: true, stream_options: { include_usage: true } });
        let u: { in: number; out: number } | undefined;
        for await (const c of s) if (c.usage) u = { in: c.usage.prompt_tokens, out: c.usage.completion_tokens };
        usage.push(u);
      }
    } catch {
      usage.push(undefined);
    }
  }
  for (let i = 0; i < 10; i++) {
    if (i % 2 === 0) {
      const r = await an.messages.create({ model: 'claude-3-5-haiku', max_tokens: 10, messages: [{ role: 'user', content }] });
      usage.push({ in: r.usage.input_tokens, out: r.usage.output_tokens });
    } else {
      const s = an.messages.stream({ model: 'claude-3-5-haiku', max_tokens: 10, messages: [{ role: 'user', content }] });
      const m = await s.finalMessage();
      usage.push({ in: m.usage.input_tokens, out: m.usage.output_tokens });
    }
  }
  return usage;
}

describe('routebench record', () => {
  it('writes one row per call, matching the mock hit log and the usage the SDKs saw', async () => {
    const { rec, out } = await recordTo('plain', { upstreams: { ...openaiUpstream(), ...anthropicUpstream() }, tagHeaders: [{ header: 'x-project', tag: 'project' }] });
    const before = mock.service.hits.since(0).length;
    const usage = await drive(rec.url);
    const summary = await rec.stop(2_000);
    const rows = rowsIn(out);
    const hits = mock.service.hits.since(0).slice(before);
    expect(rows.length).toBe(40);
    expect(hits.length).toBe(40);
    expect(summary.calls).toBe(40);
    expect(summary.files.map((f) => f.rows)).toEqual([40]);
    for (let i = 0; i < 40; i++) {
      const [r, h] = [rows[i]!, hits[i]!];
      expect([r.recorded.status, r.recorded.error_kind, r.stream], `row ${i}`).toEqual([h.status, h.kind, h.stream]);
      expect(r.recorded.ok).toBe(h.status === 200);
      if (usage[i]) expect([r.input_tokens, r.output_tokens], `row ${i}`).toEqual([usage[i]!.in, usage[i]!.out]);
      if (r.stream && r.recorded.ok) {
        expect(r.recorded.ttft_ms).toBeGreaterThan(0);
        expect(r.recorded.ttft_ms!).toBeLessThanOrEqual(r.recorded.latency_ms);
        expect(r.recorded.chunks).toBeGreaterThanOrEqual(1); // at 10x the mock sends tokens due within 0.5 ms together
      }
      expect(r.dialect).toBe(i < 30 ? 'openai' : 'anthropic');
      expect(r.route).toBe(i < 30 ? 'gpt-4o-mini' : 'claude-3-5-haiku');
      if (i < 30) expect(r.tags).toEqual({ project: 'web' });
      expect(r.prompt).toBeUndefined();
      if (i > 0) expect(r.arrival_ms).toBeGreaterThan(rows[i - 1]!.arrival_ms);
    }
    expect(new Set(rows.slice(0, 30).map((r) => r.prompt_sha256)).size).toBe(1); // same prompt, same hash
    // every line is a valid routebench trace row, with its observed outcome
    const parse = traceFormats.routebench!.createParser(undefined) as (t: string) => unknown;
    for (const f of readdirSync(out)) for (const line of readFileSync(join(out, f), 'utf8').trim().split('\n')) expect(parse(line)).toMatchObject({ recorded: { ok: expect.any(Boolean) } });
    expect(rows.some((r) => r.recorded.error_kind === 'rate_limited')).toBe(true);
    expect(rows.some((r) => r.recorded.error_kind === 'server_error')).toBe(true);
    const everything = everythingIn(out, summary);
    expect(everything).not.toContain(PLANTED_KEY);
    expect(everything).not.toContain(AUTH_KEY);
    expect(everything).not.toContain('ops@example.com');
  });

  it('--store-text keeps prompts only through the redaction policy: a prompt with a key is withheld, an email redacted', async () => {
    const { rec, out } = await recordTo('text', { upstreams: anthropicUpstream(), storeText: compilePolicy() });
    const an = new Anthropic({ apiKey: AUTH_KEY, baseURL: rec.url, maxRetries: 0, timeout: 10_000 });
    await an.messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, messages: [{ role: 'user', content: `deploy with ${PLANTED_KEY}` }] });
    await an.messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, system: 'be brief', messages: [{ role: 'user', content: 'write to ops@example.com' }] });
    const summary = await rec.stop(2_000);
    const [withheld, redacted] = rowsIn(out);
    expect(withheld!.prompt).toBeUndefined();
    expect(withheld!.prompt_dlp).toEqual({ found: ['api_key'], withheld: true });
    expect(redacted!.prompt).toBe('system: be brief\nuser: write to [REDACTED:email]');
    expect(redacted!.prompt_dlp).toEqual({ found: ['email'], withheld: false });
    expect([summary.textWithheld, summary.textRedacted]).toEqual([1, 1]);
    const everything = everythingIn(out);
    expect(everything).not.toContain(PLANTED_KEY);
    expect(everything).not.toContain('ops@example.com');
  });

  it('a key in a tag header or the model name is written as [REDACTED:api_key], with or without --store-text', async () => {
    const { rec, out } = await recordTo('tags', { upstreams: anthropicUpstream(), tagHeaders: [{ header: 'x-project', tag: 'project' }] });
    const an = new Anthropic({ apiKey: AUTH_KEY, baseURL: rec.url, maxRetries: 0, timeout: 10_000, defaultHeaders: { 'x-project': `web key=${PLANTED_KEY}` } });
    await an.messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    await an.messages.create({ model: PLANTED_KEY, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    const summary = await rec.stop(2_000);
    const rows = rowsIn(out);
    expect(rows.map((r) => [r.tags?.project, r.route])).toEqual([
      ['web key=[REDACTED:api_key]', 'claude-3-5-haiku'],
      ['web key=[REDACTED:api_key]', '[REDACTED:api_key]'],
    ]);
    expect(everythingIn(out, summary)).not.toContain(PLANTED_KEY);
  });

  it('--store-text: planted keys in hostile places (escaped in a JSON paste, split across parts, a tool result, a system array, streamed) appear in no output', async () => {
    const { rec, out } = await recordTo('hostile', { upstreams: { ...openaiUpstream(), ...anthropicUpstream() }, storeText: compilePolicy() });
    const keys = [`sk-proj-${'Hx7'.repeat(16)}`, `AKIA${'Q2'.repeat(8)}`, `ghp_${'Rm5'.repeat(12)}`, `sk-ant-api03-${'Tv3_'.repeat(23)}AA`];
    const oa = new OpenAI({ apiKey: AUTH_KEY, baseURL: `${rec.url}/v1`, maxRetries: 0, timeout: 10_000 });
    const an = new Anthropic({ apiKey: AUTH_KEY, baseURL: rec.url, maxRetries: 0, timeout: 10_000 });
    const calls: Promise<unknown>[] = [
      oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `fix this: {"env": "MODE=prod\\n${keys[0]}\\nDEBUG=1"}` }] }),
      oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'text', text: `key ${keys[0]!.slice(0, 14)}` }, { type: 'text', text: keys[0]!.slice(14) }] }], stream: true }).then(async (s) => {
        for await (const _ of s);
      }),
      an.messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, system: [{ type: 'text', text: `use ${keys[1]}` }], messages: [{ role: 'user', content: 'hi' }] }),
      an.messages.create({ model: 'claude-3-5-haiku', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: `token=${keys[2]}` }] }] }] }),
      an.messages.stream({ model: 'claude-3-5-haiku', max_tokens: 5, messages: [{ role: 'user', content: `\t${keys[3]}` }] }).finalMessage(),
    ];
    await Promise.allSettled(calls);
    const summary = await rec.stop(2_000);
    const rows = rowsIn(out);
    expect(rows).toHaveLength(calls.length);
    expect(rows.map((r) => r.prompt_dlp?.withheld)).toEqual(rows.map(() => true));
    const everything = everythingIn(out, summary);
    for (const k of keys) {
      expect(everything).not.toContain(k);
      expect(everything).not.toContain(k.slice(14)); // nor the half after a split
    }
  });

  it('a body nested 200,000 levels deep is recorded, and the rows after it are not held back', async () => {
    // an upstream that answers without reading the body, and without usage (so the recorder estimates the tokens)
    const upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] })));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { rec, out } = await recordTo('deep', { upstreams: { openai: { name: 'openai', url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` } }, storeText: compilePolicy() });
    // Reading its text recursed once per level and threw: that call's row was lost, and as rows are
    // written in arrival order, every later row waited in memory until the recorder stopped.
    const depth = 200_000;
    const deep = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":${'['.repeat(depth)}"x"${']'.repeat(depth)}}]}`;
    const post = (body: string) => fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${AUTH_KEY}` }, body }).then((r) => r.text());
    await post(deep);
    await post(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after' }] }));
    await waitFor(() => rec.stats.summary([], 0).calls === 2, 10_000, 'both rows written before stop');
    await rec.stop(2_000);
    upstream.close();
    const rows = rowsIn(out);
    expect(rows.map((r) => [r.prompt, r.input_tokens])).toEqual([
      ['user: ', 1], // the stored text stops at a depth; the estimate walks it all: 'x', ceil(1 / 4)
      ['user: after', 2], // 'after': ceil(5 / 4), the estimate as before
    ]);
  });
});

