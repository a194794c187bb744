/**
 * The PR comment upsert and the base-branch artifact lookup against a fake GitHub API on
 * 127.0.0.1, through `routebench ci comment` / `ci baseline` as the action runs them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { githubApi } from '../../src/ci/github-api.js';
import { upsertComment } from '../../src/ci/upsert-comment.js';
import { COMMENT_MARKER } from '../../src/ci/job-summary.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const REPO = 'acme/gateway';
const TOKEN = 'test-token-not-a-secret';
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-ci-gh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ repo: REPO, issue: 7, token: TOKEN });
});
afterEach(() => gh.close());

async function ci(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo({ GITHUB_API_URL: gh.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPO, ...env });
  const code = await runCli(['ci', ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('ci comment', () => {
  it('creates one comment, then updates it in place instead of adding another', async () => {
    gh.comments.push({ id: 1, body: 'LGTM', html_url: 'u1' }, { id: 2, body: 'another bot <!-- other -->', html_url: 'u2' });
    const body = path.join(dir, 'body.md');
    writeFileSync(body, `${COMMENT_MARKER}\nfirst result\n`);
    const first = await ci(['comment', '--body', body, '--pr', '7']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^PR comment created: /);
    writeFileSync(body, `${COMMENT_MARKER}\nsecond result\n`);
    const second = await ci(['comment', '--body', body, '--pr', '7']);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/^PR comment updated: /);
    expect(gh.comments.map((c) => c.body)).toEqual(['LGTM', 'another bot <!-- other -->', `${COMMENT_MARKER}\nsecond result\n`]);
    expect(gh.calls.filter((c) => !c.startsWith('GET'))).toEqual([`POST /repos/${REPO}/issues/7/comments`, `PATCH /repos/${REPO}/issues/comments/1000`]);
  });

  it('finds its comment on a later page of a long thread', async () => {
    for (let i = 1; i <= 230; i++) gh.comments.push({ id: i, body: i === 205 ? `${COMMENT_MARKER}\nold` : `comment ${i}`, html_url: `u${i}` });
    const res = await upsertComment(githubApi({ apiUrl: gh.url, token: TOKEN }), { repo: REPO, issue: 7, body: 'new body' });
    expect(res).toMatchObject({ action: 'updated', id: 205 });
    expect(gh.comments.find((c) => c.id === 205)!.body).toBe(`${COMMENT_MARKER}\nnew body`);
    expect(gh.comments).toHaveLength(230);
    expect(gh.calls.filter((c) => c.startsWith('GET'))).toHaveLength(3);
  });

  it('takes the PR number from the event file', async () => {
    const event = path.join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
    const body = path.join(dir, 'b2.md');
    writeFileSync(body, 'x');
    const r = await ci(['comment', '--body', body], { GITHUB_EVENT_PATH: event });
    expect(r.code, r.err).toBe(0);
    expect(gh.comments).toHaveLength(1);
  });

  it("a fork's read-only token: no comment, exit 0, and the job summary says why", async () => {
    gh.readOnly = true;
    const body = path.join(dir, 'b3.md');
    const summary = path.join(dir, 'step-summary.md');
    writeFileSync(body, 'x');
    writeFileSync(summary, 'the summary\n');
    const r = await ci(['comment', '--body', body, '--pr', '7', '--append', summary]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('no PR comment: the token may not write to acme/gateway (HTTP 403: Resource not accessible by integration)');
    expect(readFileSync(summary, 'utf8')).toMatch(/^the summary\n\n> No PR comment: the token may not write to acme\/gateway \(HTTP 403: .*\)\. A pull request from a fork gets a read-only token; this summary is the result\.\n$/);
    expect(gh.comments).toEqual([]);
  });

  it('no token is an environment error (exit 4) naming the fix', async () => {
    const body = path.join(dir, 'b4.md');
    writeFileSync(body, 'x');
    const r = await ci(['comment', '--body', body, '--pr', '7'], { GITHUB_TOKEN: '' });
    expect(r.code).toBe(4);
    expect(r.err).toContain('GITHUB_TOKEN');
  });

  it('an API failure other than a refusal exits 4', async () => {
    const body = path.join(dir, 'b5.md');
    writeFileSync(body, 'x');
    gh.failWith = 502;
    const r = await ci(['comment', '--body', body, '--pr', '7']);
    expect(r.code).toBe(4);
    expect(r.err).toContain('HTTP 502: Server Error');
  });
});

describe('ci baseline', () => {
  const artifact = (id: number, branch: string, created: string, extra: Partial<{ expired: boolean; head_repository_id: number; name: string }> = {}) => ({
    id,
    name: extra.name ?? 'routebench-results',
    expired: extra.expired ?? false,
    created_at: created,
    workflow_run: { id: id * 10, repository_id: 1, head_repository_id: extra.head_repository_id ?? 1, head_branch: branch, head_sha: `sha${id}` },
  });

  it("picks the newest unexpired artifact of the base branch from this repository (not a fork's main)", async () => {
    gh.artifacts.push(
      artifact(1, 'main', '2026-12-01T10:00:00Z'),
      artifact(2, 'main', '2026-12-03T10:00:00Z'),
      artifact(3, 'feature', '2026-12-04T10:00:00Z'),
      artifact(4, 'main', '2026-12-05T10:00:00Z', { head_repository_id: 99 }),
      artifact(5, 'main', '2026-12-02T10:00:00Z', { name: 'other' }),
    );
    const out = path.join(dir, 'gh-output');
    writeFileSync(out, '');
    const r = await ci(['baseline', '--base-branch', 'main', '--github-output', out]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('found=true\nrun-id=20\nartifact-id=2\nsha=sha2\n');
  });

  it('none yet: found=false with a reason, exit 0', async () => {
    gh.artifacts.push(artifact(3, 'feature', '2026-12-04T10:00:00Z'));
    const out = path.join(dir, 'gh-output-2');
    writeFileSync(out, '');
    const r = await ci(['baseline', '--base-branch', 'main', '--github-output', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('found=false\nreason=no `routebench-results` artifact from a run on `main` yet (the first run on `main` after adding the action makes one)\n');
  });

  it('only expired ones: says they expired', async () => {
    gh.artifacts.push(artifact(1, 'main', '2026-01-01T10:00:00Z', { expired: true }));
    const r = await ci(['baseline', '--base-branch', 'main']);
    expect(r.out).toContain('baseline: none: the last `routebench-results` artifact of `main` has expired');
  });
});
