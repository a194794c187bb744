/**
 * Every cost table says that a stream cut before its first token and a provider that never
 * answers cost $0, and what "per 1k ok" divides by: the terminal summary, summary.md and the HTML
 * report of a run with hangs (timeouts before any token).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { BILLING_NOTE } from '../../src/report/billing-note.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-billing-note-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the cost footnote', () => {
  it('is printed under the terminal table and written in summary.md and index.html', async () => {
    const file = path.join(dir, 'hangs.yaml');
    writeFileSync(
      file,
      `name: hangs
seed: 2
traffic:
  synthetic: { arrival: { process: poisson, rate_per_s: 20 }, count: 400, stream: 0.5 }
defaults: { attempt_timeout: 2s }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: typical, errors: { timeout: 0.2 } } }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  single: { use: single, options: { target: a } }
  fallback: { use: fallback, options: { targets: [a, b] } }
`,
    );
    const out = path.join(dir, 'reports');
    const io = memoryIo();
    expect(await runCli(['run', file, '--db', path.join(dir, 'r.duckdb'), '--out', out], io)).toBe(0);
    const lines = io.stdout.split('\n');
    // Right under the table's rows.
    expect(lines[4]).toBe(`cost: ${BILLING_NOTE}`);
    const group = readdirSync(path.join(out, 'hangs'))[0]!;
    expect(readFileSync(path.join(out, 'hangs', group, 'summary.md'), 'utf8')).toContain(BILLING_NOTE);
    expect(readFileSync(path.join(out, 'hangs', group, 'index.html'), 'utf8')).toContain(BILLING_NOTE.replace(/&/g, '&amp;'));
  });
});
