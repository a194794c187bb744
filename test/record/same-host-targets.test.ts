/**
 * `record --openai URL --anthropic URL` with both upstreams on one host (a gateway, routebench's
 * mock server): each was named by the host, so every call was one target, and calibrate fitted
 * the Anthropic calls into an OpenAI-dialect target. Now the default names keep the dialect
 * (`openai@host`, `anthropic@host`), calibrate makes two targets with their own dialects, and the
 * same explicit name for both is refused (exit 2).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { startCommand } from '../helpers/command-process.js';
import { serveScenario, type ScenarioServer } from '../helpers/mock-servers.js';

const YAML = `name: same-host
seed: 5
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  o: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 5, p99: 5 } } }
  a: { provider: anthropic, model: claude-3-5-haiku, mock: { profile: perfect, ttft_ms: { p50: 5, p99: 5 } } }
strategies:
  s: { use: single, options: { target: o } }
`;

let mock: ScenarioServer;
const dir = mkdtempSync(path.join(tmpdir(), 'rb-record-same-host-'));
beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: 1 });
});
afterAll(async () => {
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('record with both upstreams on one host', () => {
  it('keeps two targets, openai@host and anthropic@host, through calibrate', async () => {
    const out = path.join(dir, 'trace');
    const rec = await startCommand(['record', '--openai', `${mock.url}/t/o`, '--anthropic', `${mock.url}/t/a`, '--port', '0', '--out', out], /record on (http:\/\/127\.0\.0\.1:\d+)/);
    const host = new URL(mock.url).host;
    try {
      expect(rec.out()).toContain(`(target openai@${host})`);
      for (let i = 0; i < 3; i++) {
        const o = await fetch(`${rec.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
        const a = await fetch(`${rec.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-3-5-haiku', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
        expect([o.status, a.status, await o.text() !== '', await a.text() !== '']).toEqual([200, 200, true, true]);
      }
    } finally {
      expect(await rec.stop()).toBe(0);
    }
    const [file] = readdirSync(out);
    const rows = readFileSync(path.join(out, file!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dialect: string; recorded: { target: string } });
    expect(rows).toHaveLength(6);
    for (const r of rows) expect(r.recorded.target).toBe(`${r.dialect}@${host}`);

    const cal = path.join(dir, 'cal.yaml');
    expect(await runCli(['calibrate', out, '-o', cal], memoryIo())).toBe(0);
    const targets = (parseYaml(readFileSync(cal, 'utf8')) as { targets: Record<string, { provider: string; dialect?: string }> }).targets;
    expect(Object.values(targets).map((t) => t.provider).sort()).toEqual(['anthropic', 'openai']);
  });

  it('the same explicit name for both: exit 2, nothing started', async () => {
    const io = memoryIo();
    expect(await runCli(['record', '--openai', `gw=${mock.url}/t/o`, '--anthropic', `gw=${mock.url}/t/a`, '--port', '0', '--out', path.join(dir, 'never')], io)).toBe(2);
    expect(io.stderr).toContain('--openai and --anthropic are both named "gw": their calls would be one target');
    expect(readdirSync(dir)).not.toContain('never');
  });
});
