/**
 * Starts a run on a running `routebench mock-server` given by `--mock-url` (replay, serve):
 * `POST /_routebench/runs/<run>?scale=` gives the run fresh mock state and its own clock. The
 * answer also says which targets that server serves, so a URL that is not a routebench mock (any
 * other web server answers 404 or HTML) or a mock started for another scenario is refused before
 * anything runs, instead of every call failing and the run reading as a provider outage.
 */
import { environmentError, inputError } from '../errors.js';

const START_HINT = 'start it with `routebench mock-server --scenario <file> --port N`, or drop --mock-url to start one in-process';

/** `--mock-url` without trailing slashes; refuses (exit 2) what is not an http(s) URL. */
export function mockBase(mockUrl: string): string {
  let url: URL;
  try {
    url = new URL(mockUrl);
  } catch {
    throw inputError('BAD_OPTION', `--mock-url is not a URL: "${mockUrl}"`, [], 'give the URL `routebench mock-server` printed, e.g. http://127.0.0.1:7070');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw inputError('BAD_OPTION', `--mock-url must be an http:// URL, got "${mockUrl}"`, [], 'give the URL `routebench mock-server` printed, e.g. http://127.0.0.1:7070');
  // The banner also prints per-target URLs (…/t/<target>/v1/…): the server's own URL is wanted.
  if (/^\/t\//.test(url.pathname))
    throw inputError('BAD_OPTION', `--mock-url ${mockUrl} is the URL of one target; give the mock server's own URL, ${url.origin}`, [], `--mock-url ${url.origin}`);
  return url.href.replace(/\/+$/, '');
}

/**
 * Starts `runKey` at time scale `scale` on the mock server at `base`. Unreachable: exit 4. Not a
 * routebench mock server, or one that lacks some of `targetIds`: exit 2.
 */
export async function startRemoteRun(base: string, runKey: string, scale: number, targetIds: readonly string[], o: { check?: boolean } = {}): Promise<void> {
  if (o.check) await checkStats(base);
  const res = await fetch(`${base}/_routebench/runs/${encodeURIComponent(runKey)}?scale=${scale}`, { method: 'POST' }).catch((e: unknown) => {
    throw environmentError('MOCK_UNREACHABLE', `cannot reach the mock server at ${base}: ${(e as Error).message}`, START_HINT);
  });
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const answer = typeof body === 'object' && body !== null ? (body as { ok?: unknown; targets?: unknown }) : {};
  if (!res.ok || answer.ok !== true)
    throw inputError('NOT_A_MOCK', `--mock-url ${base} is not a routebench mock server: POST /_routebench/runs/… answered HTTP ${res.status}${res.ok ? ' without {"ok": true}' : ''}`, [], START_HINT);
  // An older mock server does not list its targets; then the calls themselves tell.
  if (!Array.isArray(answer.targets)) return;
  const served = new Set(answer.targets.map(String));
  const missing = targetIds.filter((id) => !served.has(id));
  if (missing.length > 0)
    throw inputError(
      'MOCK_TARGETS',
      `the mock server at ${base} does not serve target${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of this scenario (it serves ${[...served].join(', ') || 'none'})`,
      [],
      'start the mock server with this scenario: `routebench mock-server --scenario <this scenario> --port N`',
    );
}

/**
 * `GET /_routebench/stats`, which only a mock server answers: `routebench serve` forwards a run
 * start to its own mock, so a serve URL given as --mock-url passes that check, yet it has no
 * `/t/<target>/` routes and every call would fail.
 */
async function checkStats(base: string): Promise<void> {
  const res = await fetch(`${base}/_routebench/stats`).catch((e: unknown) => {
    throw environmentError('MOCK_UNREACHABLE', `cannot reach the mock server at ${base}: ${(e as Error).message}`, START_HINT);
  });
  const body = (await res.json().catch(() => undefined)) as { requests?: unknown } | undefined;
  if (!res.ok || typeof body?.requests !== 'number')
    throw inputError(
      'NOT_A_MOCK',
      `--mock-url ${base} is not a routebench mock server: GET /_routebench/stats answered HTTP ${res.status}${res.ok ? ' without its counters' : ''}`,
      [],
      'give the URL `routebench mock-server` printed (not the one of `routebench serve`, which has no per-target routes)',
    );
}
