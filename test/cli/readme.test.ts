/**
 * The README is a landing page that works on a fresh machine: the two quick-start command lines,
 * under 15 KB, and a link to every page in docs/ (links and examples themselves are checked in
 * test/docs/links.test.ts). The editor schema is generated from the current scenario schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchemaText } from '../../src/json-schema.js';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('gives the fresh-machine commands, for a clone and for a team repository', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
    expect(readme).toContain('npm i -D routebench && npx routebench init');
    expect(readme).toMatch(/^npx routebench run$/m);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node bin/routebench.js run scenarios/');
    expect(pkg.scripts.prestart ?? pkg.scripts.prepare).toMatch(/tsc -p tsconfig\.build\.json/);
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/\nnpm test\n/);
  });

  it('is a landing page: at most 15 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024);
  });

  it('links every page in docs/', () => {
    const linked = new Set([...readme.matchAll(/\]\(docs\/([\w.-]+\.md)(?:#[^)]*)?\)/g)].map((m) => m[1]));
    const missing = readdirSync('docs').filter((f) => f.endsWith('.md') && !linked.has(f));
    expect(missing).toEqual([]);
  });

  it('scenarios/scenario.schema.json is generated from the current schema (npm run schema to refresh)', () => {
    expect(readFileSync('scenarios/scenario.schema.json', 'utf8')).toBe(scenarioJsonSchemaText());
  });
});
