/**
 * A fake of the GitHub REST routes the CI commands use, on 127.0.0.1: issue comments (list with
 * pages, create, update) and repository artifacts. It checks the bearer token, can refuse writes
 * as GitHub does for a fork's read-only token (403 "Resource not accessible by integration"), and
 * records every call.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  html_url: string;
}

export interface FakeArtifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string;
  workflow_run: { id: number; repository_id: number; head_repository_id: number; head_branch: string; head_sha: string };
}

export interface FakeGitHub {
  url: string;
  comments: FakeComment[];
  artifacts: FakeArtifact[];
  calls: string[];
  /** Refuse POST/PATCH with 403, as for a fork PR's token. */
  readOnly: boolean;
  /** Answer every call with this status (an outage). */
  failWith: number | undefined;
  close(): Promise<void>;
}

export async function startFakeGitHub(o: { repo: string; issue: number; token: string }): Promise<FakeGitHub> {
  const state = { comments: [] as FakeComment[], artifacts: [] as FakeArtifact[], calls: [] as string[], readOnly: false, failWith: undefined as number | undefined };
  let nextId = 1000;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      state.calls.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (state.failWith) return send(state.failWith, { message: 'Server Error' });
      if (req.headers.authorization !== `Bearer ${o.token}`) return send(401, { message: 'Bad credentials' });
      const page = Number(url.searchParams.get('page') ?? 1);
      const per = Number(url.searchParams.get('per_page') ?? 30);
      if (req.method === 'GET' && url.pathname === `/repos/${o.repo}/issues/${o.issue}/comments`)
        return send(200, state.comments.slice((page - 1) * per, page * per));
      if (req.method === 'GET' && url.pathname === `/repos/${o.repo}/actions/artifacts`) {
        const name = url.searchParams.get('name');
        const list = state.artifacts.filter((a) => !name || a.name === name);
        return send(200, { total_count: list.length, artifacts: list.slice((page - 1) * per, page * per) });
      }
      const write = req.method === 'POST' || req.method === 'PATCH';
      if (write && state.readOnly) return send(403, { message: 'Resource not accessible by integration' });
      const body = raw ? (JSON.parse(raw) as { body?: string }).body : undefined;
      if (req.method === 'POST' && url.pathname === `/repos/${o.repo}/issues/${o.issue}/comments` && typeof body === 'string') {
        const c = { id: nextId++, body, html_url: `https://github.test/${o.repo}/pull/${o.issue}#issuecomment-${nextId}` };
        state.comments.push(c);
        return send(201, c);
      }
      const m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (req.method === 'PATCH' && m && typeof body === 'string') {
        const c = state.comments.find((x) => x.id === Number(m[1]));
        if (!c) return send(404, { message: 'Not Found' });
        c.body = body;
        return send(200, c);
      }
      return send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeGitHub;
}
