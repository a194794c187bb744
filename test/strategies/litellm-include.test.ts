/**
 * A LiteLLM config split with `include` (https://docs.litellm.ai/docs/proxy/config_management):
 * the same routing as the one-file config (the oracle: fixtures/configs/litellm-router.yaml, run
 * unchanged), and problems in an included file named by that file, its line and the path in it.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';
import { expectProblem, fixtureScenario as scenario, problemsOf } from './litellm-helpers.js';

const P = 'strategies.s.options';
const fixture = readFileSync(new URL('../../fixtures/configs/litellm-router.yaml', import.meta.url), 'utf8');

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'litellm-include-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The fixture's text between two top-level keys (a `model_list` entry starts with "  - model_name"). */
const between = (from: string, to: string | undefined) => fixture.slice(fixture.indexOf(from), to === undefined ? undefined : fixture.indexOf(to));
const entries = between('model_list:', 'router_settings:').split(/(?=^ {2}- model_name)/m);

/**
 * The fixture split over four files, its deployments in the order the proxy merges them: the root's
 * own (openai), then its includes in order (models/azure.yaml, settings.yaml), then the include
 * declared by models/azure.yaml (models/more.yaml, next to it), queued after those.
 */
const split = {
  'config.yaml': `include:\n  - models/azure.yaml\n  - settings.yaml\n${entries[0]}${entries[1]}`,
  'models/azure.yaml': `include: [more.yaml]\nmodel_list:\n${entries[2]}`,
  'models/more.yaml': `model_list:\n${entries[3]}${entries[4]}`,
  'settings.yaml': `${between('router_settings:', undefined)}`,
};


async function attempts(dir: string, configFile: string): Promise<unknown[]> {
  const store = await openStore(':memory:');
  try {
    await runScenario(parseScenario(scenario(configFile), path.join(dir, 'scenario.yaml')), { store, env: testEnv });
    return await store.all(
      `SELECT request_no, attempt_no, target, sent_ms, end_ms, outcome::VARCHAR AS outcome, error_kind::VARCHAR AS error_kind, tokens_out, cost_usd, reason FROM attempt_log ORDER BY request_no, attempt_no`,
    );
  } finally {
    store.close();
  }
}

describe('litellm: config include', () => {
  it('a config split over files routes exactly as the same config in one file', async () => {
    expect(entries).toHaveLength(5); // the header, then 4 deployments
    const dir = folder({ ...split, 'one.yaml': fixture });
    const whole = await attempts(dir, 'one.yaml');
    const parts = await attempts(dir, 'config.yaml');
    expect(whole.length).toBeGreaterThan(1200);
    expect(new Set(whole.map((r) => (r as { target: string }).target))).toEqual(new Set(['openai', 'azure', 'anthropic', 'gemini']));
    expect(parts).toEqual(whole);
  });

  it('a problem in an included file names that file, its line and the path inside it', () => {
    const dir = folder({
      'config.yaml': 'include: [models.yaml]\nrouter_settings:\n  num_retries: 1\n',
      'models.yaml': 'model_list:\n  - model_name: g\n    litellm_params: { model: openai/gpt-4o-mini }\n  - model_name: g\n    litellm_params:\n      model: azure/gpt-4o-mini\n      rpm: lots\n',
    });
    expect(problemsOf({ config_file: path.join(dir, 'config.yaml') })).toEqual([
      `${P}.config_file: ${path.join(dir, 'models.yaml')}:7:12: model_list[1].litellm_params.rpm: rpm must be a number`,
    ]);
  });

  it('a list merged from two files: each entry is located in its own file', () => {
    const dir = folder({
      'config.yaml': 'include: [more.yaml]\nmodel_list:\n  - model_name: g\n    litellm_params: { model: openai/gpt-4o-mini, weight: -1 }\n',
      'more.yaml': 'model_list:\n  - model_name: g\n    litellm_params: { model: azure/gpt-4o-mini, weight: -2 }\n',
    });
    const problems = problemsOf({ config_file: path.join(dir, 'config.yaml') });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(new RegExp(`config_file: ${path.join(dir, 'config.yaml')}:4:\\d+: model_list\\[0\\]\\.litellm_params\\.weight: `));
    expect(problems[1]).toMatch(new RegExp(`config_file: ${path.join(dir, 'more.yaml')}:3:\\d+: model_list\\[0\\]\\.litellm_params\\.weight: `));
  });

  it('a missing included file, and one outside the root config folder', () => {
    const dir = folder({ 'config.yaml': 'include:\n  - models.yaml\n  - ../elsewhere.yaml\nmodel_list:\n  - model_name: g\n    litellm_params: { model: openai/gpt-4o-mini }\n' });
    const problems = problemsOf({ config_file: path.join(dir, 'config.yaml') });
    expect(problems).toEqual([
      `${P}.config_file: ${path.join(dir, 'config.yaml')}:2:5: include[0]: include "models.yaml": no file ${path.join(dir, 'models.yaml')} (an include is read next to the config that declares it)`,
      `${P}.config_file: ${path.join(dir, 'config.yaml')}:3:5: include[1]: include "../elsewhere.yaml" is ${path.join(path.dirname(dir), 'elsewhere.yaml')}, outside the folder of the root config (${dir}): the LiteLLM proxy refuses includes that leave it; move the file under that folder`,
    ]);
  });

  it('an include cycle is refused, naming the chain', () => {
    const dir = folder({
      'config.yaml': 'include: [a.yaml]\nmodel_list:\n  - model_name: g\n    litellm_params: { model: openai/gpt-4o-mini }\n',
      'a.yaml': 'include: [sub/b.yaml]\n',
      'sub/b.yaml': 'include: [../a.yaml]\n',
    });
    const a = path.join(dir, 'a.yaml');
    expect(problemsOf({ config_file: path.join(dir, 'config.yaml') })).toEqual([
      `${P}.config_file: ${path.join(dir, 'sub', 'b.yaml')}:1:11: include[0]: include cycle: ${a} → ${path.join(dir, 'sub', 'b.yaml')} → ${a}; remove one of these includes`,
    ]);
  });

  it('a file two configs include is merged once; a nested path found only next to the root is read from there', () => {
    const dir = folder({
      'config.yaml': 'include: [parts/a.yaml, shared.yaml]\nrouter_settings: { num_retries: 1 }\n',
      'parts/a.yaml': 'include: [shared.yaml]\nmodel_list:\n  - model_name: g\n    litellm_params: { model: openai/gpt-4o-mini }\n',
      'shared.yaml': 'model_list:\n  - model_name: h\n    litellm_params: { model: azure/gpt-4o-mini }\n    model_info: { id: s }\n',
    });
    // merged twice, shared.yaml's deployment would be there twice, its model_info.id repeated
    expect(problemsOf({ config_file: path.join(dir, 'config.yaml') })).toEqual([]);
    expectProblem({ config_file: path.join(dir, 'config.yaml'), default_group: 'x' }, /unknown model group "x".*\(known: g, h\)/);
  });

  it('include must be a list of paths', () => {
    const dir = folder({ 'config.yaml': 'include: models.yaml\nmodel_list:\n  - model_name: g\n    litellm_params: { model: openai/gpt-4o-mini }\n' });
    expectProblem({ config_file: path.join(dir, 'config.yaml') }, /config\.yaml:1:10: include: include must be a list of file paths/);
  });
});
