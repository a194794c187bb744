/**
 * A product's config file read for a strategy: strict JSON for `.json` (the products JSON.parse
 * their configs), every error at file:line:col. The offset checker's oracle is JSON.parse itself:
 * it must accept exactly what JSON.parse accepts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigText, readConfigFileAt } from '../../src/scenario/config-file.js';
import { jsonErrorOffset } from '../../src/scenario/json-error-offset.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES = [
  '{}', '[]', '{"a":[1,{"b":null}],"c":-0.5e+3,"d":"\\u00e9\\n"}', ' \n{"x": true}\n', '0', '"s"',
  '[1,2,]', '{"a":1,}', '{"a":-}', '"\\u12"', '{"a": tru}', '[1] x', '{"a":"b\n"}', '', '  ', '01', '{"a" 1}', '[', '"x', "{'a': 1}", '{"a": 1} // c', '\ufeff{}', '{"a": .5}', '{"a": 1.}',
];

describe('config files', () => {
  it('jsonErrorOffset accepts exactly what JSON.parse accepts', () => {
    for (const text of CASES) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(jsonErrorOffset(text) === undefined, JSON.stringify(text)).toBe(valid);
    }
  });

  it('a trailing comma in a .json file is an error at its line and column; the same text as .yaml is read', () => {
    const text = '{\n  "strategy": { "mode": "fallback" },\n  "targets": [\n    { "provider": "openai" },\n  ]\n}\n';
    const json = parseConfigText(text, path.join(dir, 'portkey.json'));
    expect(json.value).toBeUndefined();
    expect(json.invalid).toMatchObject({ line: 5, col: 3, format: 'JSON' });
    expect(json.error).toMatch(/portkey\.json:5:3: not valid JSON: /);
    expect(parseConfigText(text, path.join(dir, 'c.yaml')).value).toEqual({ strategy: { mode: 'fallback' }, targets: [{ provider: 'openai' }] });
  });

  it('YAML errors and paths inside a file are located', () => {
    const file = path.join(dir, 'litellm.yaml');
    writeFileSync(file, 'model_list:\n  - model_name: g\n    litellm_params:\n      model: openai/gpt-4o\nrouter_settings:\n  num_retries: two\n');
    const ok = readConfigFileAt(file);
    expect(ok.error).toBeUndefined();
    expect(ok.where(['router_settings', 'num_retries'])).toMatch(/litellm\.yaml:6:16$/);
    expect(ok.where(['model_list', 0, 'litellm_params', 'model'])).toMatch(/litellm\.yaml:4:14$/);
    writeFileSync(file, 'model_list:\n  - model_name: g\n   bad: [\n');
    expect(readConfigFileAt(file).invalid).toMatchObject({ format: 'YAML', line: expect.any(Number) });
    expect(readConfigFileAt(path.join(dir, 'missing.yaml')).error).toMatch(/^cannot read /);
  });
});
