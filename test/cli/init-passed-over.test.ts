/**
 * `routebench init` finds a gateway config by its file name. A file named like one that it cannot
 * use (portkey.json that is not valid JSON, an openrouter*.json without routing keys) was passed
 * over in silence, with "no gateway config found": the team's broken config looked absent. Now
 * each is named on stderr with why, and what to do; a usable config beside it is still used.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'routebench-init-passed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function init(dir: string) {
  const io = memoryIo();
  const code = await runCli(['init', '--dir', dir], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('init and files named like a gateway config', () => {
  it('a portkey.json that is not JSON and an openrouter json of another shape: each named with why', async () => {
    const dir = path.join(root, 'broken');
    mkdirSync(path.join(dir, 'config'), { recursive: true });
    writeFileSync(path.join(dir, 'portkey.json'), '{"strategy": {"mode": "fallback"},\n');
    writeFileSync(path.join(dir, 'config', 'openrouter-prefs.json'), '{"theme": "dark"}\n');
    writeFileSync(path.join(dir, 'config.yaml'), 'app: { port: 3000 }\n'); // an app's own config: not a LiteLLM one, and not said
    const r = await init(dir);
    expect(r.code).toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^passed over config\/openrouter-prefs\.json: named like an OpenRouter config, but it does not look like one \(expected an OpenRouter provider object/);
    expect(lines[1]).toContain('name a config with --openrouter <file>');
    expect(lines[0]).toMatch(/^passed over portkey\.json: named like a Portkey config, but it cannot be read as JSON \(.+\); fix it, or name a config with --portkey <file>$/);
    expect(lines[0]).toContain('cannot be read as JSON (line 2, column 1: ');
    expect(r.out).toContain('scaffolded a plain fallback');
  });

  it('a portkey.json with a trailing comma is not JSON (Portkey JSON.parses its config), even though YAML would read it', async () => {
    // The config shape is the fallback example of https://portkey.ai/docs/product/ai-gateway/fallbacks
    const dir = path.join(root, 'comma');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'portkey.json'), '{\n  "strategy": { "mode": "fallback" },\n  "targets": [\n    { "virtual_key": "openai-virtual-key" },\n    { "virtual_key": "anthropic-virtual-key" },\n  ]\n}\n');
    const r = await init(dir);
    expect(r.err).toMatch(/^passed over portkey\.json: named like a Portkey config, but it cannot be read as JSON \(line 6, column 3: /);
    expect(r.out).toContain('scaffolded a plain fallback');
  });

  it('--portkey naming a file that is not strict JSON: exit 2 with the line and column', async () => {
    const dir = path.join(root, 'named-comma');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'gw.json');
    writeFileSync(file, '{\n  "strategy": { "mode": "fallback" },\n  "targets": [{ "provider": "openai" },]\n}\n');
    const io = memoryIo();
    expect(await runCli(['init', '--dir', dir, '--portkey', file], io)).toBe(2);
    expect(io.stderr).toContain(`${file}  cannot be read as JSON (line 3, column 40: `);
  });

  it('a portkey.json naming a saved config by id (hosted x-portkey-config: pc-...) is named as such', async () => {
    // https://portkey.ai/docs/product/ai-gateway/configs: apps send a saved config's id
    const dir = path.join(root, 'by-id');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'portkey.json'), '{"config": "pc-prod-fa11ba"}\n');
    const r = await init(dir);
    expect(r.err).toBe("passed over portkey.json: named like a Portkey config, but it names a saved Portkey config by its id (pc-prod-fa11ba), not the config itself; copy the config's JSON from the Portkey app (Configs) into the repository; fix it, or name a config with --portkey <file>\n");
  });

  it('a usable config is used; a broken one beside it is still named', async () => {
    const dir = path.join(root, 'mixed');
    mkdirSync(path.join(dir, 'deploy'), { recursive: true });
    writeFileSync(path.join(dir, 'deploy', 'portkey-old.json'), '[]\n');
    writeFileSync(
      path.join(dir, 'portkey.json'),
      JSON.stringify({ strategy: { mode: 'fallback' }, targets: [{ provider: 'openai', override_params: { model: 'gpt-4o-mini' } }, { provider: 'anthropic', override_params: { model: 'claude-3-5-haiku-20241022' } }] }),
    );
    const r = await init(dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe('passed over deploy/portkey-old.json: named like a Portkey config, but it is not an object; fix it, or name a config with --portkey <file>\n');
    expect(r.out).toContain('using your portkey config portkey.json');
  });

  it('--dir elsewhere: the next steps start with cd into it (they are relative to it)', async () => {
    const dir = path.join(root, 'elsewhere', 'repo');
    const r = await init(dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`next:\n  cd ${path.relative(process.cwd(), dir)}\n  npx routebench validate scenarios/fallback.yaml\n`);
  });
});
