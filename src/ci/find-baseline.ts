/**
 * Finds the base branch's last results artifact: the newest unexpired artifact of that name made
 * by a workflow run of this repository (not of a fork) on that branch. Nothing found is a result
 * with a reason a person can act on, never silence.
 * REST: https://docs.github.com/en/rest/actions/artifacts#list-artifacts-for-a-repository
 */
import { apiMessage, GitHubHttpError, type GitHubApi } from './github-api.js';

interface Artifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string;
  workflow_run?: { id: number; repository_id?: number; head_repository_id?: number; head_branch?: string; head_sha?: string };
}

export type BaselineLookup =
  | { found: true; artifactId: number; runId: number; sha: string; createdAt: string }
  | { found: false; reason: string };

const PAGE = 100;
const MAX_PAGES = 10;

export async function findBaselineArtifact(api: GitHubApi, o: { repo: string; branch: string; name: string }): Promise<BaselineLookup> {
  const candidates: Artifact[] = [];
  let expired = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const route = `/repos/${o.repo}/actions/artifacts?name=${encodeURIComponent(o.name)}&per_page=${PAGE}&page=${page}`;
    const res = await api.request<{ artifacts?: Artifact[] }>('GET', route);
    if (res.status === 403 || res.status === 401 || res.status === 404)
      return { found: false, reason: `the token may not list this repository's artifacts (HTTP ${res.status}: ${apiMessage(res.data)}; the workflow needs \`permissions: actions: read\`)` };
    if (res.status !== 200) throw new GitHubHttpError(res.status, route, `GET ${route}: HTTP ${res.status}: ${apiMessage(res.data)}`);
    const list = res.data?.artifacts ?? [];
    for (const a of list) {
      const run = a.workflow_run;
      if (a.name !== o.name || run?.head_branch !== o.branch) continue;
      if (run.repository_id !== undefined && run.head_repository_id !== undefined && run.repository_id !== run.head_repository_id) continue;
      if (a.expired) expired++;
      else candidates.push(a);
    }
    if (list.length < PAGE) break;
  }
  const newest = candidates.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id))[0];
  if (!newest)
    return {
      found: false,
      reason:
        expired > 0
          ? `the last \`${o.name}\` artifact of \`${o.branch}\` has expired (artifacts are kept 90 days by default); the next run on \`${o.branch}\` makes a new one`
          : `no \`${o.name}\` artifact from a run on \`${o.branch}\` yet (the first run on \`${o.branch}\` after adding the action makes one)`,
    };
  return { found: true, artifactId: newest.id, runId: newest.workflow_run!.id, sha: newest.workflow_run!.head_sha ?? '', createdAt: newest.created_at };
}
