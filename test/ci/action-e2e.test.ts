/**
 * action.yml end to end on this machine (action-runner.ts plays the GitHub runner; a fake GitHub
 * API on 127.0.0.1 and a fake `gh` serve the base branch's artifact): a push to main makes the
 * baseline; a pull request that changes the team's Portkey config is compared with it, fails the
 * regression budget, and gets one PR comment, updated (not repeated) on the next push; a fork's
 * pull request gets the summary only; a sharded run merges into one summary.
 */
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/ci/job-summary.js';
import { runAction, type ActionRun } from './action-runner.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-action-e2e-'));
const REPO = 'acme/gw';
const TOKEN = 'fake-token-for-tests';
let gh: FakeGitHub;

const SCENARIO = `name: pk
seed: 5
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 20 }, count: 800 } }
targets:
  a: { provider: openai, model: gpt-4o-mini, mock: { profile: flaky } }
  b: { provider: anthropic, model: claude-3-5-haiku }
strategies:
  single: { use: single, options: { target: a } }
  gateway: { use: portkey, options: { config_file: ../gateway/portkey.json } }
thresholds: { success_rate: ['> 0.5'] }
`;
const FALLBACK = '{"strategy":{"mode":"fallback"},"targets":[{"provider":"openai","override_params":{"model":"gpt-4o-mini"}},{"provider":"anthropic","override_params":{"model":"claude-3-5-haiku"}}]}';
const SINGLE = '{"strategy":{"mode":"single"},"targets":[{"provider":"openai","override_params":{"model":"gpt-4o-mini"}}]}';

/** A checkout of the team's repository, with routebench "installed" (a bin that runs this source). */
function checkout(name: string, portkey: string): string {
  const ws = path.join(dir, name);
  mkdirSync(path.join(ws, 'scenarios'), { recursive: true });
  writeFileSync(path.join(ws, 'scenarios', 'pk.yaml'), SCENARIO);
  mkdirSync(path.join(ws, 'gateway'), { recursive: true });
  writeFileSync(path.join(ws, 'gateway', 'portkey.json'), portkey);
  mkdirSync(path.join(ws, 'node_modules', '.bin'), { recursive: true });
  const bin = path.join(ws, 'node_modules', '.bin', 'routebench');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${path.join(root, 'test/helpers/cli-entry.ts')}" "$@"\n`);
  chmodSync(bin, 0o755);
  return ws;
}

/** A fake `gh`: `gh run download <run> -n <name> -D <dir> -R <repo>` copies from runs/<run>/<name>. */
function fakeGh(): string {
  const binDir = path.join(dir, 'fake-bin');
  mkdirSync(binDir, { recursive: true });
  writeFileSync(
    path.join(binDir, 'gh'),
    `#!/bin/sh
[ "$1 $2" = "run download" ] || { echo "fake gh: unsupported: $*" >&2; exit 2; }
run="$3"; shift 3
while [ $# -gt 0 ]; do case "$1" in -n) name="$2"; shift 2;; -D) dest="$2"; shift 2;; *) shift;; esac; done
[ -d "${dir}/runs/$run/$name" ] || { echo "no artifact $name in run $run" >&2; exit 1; }
mkdir -p "$dest" && cp -R "${dir}/runs/$run/$name/." "$dest/"
`,
  );
  chmodSync(path.join(binDir, 'gh'), 0o755);
  return binDir;
}

function run(name: string, ws: string, withInputs: Record<string, string>, github: Record<string, unknown>, artifacts = path.join(dir, `artifacts-${name}`)): Promise<ActionRun> {
  mkdirSync(artifacts, { recursive: true });
  const event = path.join(dir, `event-${name}.json`);
  writeFileSync(event, JSON.stringify(github.event ?? {}));
  return runAction({
    actionFile: path.join(root, 'action.yml'),
    with: withInputs,
    github: { token: TOKEN, action_path: root, repository: REPO, ...github },
    workspace: ws,
    artifacts,
    scratch: path.join(dir, `scratch-${name}`),
    env: {
      PATH: `${fakeGh()}:${process.env.PATH}`,
      HOME: process.env.HOME ?? dir,
      GITHUB_REPOSITORY: REPO,
      GITHUB_API_URL: gh.url,
      GITHUB_SERVER_URL: 'https://github.test',
      GITHUB_RUN_ID: String(github.run_id ?? 1),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_EVENT_PATH: event,
    },
  });
}

