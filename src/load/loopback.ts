/**
 * Whether a URL stays on this machine. `routebench load` sends thousands of requests a second, so
 * a gateway anywhere but loopback is refused unless the user says `--allow-remote` (a load test
 * against someone else's server, or a metered hosted gateway, by a typo in GATEWAY_URL is the
 * mistake this prevents).
 */
import { inputError } from '../errors.js';

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

/** True for localhost, *.localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m[1] === '127' && m.slice(2).every((x) => Number(x) <= 255);
}

/** Refuses a non-loopback arm URL (exit 2) unless remote targets are allowed. */
export function assertLoopback(arm: string, url: string, allowRemote: boolean): void {
  if (allowRemote) return;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw inputError('BAD_GATEWAY_URL', `arm ${arm}: "${url}" is not a URL`, [], 'give a base URL such as http://127.0.0.1:8787/v1');
  }
  if (!isLoopbackHost(host))
    throw inputError(
      'REMOTE_REFUSED',
      `arm ${arm}: ${url} is not on this machine (${host}); routebench load only sends load to loopback addresses by default`,
      [],
      'pass --allow-remote if you really mean to load a remote gateway (you may pay for, or be blocked by, what you send)',
    );
}
