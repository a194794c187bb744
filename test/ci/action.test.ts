/**
 * action.yml, checked without GitHub: every input and step output it references exists, every
 * routebench command and flag it calls is one the CLI knows, and its shell steps that decide what
 * the summary says (fork, missing baseline, failed comparison, push to main) and how the job ends
 * are run here with bash on hand-made inputs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

const root = path.resolve(import.meta.dirname, '../..');
const text = readFileSync(path.join(root, 'action.yml'), 'utf8');
const action = parse(text) as {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: { id?: string; name?: string; run?: string; env?: Record<string, string>; if?: string }[] };
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-action-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const step = (name: string) => {
  const s = action.runs.steps.find((x) => x.name === name);
  if (!s?.run) throw new Error(`no run step named ${name}`);
  return s;
};

async function help(args: string[]): Promise<string> {
  const io = memoryIo();
  await runCli([...args, '--help'], io);
  return io.stdout;
}

describe('action.yml', () => {
  it('is a composite action whose references resolve', () => {
    expect(action.runs.using).toBe('composite');
    const inputs = new Set(Object.keys(action.inputs));
    for (const [, name] of text.matchAll(/inputs\.([\w-]+)/g)) expect(inputs, `inputs.${name}`).toContain(name);
    const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
    for (const [, id] of text.matchAll(/steps\.([\w-]+)\.outputs/g)) expect(ids, `steps.${id}`).toContain(id);
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['scenarios', 'shard', 'merge-shards', 'regression-budget', 'node-version', 'github-token', 'results-artifact', 'base-branch']),
    );
  });

  it('calls only routebench commands and flags the CLI has', async () => {
    const calls = [...text.matchAll(/\$RB ((?:[a-z-]+ ?){1,2})((?:.|\\\n)*)/g)];
    expect(calls.length).toBeGreaterThanOrEqual(8);
    for (const [, words, rest] of calls) {
      const command = words!.trim().split(' ');
      const args = command[0] === 'ci' ? command.slice(0, 2) : command.slice(0, 1);
      const usage = await help(args);
      expect(usage, args.join(' ')).toContain(`routebench ${args[0]}`);
      for (const [flag] of `${command.slice(args.length).join(' ')} ${rest}`.matchAll(/--[a-z][\w-]*/g)) expect(usage, `${args.join(' ')} ${flag}`).toContain(flag);
    }
  });
});

