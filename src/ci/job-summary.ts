/**
 * The one job summary (and PR comment body) of a CI run. Its content is the suite's PR comment
 * from `routebench report --pr-comment` (changes against the base branch, the regression budget's
 * verdict, the answer, a link: the same answer as the suite page); this adds what only the CI run
 * knows: why there was no baseline, or why the comparison failed, said where the comparison would
 * be, and why there is no PR comment (a fork's read-only token, no token). Pure: text in, text out.
 */
import type { SummaryJson } from '../report/write-summary.js';

/** The hidden line that identifies routebench's PR comment (upsert-comment.ts finds it). */
export const COMMENT_MARKER = '<!-- routebench -->';

export type BaselineState =
  | { state: 'compared' }
  /** No base branch results (first run, expired, not a pull request, could not be fetched). */
  | { state: 'missing'; reason: string }
  /** Found, but comparing with them failed. */
  | { state: 'failed'; reason: string };

export type CommentState = 'on' | 'no-token' | 'fork' | 'not-a-pr';

export interface JobSummaryInput {
  /** The markdown `routebench report --pr-comment` wrote ('' when nothing was rendered). */
  body: string;
  baseline: BaselineState;
  comment: CommentState;
}

/** The report's own line for "no base results", replaced by the CI run's reason. */
const GENERIC_NO_BASE = /^No base-branch results to compare with\b[^\n]*$/m;

const COMMENT_NOTE: Record<CommentState, string | undefined> = {
  on: undefined,
  'not-a-pr': undefined,
  'no-token': 'No PR comment: no `github-token` was given to the action; this summary is the result.',
  fork: 'No PR comment: this pull request comes from a fork, and its token cannot write to this repository; this summary is the result.',
};

/** How many declared thresholds failed across the suite (for the action's exit status). */
export function failedThresholds(scenarios: readonly SummaryJson[]): number {
  return scenarios.reduce((a, s) => a + s.strategies.reduce((b, st) => b + st.thresholds.filter((t) => !t.passed).length, 0), 0);
}

export function jobSummary(input: JobSummaryInput): string {
  const b = input.baseline;
  const note =
    b.state === 'missing' ? `⚠️ **No baseline:** ${b.reason}; nothing was compared.` : b.state === 'failed' ? `⚠️ **Not compared with the base branch:** ${b.reason}.` : undefined;
  let lines = input.body.trim() === '' ? ['## routebench', '', '⚠️ No report was rendered: no scenario ran to completion (see the job log).'] : input.body.trimEnd().split('\n');
  if (note) {
    const at = lines.findIndex((l) => GENERIC_NO_BASE.test(l));
    if (at >= 0) lines[at] = note;
    else {
      const head = lines[0]?.startsWith('#') ? 1 : 0;
      lines = [...lines.slice(0, head), ...(head ? [''] : []), note, ...(lines[head] === '' ? [] : ['']), ...lines.slice(head)];
    }
  }
  const comment = COMMENT_NOTE[input.comment];
  if (comment) lines.push('', `> ${comment}`);
  return `${COMMENT_MARKER}\n${lines.join('\n')}\n`;
}
