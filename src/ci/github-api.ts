/**
 * The few GitHub REST calls the CI commands make, over fetch: JSON in and out, the token as a
 * bearer header, the API root from GITHUB_API_URL (GitHub Enterprise, or a fake on 127.0.0.1 in
 * tests). Every answer comes back with its status: callers decide what a 403 or 404 means.
 */
export interface GitHubApi {
  request<T = unknown>(method: 'GET' | 'POST' | 'PATCH', route: string, body?: unknown): Promise<{ status: number; data: T }>;
}

export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly route: string,
    message: string,
  ) {
    super(message);
  }
}

export function githubApi(opts: { apiUrl?: string; token?: string; fetchImpl?: typeof fetch }): GitHubApi {
  const root = (opts.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const doFetch = opts.fetchImpl ?? fetch;
  return {
    async request<T>(method: 'GET' | 'POST' | 'PATCH', route: string, body?: unknown) {
      const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'routebench-ci' };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await doFetch(`${root}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let data: unknown = text;
      try {
        data = text === '' ? null : JSON.parse(text);
      } catch {
        // not JSON: keep the text (an HTML error page, a proxy's message)
      }
      return { status: res.status, data: data as T };
    },
  };
}

/** The API's own message for a failed call, e.g. "Resource not accessible by integration". */
export function apiMessage(data: unknown): string {
  if (data && typeof data === 'object' && 'message' in data) return String((data as { message: unknown }).message);
  return typeof data === 'string' ? data.slice(0, 200) : 'no message';
}
