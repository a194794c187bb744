/**
 * An output folder that is a symbolic link to nothing (its target removed) or a loop of links:
 * exit 4 saying so. It said "is a file, not a folder", and there is no file to look for.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { pressedAtOnce } from '../helpers/interrupted-io.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-links-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dangling = path.join(dir, 'dangling');
symlinkSync(path.join(dir, 'removed-target'), dangling);
const loopA = path.join(dir, 'loopA');
symlinkSync(path.join(dir, 'loopB'), loopA);
symlinkSync(loopA, path.join(dir, 'loopB'));

describe('an output folder that is a broken symbolic link', () => {
  it.each([
    ['record --out, a link to a removed folder', ['record', '--openai', 'http://127.0.0.1:9', '--port', '0', '--out', dangling], dangling, '--out'],
    ['record --out, links that loop', ['record', '--openai', 'http://127.0.0.1:9', '--port', '0', '--out', path.join(loopA, 'rec')], loopA, '--out'],
    ['import -o under a link to a removed folder', ['import', 'fixtures/logs/openrouter/generations.jsonl', '--format', 'openrouter', '-o', path.join(dangling, 'x.jsonl')], dangling, '-o'],
  ])('%s: exit 4, "a symbolic link that leads to no folder"', async (_what, argv, link, flag) => {
    const io = pressedAtOnce();
    expect(await runCli(argv, io)).toBe(4);
    expect(io.stderr).toContain(`${link}: a symbolic link that leads to no folder (its target is missing, or the links loop)\nhint: fix the link, or choose another path with ${flag}\n`);
  });
});
