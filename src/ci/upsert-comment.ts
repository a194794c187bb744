/**
 * One routebench comment per pull request, updated rather than repeated: the first comment whose
 * body holds the hidden marker is edited in place; without one a comment is created. A token that
 * may not write (a pull request from a fork gets a read-only GITHUB_TOKEN) is an expected outcome,
 * reported as `forbidden`, not an error: the job summary then carries the result alone.
 * REST: https://docs.github.com/en/rest/issues/comments
 */
import { apiMessage, GitHubHttpError, type GitHubApi } from './github-api.js';
import { COMMENT_MARKER } from './job-summary.js';

export type UpsertResult =
  | { action: 'created' | 'updated'; id: number; url: string }
  | { action: 'forbidden'; status: number; message: string };

interface IssueComment {
  id: number;
  body?: string;
  html_url: string;
}

const PAGE = 100;
/** Pages of comments read before giving up looking for the marker (10,000 comments). */
const MAX_PAGES = 100;

export async function upsertComment(api: GitHubApi, o: { repo: string; issue: number; body: string; marker?: string }): Promise<UpsertResult> {
  const marker = o.marker ?? COMMENT_MARKER;
  const body = o.body.includes(marker) ? o.body : `${marker}\n${o.body}`;
  const base = `/repos/${o.repo}/issues`;
  const denied = (status: number) => status === 403 || status === 401 || status === 404;
  let existing: IssueComment | undefined;
  for (let page = 1; page <= MAX_PAGES && !existing; page++) {
    const route = `${base}/${o.issue}/comments?per_page=${PAGE}&page=${page}`;
    const res = await api.request<IssueComment[]>('GET', route);
    if (denied(res.status)) return { action: 'forbidden', status: res.status, message: apiMessage(res.data) };
    if (res.status !== 200 || !Array.isArray(res.data)) throw new GitHubHttpError(res.status, route, `GET ${route}: HTTP ${res.status}: ${apiMessage(res.data)}`);
    existing = res.data.find((c) => typeof c.body === 'string' && c.body.includes(marker));
    if (res.data.length < PAGE) break;
  }
  const route = existing ? `${base}/comments/${existing.id}` : `${base}/${o.issue}/comments`;
  const res = await api.request<IssueComment>(existing ? 'PATCH' : 'POST', route, { body });
  if (denied(res.status)) return { action: 'forbidden', status: res.status, message: apiMessage(res.data) };
  if (res.status !== 200 && res.status !== 201) throw new GitHubHttpError(res.status, route, `${existing ? 'PATCH' : 'POST'} ${route}: HTTP ${res.status}: ${apiMessage(res.data)}`);
  return { action: existing ? 'updated' : 'created', id: res.data.id, url: res.data.html_url };
}
