/**
 * `routebench ci <summary|comment|baseline>`: the steps of the GitHub Action (action.yml) that are
 * more than a command line, as commands that can be tested.
 *
 *   summary   one job summary for the whole suite (and the PR comment body): the markdown of
 *             `routebench report --pr-comment`, plus why there was no baseline or no comment
 *   comment   creates or updates the one PR comment marked `<!-- routebench -->`; a token that may
 *             not write (fork PRs) is said in the job summary, not a failure
 *   baseline  finds the base branch's newest results artifact (GitHub REST), or says why none
 *
 * GitHub calls take the token from GITHUB_TOKEN or GH_TOKEN (never a flag: flags show in process
 * lists) and the API root from GITHUB_API_URL.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { environmentError, ExitCode, inputError } from '../../errors.js';
import { findBaselineArtifact } from '../../ci/find-baseline.js';
import { githubApi, GitHubHttpError } from '../../ci/github-api.js';
import { COMMENT_MARKER, failedThresholds, jobSummary, type BaselineState, type CommentState } from '../../ci/job-summary.js';
import { readSummaries } from '../../ci/read-results.js';
import { upsertComment } from '../../ci/upsert-comment.js';
import { ensureWritableFileFolder, type Io } from '../io.js';
import { refuseForeignOutput } from '../own-output.js';
import { count } from '../../plural.js';

export interface CiArgs {
  action: 'summary' | 'comment' | 'baseline';
  body?: string;
  reports: string;
  'compare-failed'?: string;
  'baseline-missing'?: string;
  'base-branch'?: string;
  comment: CommentState;
  out?: string;
  append?: string;
  repo?: string;
  pr?: number;
  name: string;
  'github-output'?: string;
}

export function ciBuilder(y: Argv): Argv<CiArgs> {
  return y
    .positional('action', { choices: ['summary', 'comment', 'baseline'] as const, describe: 'which CI step' })
    .option('body', { type: 'string', describe: 'summary: the markdown `routebench report --pr-comment <file>` wrote; comment: the markdown file to post' })
    .option('reports', { type: 'string', default: 'reports', describe: 'summary: the reports folder (`routebench report --out`), for the threshold count' })
    .option('baseline-missing', { type: 'string', describe: 'summary: there were no base branch results; why' })
    .option('compare-failed', { type: 'string', describe: 'summary: there were base branch results, but comparing with them failed; why' })
    .option('comment', { choices: ['on', 'no-token', 'fork', 'not-a-pr'] as const, default: 'on' as const, describe: 'summary: whether a PR comment will carry it (else say why not)' })
    .option('out', { type: 'string', describe: 'summary: write the markdown to this file (none or -: print it)' })
    .option('append', { type: 'string', describe: 'summary: also append it to this file (e.g. $GITHUB_STEP_SUMMARY); comment: where to say it could not post' })
    .option('repo', { type: 'string', describe: 'comment, baseline: owner/name (default $GITHUB_REPOSITORY)' })
    .option('pr', { type: 'number', describe: 'comment: pull request number (default: from $GITHUB_EVENT_PATH)' })
    .option('base-branch', { type: 'string', describe: 'baseline: the branch to look on' })
    .option('name', { type: 'string', default: 'routebench-results', describe: 'baseline: the results artifact name' })
    .option('github-output', { type: 'string', describe: 'append results to this file (e.g. $GITHUB_OUTPUT); summary: scenarios=, failed-thresholds=; baseline: found=, run-id=, reason=' }) as unknown as Argv<CiArgs>;
}

export async function ciHandler(given: CiArgs, io: Io): Promise<number> {
  // summary --out -: stdout, as without --out
  const args = given.out === '-' ? { ...given, out: undefined } : given;
  // Every file this step writes: a folder that takes no new entries is said before anything is written.
  for (const [flag, file] of [['--out', args.out], ['--append', args.append], ['--github-output', args['github-output']]] as const) if (file !== undefined) ensureWritableFileFolder(file, flag);
  // --out replaces its file (--append and --github-output add to theirs): someone else's is refused, untouched.
  if (args.out !== undefined) refuseForeignOutput(args.out, { flag: '--out', what: 'a job summary', starts: [COMMENT_MARKER], example: 'summary.md' });
  if (args.action === 'summary') return summary(args, io);
  const repo = args.repo ?? io.env.GITHUB_REPOSITORY;
  if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) throw inputError('CI_REPO', `no repository given${repo ? ` ("${repo}" is not owner/name)` : ''}`, [], 'pass --repo owner/name, or run inside GitHub Actions (GITHUB_REPOSITORY)');
  const api = githubApi({ apiUrl: io.env.GITHUB_API_URL, token: io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN });
  try {
    return args.action === 'comment' ? await comment(args, io, repo, api) : await baseline(args, io, repo, api);
  } catch (e) {
    if (e instanceof GitHubHttpError) throw environmentError('GITHUB_API', `GitHub API: ${e.message}`, 'a GitHub outage or a rate limit: re-run the job; the job summary holds the results', e);
    if (e instanceof TypeError) throw environmentError('GITHUB_UNREACHABLE', `cannot reach the GitHub API (${io.env.GITHUB_API_URL ?? 'https://api.github.com'}): ${e.message}`, 'check GITHUB_API_URL and the network; re-run the job', e);
    throw e;
  }
}

function summary(args: CiArgs, io: Io): number {
  let body = '';
  if (args.body !== undefined) {
    if (!existsSync(args.body)) throw inputError('CI_NO_BODY', `${args.body} does not exist`, [{ file: args.body, path: '', message: 'no such file' }], 'write it with `routebench report --pr-comment <file>`');
    body = readFileSync(args.body, 'utf8');
  }
  const baseline: BaselineState = args['compare-failed']
    ? { state: 'failed', reason: args['compare-failed'] }
    : args['baseline-missing']
      ? { state: 'missing', reason: args['baseline-missing'] }
      : { state: 'compared' };
  const scenarios = readSummaries(args.reports);
  const md = jobSummary({ body, baseline, comment: args.comment });
  if (args.out) writeFileSync(args.out, md);
  if (args.append) appendFileSync(args.append, md);
  if (args['github-output']) appendFileSync(args['github-output'], `scenarios=${scenarios.length}\nfailed-thresholds=${failedThresholds(scenarios)}\n`);
  if (!args.out) io.out(md);
  else io.out(`job summary: ${args.out} (${count(md.split('\n').length - 1, 'line')})\n`);
  return ExitCode.ok;
}

function prNumber(args: CiArgs, io: Io): number {
  if (args.pr !== undefined) return args.pr;
  const file = io.env.GITHUB_EVENT_PATH;
  const event = file ? (JSON.parse(readFileSync(file, 'utf8')) as { pull_request?: { number?: number }; number?: number }) : undefined;
  const n = event?.pull_request?.number ?? event?.number;
  if (typeof n !== 'number') throw inputError('CI_NO_PR', 'no pull request number', [], 'pass --pr <number>, or run on a pull_request event (GITHUB_EVENT_PATH)');
  return n;
}

async function comment(args: CiArgs, io: Io, repo: string, api: ReturnType<typeof githubApi>): Promise<number> {
  if (!args.body) throw inputError('CI_NO_BODY', 'no comment body', [], 'pass --body <file>, e.g. the file `routebench ci summary --out` wrote');
  if (!io.env.GITHUB_TOKEN && !io.env.GH_TOKEN) throw environmentError('CI_NO_TOKEN', 'no GitHub token: GITHUB_TOKEN and GH_TOKEN are unset', 'set GITHUB_TOKEN (the action passes its github-token input)');
  const res = await upsertComment(api, { repo, issue: prNumber(args, io), body: readFileSync(args.body, 'utf8') });
  if (res.action === 'forbidden') {
    const note = `\n> No PR comment: the token may not write to ${repo} (HTTP ${res.status}: ${res.message}). A pull request from a fork gets a read-only token; this summary is the result.\n`;
    if (args.append) appendFileSync(args.append, note);
    io.err(`routebench: no PR comment: the token may not write to ${repo} (HTTP ${res.status}: ${res.message}); the job summary holds the results\n`);
    return ExitCode.ok;
  }
  io.out(`PR comment ${res.action}: ${res.url}\n`);
  return ExitCode.ok;
}

async function baseline(args: CiArgs, io: Io, repo: string, api: ReturnType<typeof githubApi>): Promise<number> {
  if (!args['base-branch']) throw inputError('CI_NO_BRANCH', 'no base branch', [], 'pass --base-branch <name> (in a pull request: ${{ github.base_ref }})');
  const found = await findBaselineArtifact(api, { repo, branch: args['base-branch'], name: args.name });
  if (args['github-output'])
    appendFileSync(
      args['github-output'],
      found.found ? `found=true\nrun-id=${found.runId}\nartifact-id=${found.artifactId}\nsha=${found.sha}\n` : `found=false\nreason=${found.reason.replace(/\n/g, ' ')}\n`,
    );
  io.out(found.found ? `baseline: artifact ${args.name} of run ${found.runId} (${found.sha.slice(0, 7)}, ${found.createdAt})\n` : `baseline: none: ${found.reason}\n`);
  return ExitCode.ok;
}