const pr = (n: number, headRepo = REPO) => ({ event_name: 'pull_request', base_ref: 'main', ref_name: `${n}/merge`, run_id: 600 + n, event: { pull_request: { number: n, head: { repo: { full_name: headRepo } } } } });

beforeAll(async () => {
  gh = await startFakeGitHub({ repo: REPO, issue: 7, token: TOKEN });
  // main: the baseline run, its artifact kept as run 500's
  const main = await run('main', checkout('main', FALLBACK), {}, { event_name: 'push', base_ref: '', ref_name: 'main', run_id: 500 });
  expect(main.code, main.log).toBe(0);
  expect(main.summary).toContain('⚠️ **No baseline:** a run on `main`, not a pull request');
  cpSync(path.join(dir, 'artifacts-main', 'routebench-results'), path.join(dir, 'runs', '500', 'routebench-results'), { recursive: true });
  gh.artifacts.push({ id: 1, name: 'routebench-results', expired: false, created_at: '2026-12-06T10:00:00Z', workflow_run: { id: 500, repository_id: 1, head_repository_id: 1, head_branch: 'main', head_sha: 'abc1234' } });
}, 300_000);
afterAll(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the action on pull requests', () => {
  it('compares with main, fails the budget, and keeps one PR comment across pushes', async () => {
    const ws = checkout('pr', SINGLE);
    const inputs = { 'github-token': TOKEN, 'regression-budget': 'success_rate=0.1pp' };
    const first = await run('pr-1', ws, inputs, pr(7));
    expect(first.code, first.log).toBe(3);
    expect(first.outputs.base).toMatchObject({ found: 'true', 'run-id': '500', downloaded: 'true' });
    expect(first.outputs.report).toMatchObject({ budget: 'exceeded', code: '3' });
    expect(first.outputs.summary).toMatchObject({ 'failed-thresholds': '0', comment: 'on' });
    expect(first.summary.match(/^## routebench/gm)).toHaveLength(1);
    expect(first.summary).toContain('Regression budget (`success_rate=0.1pp`): ❌ **exceeded** by 1');
    expect(first.summary).toMatch(/- pk \/ gateway: success_rate worse by [\d.]+ pp/);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(gh.comments[0]!.body).toBe(readFileSync(first.outputs.summary!.file!, 'utf8'));

    const second = await run('pr-2', ws, inputs, pr(7));
    expect(second.code, second.log).toBe(3);
    expect(gh.comments).toHaveLength(1);
    expect(gh.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
    expect(gh.calls.filter((c) => c.startsWith('PATCH'))).toHaveLength(1);
  }, 300_000);

  it("a fork's pull request: the summary says there is no comment, and no comment is attempted", async () => {
    const before = gh.calls.length;
    const r = await run('fork', checkout('fork', FALLBACK), { 'github-token': TOKEN, 'regression-budget': 'success_rate=0.1pp' }, pr(7, 'someone/gw'));
    expect(r.code, r.log).toBe(0);
    expect(r.summary).toContain('Regression budget (`success_rate=0.1pp`): ✅ within budget.');
    expect(r.summary).toContain('> No PR comment: this pull request comes from a fork');
    expect(gh.calls.slice(before).filter((c) => !c.startsWith('GET /repos/acme/gw/actions/artifacts'))).toEqual([]);
  }, 300_000);

  it('sharded: two shard jobs and a merge job give one summary with both strategies', async () => {
    const artifacts = path.join(dir, 'artifacts-sharded');
    const ws1 = checkout('shard-1', FALLBACK);
    const ws2 = checkout('shard-2', FALLBACK);
    for (const [i, ws] of [ws1, ws2].entries()) {
      const s = await run(`shard-${i + 1}`, ws, { shard: `${i + 1}/2` }, { ...pr(8), run_id: 700 }, artifacts);
      expect(s.code, s.log).toBe(0);
      expect(s.summary).toBe('');
    }
    const merged = await run('merge', checkout('merge', FALLBACK), { 'merge-shards': 'true', 'regression-budget': 'success_rate=0.1pp' }, { ...pr(8), run_id: 700 }, artifacts);
    expect(merged.code, merged.log).toBe(0);
    expect(merged.summary.match(/^## routebench: 1 scenario, 2 strategies$/gm)).toHaveLength(1);
    expect(merged.summary).toMatch(/\*\*Against the base branch\*\*[^:]*: 0 wins, 0 losses/);
    expect(merged.summary).toContain('> No PR comment: no `github-token` was given to the action');
  }, 300_000);
});