/** Runs one step's script with bash, RB pointing at the CLI from source. */
function runStep(name: string, env: Record<string, string>, cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-e', '-c', step(name).run!], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, RB: `node --import ${import.meta.resolve('tsx')} ${path.join(root, 'test/helpers/cli-entry.ts')}`, ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('the job summary step', () => {
  const work = path.join(dir, 'repo');
  const report = path.join(work, 'reports', 'shootout', 'g1');
  mkdirSync(report, { recursive: true });
  writeFileSync(
    path.join(report, 'summary.json'),
    JSON.stringify({ scenario: 'shootout', strategies: [{ strategy: 'portkey', thresholds: [{ metric: 'success_rate', threshold: '> 0.95', actual: 0.9, passed: false, abortOnFail: false }] }] }),
  );
  execFileSync('ln', ['-s', 'g1', path.join(work, 'reports', 'shootout', 'latest')]);
  writeFileSync(path.join(work, 'routebench-comment.md'), '## routebench: 1 scenario, 1 strategy\n\nNo base-branch results to compare with (the first run, or the base results expired).\n\n### The answer\n');

  const github = (extra: Record<string, string>) => {
    const out = path.join(work, `out-${Math.random().toString(36).slice(2)}`);
    const summary = path.join(work, `summary-${Math.random().toString(36).slice(2)}`);
    writeFileSync(out, '');
    writeFileSync(summary, '');
    return {
      env: { GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary, GITHUB_REPOSITORY: 'acme/gw', REF_NAME: 'main', ...extra },
      output: () => readFileSync(out, 'utf8'),
      summary: () => readFileSync(summary, 'utf8'),
    };
  };

  it('a fork PR with no base results: says both, and asks for no comment', () => {
    const g = github({ EVENT: 'pull_request', BASE: 'main', HEAD_REPO: 'someone/gw', TOKEN_GIVEN: 'true', BASE_REASON: 'no `routebench-results` artifact from a run on `main` yet' });
    const r = runStep('job summary', g.env, work);
    expect(r.code, r.stderr).toBe(0);
    expect(g.summary()).toContain('⚠️ **No baseline:** no `routebench-results` artifact from a run on `main` yet; nothing was compared.');
    expect(g.summary()).not.toContain('No base-branch results to compare with');
    expect(g.summary()).toContain('> No PR comment: this pull request comes from a fork');
    expect(g.output()).toContain('comment=fork\n');
    expect(g.output()).toContain('failed-thresholds=1\n');
  }, 60_000);

  it('a push to main: these results become the baseline, no comment', () => {
    const g = github({ EVENT: 'push', BASE: '', TOKEN_GIVEN: 'true' });
    const r = runStep('job summary', g.env, work);
    expect(r.code, r.stderr).toBe(0);
    expect(g.summary()).toContain('⚠️ **No baseline:** a run on `main`, not a pull request: these results are the baseline for pull requests into it');
    expect(g.output()).toContain('comment=not-a-pr\n');
  }, 60_000);

  it('a comparison that failed is said; a PR with a token gets the comment', () => {
    const g = github({ EVENT: 'pull_request', BASE: 'main', HEAD_REPO: 'acme/gw', TOKEN_GIVEN: 'true', DOWNLOADED: 'true', COMPARE_FAILED: 'routebench report --base exited 2: the export is incomplete' });
    const r = runStep('job summary', g.env, work);
    expect(r.code, r.stderr).toBe(0);
    expect(g.summary()).toContain('⚠️ **Not compared with the base branch:** routebench report --base exited 2: the export is incomplete.');
    expect(g.output()).toContain('comment=on\n');
  }, 60_000);
});

describe('the verdict step', () => {
  const verdict = (env: Record<string, string>) => runStep('verdict', { FAIL_ON_THRESHOLDS: 'true', ...env }, dir).code;
  it('fails on a harness error, failed thresholds or an exceeded budget, and only then', () => {
    expect(verdict({ RUN_CODE: '0', FAILED_THRESHOLDS: '0', BUDGET_STATE: 'within' })).toBe(0);
    expect(verdict({ FAILED_THRESHOLDS: '0', BUDGET_STATE: 'none' })).toBe(0);
    expect(verdict({ RUN_CODE: '2' })).toBe(2);
    expect(verdict({ RUN_CODE: '3' })).toBe(3);
    expect(verdict({ FAILED_THRESHOLDS: '2', BUDGET_STATE: 'within' })).toBe(3);
    expect(verdict({ FAILED_THRESHOLDS: '2', FAIL_ON_THRESHOLDS: 'false' })).toBe(0);
    expect(verdict({ FAILED_THRESHOLDS: '0', BUDGET_STATE: 'exceeded' })).toBe(3);
    expect(verdict({ RUN_CODE: '0', REPORT_CODE: '4' })).toBe(4);
    expect(verdict({ RUN_CODE: '0', REPORT_CODE: '3', BUDGET_STATE: 'exceeded' })).toBe(3);
  });

  it('names the cause of exit 3: failed thresholds, or a backtest out of tolerance when every threshold was met', () => {
    const said = (env: Record<string, string>) => runStep('verdict', { FAIL_ON_THRESHOLDS: 'true', ...env }, dir);
    const backtest = said({ RUN_CODE: '3', FAILED_THRESHOLDS: '0', BUDGET_STATE: 'within' });
    expect(backtest.code).toBe(3);
    expect(backtest.stdout).toBe('::error::routebench: a backtest was out of tolerance (routebench run exited 3 with every threshold met; see backtest.md beside the scenario\'s report)\n');
    for (const env of [{ RUN_CODE: '3', FAILED_THRESHOLDS: '1' }, { RUN_CODE: '3' }, { FAILED_THRESHOLDS: '2' }] as Record<string, string>[]) {
      const r = said(env);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('::error::routebench: thresholds failed\n');
    }
  });
});
