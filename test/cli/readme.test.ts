import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliHelpMarkdown, replaceHelp } from '../../scripts/cli-help.js';
import { scenarioJsonSchemaText } from '../../src/json-schema.js';

describe('docs stay in step with the code', () => {
  it('README shows the current --help (npx tsx scripts/cli-help.ts --write to refresh)', async () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(replaceHelp(readme, await cliHelpMarkdown())).toBe(readme);
  });

  it('README gives the two fresh-machine commands', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test ');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.scripts.start).toBe('node bin/routebench.js run scenarios/');
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/\nnpm test\n/);
  });

  it('scenarios/scenario.schema.json is generated from the current schema (npm run schema to refresh)', () => {
    expect(readFileSync('scenarios/scenario.schema.json', 'utf8')).toBe(scenarioJsonSchemaText());
  });
});
