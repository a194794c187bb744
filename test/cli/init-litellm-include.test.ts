/**
 * `routebench init` on a LiteLLM config split with `include` (the layout of
 * https://docs.litellm.ai/docs/proxy/config_management: settings in config.yaml, models in an
 * included file): the merged config gives the targets, the included file is not offered as a
 * config of its own, and the scaffolded scenario validates and runs on both deployments.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { openStore } from '../../src/store/open-store.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'routebench-init-include-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('init: a LiteLLM config with include', () => {
  it('is read merged; the file it includes is a part of it, not another config', async () => {
    const dir = path.join(root, 'repo');
    mkdirSync(path.join(dir, 'gateway', 'models'), { recursive: true });
    writeFileSync(path.join(dir, 'gateway', 'config.yaml'), 'include:\n  - models/litellm-models.yaml\nrouter_settings:\n  routing_strategy: simple-shuffle\n  num_retries: 1\n');
    writeFileSync(
      path.join(dir, 'gateway', 'models', 'litellm-models.yaml'),
      'model_list:\n  - model_name: gpt-4o\n    litellm_params: { model: openai/gpt-4o, rpm: 600 }\n  - model_name: gpt-4o\n    litellm_params: { model: azure/gpt-4o, api_base: https://example.openai.azure.com/, rpm: 600 }\n',
    );
    const init = await cli('init', '--dir', dir);
    expect(init.code, init.err).toBe(0);
    expect(init.err).toBe('');
    expect(init.out).toContain('using your litellm config gateway/config.yaml');
    const file = path.join(dir, 'scenarios', 'litellm.yaml');
    const scenario = parse(readFileSync(file, 'utf8')) as { targets: Record<string, unknown>; strategies: { litellm: { options: Record<string, unknown> } } };
    expect(Object.keys(scenario.targets)).toEqual(['openai-gpt-4o', 'azure-gpt-4o']);
    expect(scenario.strategies.litellm.options).toMatchObject({ config_file: '../gateway/config.yaml', deployments: { 'openai/gpt-4o': 'openai-gpt-4o', 'azure/gpt-4o': 'azure-gpt-4o' } });
    const validate = await cli('validate', file);
    expect([validate.code, validate.err]).toEqual([0, '']);
    const db = path.join(dir, 'results.duckdb');
    const run = await cli('run', file, '--limit', '200', '--db', db, '--out', path.join(dir, 'reports'));
    expect(run.code, run.err).toBe(0);
    const store = await openStore(db, { readOnly: true });
    try {
      const rows = await store.all<{ target: string; n: bigint | number }>(`SELECT target, count(*) AS n FROM attempt_log WHERE strategy = 'litellm' AND attempt_no = 0 GROUP BY target ORDER BY target`);
      // simple-shuffle weighted by rpm 600:600: each deployment takes about half of the 200 first attempts
      expect(rows.map((r) => r.target)).toEqual(['azure-gpt-4o', 'openai-gpt-4o']);
      for (const r of rows) expect(Math.abs(Number(r.n) - 100)).toBeLessThanOrEqual(3 * Math.sqrt(50));
    } finally {
      store.close();
    }
  }, 60_000);
});
