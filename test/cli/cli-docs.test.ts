/** docs/cli.md is generated from `--help` (npm run docs:cli): it must match what the CLI prints now. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliReferenceMarkdown } from '../../scripts/cli-help.js';
import { COMMANDS, commandName } from '../../src/cli/commands/index.js';

describe('docs/cli.md', () => {
  it('is the current --help of every command (regenerate with `npm run docs:cli`)', async () => {
    const generated = await cliReferenceMarkdown();
    for (const c of COMMANDS) expect(generated).toContain(`$ routebench ${commandName(c)} --help\n`);
    expect(readFileSync('docs/cli.md', 'utf8'), 'docs/cli.md is out of date: run `npm run docs:cli`').toBe(generated);
  });
});
