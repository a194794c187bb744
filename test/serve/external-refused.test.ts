/**
 * `routebench serve --strategy <an external gateway>` started, listed an endpoint, and answered
 * every request 503 ("an external gateway is not simulated"). It is now refused before listening
 * (exit 2), naming the scenario's own strategies and how to measure a gateway instead. And
 * serve --transport live without live: blocks says which block to add.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-serve-external-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve and an external strategy', () => {
  it('exit 2 before listening, naming the strategies it can serve', async () => {
    const file = path.join(dir, 'ext.yaml');
    writeFileSync(
      file,
      `name: ext\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  mine: { use: single, options: { target: a } }\n  gw: { use: external, options: { url: "http://127.0.0.1:4000" } }\n`,
    );
    const io = memoryIo();
    expect(await runCli(['serve', '--scenario', file, '--strategy', 'gw', '--port', '0'], io)).toBe(2);
    expect(io.stdout).toBe('');
    expect(io.stderr).toContain(`error: strategy "gw" of ${file} is an external gateway (use: external)`);
    expect(io.stderr).toContain('hint: serve one of mine, or point the gateway');
  });

  it('--transport live on targets without live: blocks: exit 2 with the block to add', async () => {
    const file = path.join(dir, 'nolive.yaml');
    writeFileSync(file, `name: nolive\ntraffic: { synthetic: { arrival: { process: constant, rate_per_s: 5 }, count: 3 } }\ntargets:\n  a: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect } }\nstrategies:\n  mine: { use: single, options: { target: a } }\n`);
    const io = memoryIo();
    expect(await runCli(['serve', '--scenario', file, '--strategy', 'mine', '--transport', 'live', '--port', '0'], io)).toBe(2);
    expect(io.stderr).toBe(
      'error: serve --transport live needs targets.<id>.live {base_url, api_key_env} for every target; missing for a\nhint: add to each target e.g. live: { base_url: https://api.openai.com, api_key_env: OPENAI_API_KEY } (the real API, and the variable holding its key)\n',
    );
  });
});
