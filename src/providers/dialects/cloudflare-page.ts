/**
 * The HTML error page Cloudflare serves in front of api.openai.com and api.anthropic.com when the
 * origin fails (a page titled `api.openai.com | 502: Bad gateway`; Cloudflare's 5xx pages:
 * https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/). A shortened rendition of its structure: title, heading,
 * error code, explanation, "What can I do?", Ray ID. Headers: `server: cloudflare`, `cf-ray`, no request id.
 */
import { hashString } from '../../rng.js';
import type { WireResponse } from './dialect.js';
import { httpDate } from './header-values.js';

const TEXT: Record<number, { title: string; what: string }> = {
  200: { title: 'Service temporarily unavailable', what: 'The site is down for maintenance.' },
  502: { title: 'Bad gateway', what: 'The web server reported a bad gateway error.' },
  504: { title: 'Gateway time-out', what: 'The web server reported a gateway time-out error.' },
};

/** A deterministic Ray ID for a request id: 16 hex digits and a colo code. */
export function rayId(requestId: string): string {
  const a = hashString(requestId).toString(16).padStart(8, '0');
  const b = hashString(`${requestId}#ray`).toString(16).padStart(8, '0');
  return `${a}${b}-SJC`;
}

export function cloudflarePage(host: string, status: 200 | 502 | 504, requestId: string, nowMs?: number): WireResponse {
  const t = TEXT[status]!;
  const ray = rayId(requestId);
  const code = status === 200 ? 'maintenance' : `Error code ${status}`;
  const body = `<!DOCTYPE html>
<html class="no-js" lang="en-US">
<head>
<title>${host} | ${status === 200 ? t.title : `${status}: ${t.title}`}</title>
<meta charset="UTF-8" />
<meta name="robots" content="noindex, nofollow" />
</head>
<body>
<div id="cf-wrapper">
  <div id="cf-error-details">
    <h1><span class="inline-block">${t.title}</span> <span class="code-label">${code}</span></h1>
    <p>${t.what}</p>
    <h2>What can I do?</h2>
    <p>Please try again in a few minutes.</p>
  </div>
  <div class="cf-error-footer">
    <p>Cloudflare Ray ID: <strong class="font-semibold">${ray.split('-')[0]}</strong></p>
  </div>
</div>
</body>
</html>
`;
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=UTF-8',
    server: 'cloudflare',
    'cf-ray': ray,
    'cache-control': 'private, max-age=0, no-store, no-cache, must-revalidate, post-check=0, pre-check=0',
  };
  if (nowMs !== undefined) headers.date = httpDate(nowMs);
  return { status, headers, body };
}
