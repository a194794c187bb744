/**
 * Bad product configs through `routebench validate`: every problem reported at once, by scenario
 * line and by path inside the user's own config file, exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-configs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files: Record<string, string> = {
  'pk-mode.json': JSON.stringify({ strategy: { mode: 'roundrobin' }, targets: [{ provider: 'openai', api_key: 'x' }, { provider: 'mistral', api_key: 'y' }], cache: { mode: 'semantic' } }),
  // A trailing comma: YAML forgives it, Portkey's JSON.parse of the config does not.
  'pk-comma.json': '{\n  "strategy": { "mode": "fallback" },\n  "targets": [\n    { "provider": "openai", "api_key": "x" },\n    { "provider": "anthropic", "api_key": "y", }\n  ]\n}\n',
  'pk-weights.json': JSON.stringify({ strategy: { mode: 'loadbalance' }, targets: [{ provider: 'openai', api_key: 'x', weight: 0 }, { provider: 'anthropic', api_key: 'y', weight: 0 }] }),
  'll.yaml': 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/gpt-4o-mini }\nrouter_settings:\n  routing_strategy: fastest-first\n  fallbacks:\n    - m: [nowhere]\n',
  's.yaml': `name: bad-configs
traffic:
  synthetic: { arrival: { process: constant, rate_per_s: 1 }, count: 5 }
targets:
  openai: { provider: openai, model: gpt-4o-mini }
  anthropic: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  pk: { use: portkey, options: { config_file: pk-mode.json } }
  pk0: { use: portkey, options: { config_file: pk-weights.json } }
  ll: { use: litellm, options: { config_file: ll.yaml } }
  pkc: { use: portkey, options: { config_file: pk-comma.json } }
  or: { use: openrouter, options: { provider: { order: [opneai, anthropic] } } }
`,
};
for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);

describe('product configs with bad input', () => {
  it('are reported by scenario line and config path, all at once, exit 2', async () => {
    const io = memoryIo();
    const file = path.join(dir, 's.yaml');
    expect(await runCli(['validate', file], io)).toBe(2);
    const lines = io.stderr.trim().split('\n');
    const expectLine = (line: number, pathText: string, message: RegExp) =>
      expect(lines.some((l) => l.startsWith(`${file}:${line}:`) && l.includes(pathText) && message.test(l)), `${line} ${pathText} ${message}\n${io.stderr}`).toBe(true);
    expectLine(8, 'strategies.pk.options.config_file.strategy.mode', /unknown strategy.mode "roundrobin"/);
    expectLine(8, 'strategies.pk.options.config_file.targets[1]', /provider "mistral" matches no scenario target/);
    expectLine(8, 'strategies.pk.options.config_file.cache.mode', /hosted-only/);
    expectLine(9, 'strategies.pk0.options.config_file.targets', /every weight is 0/);
    expectLine(10, 'strategies.ll.options.config_file', /ll\.yaml:5:21: router_settings\.routing_strategy: unknown routing_strategy "fastest-first"/);
    expectLine(10, 'strategies.ll.options.config_file', /ll\.yaml:7:11: router_settings\.fallbacks\[0\]\.m\[0\]: fallback names model group "nowhere"/);
    expectLine(11, 'strategies.pkc.options.config_file', /pk-comma\.json:5:48: not valid JSON/);
    expectLine(12, 'strategies.or.options.provider.order[0]', /unknown provider slug "opneai"; did you mean "openai"/);
    expect(lines.at(-1)).toBe('8 problems found.');
  });
});
