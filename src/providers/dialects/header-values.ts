/**
 * Reading response headers and the time formats providers put in them: HTTP-dates
 * (`retry-after`, `date`), RFC 3339 timestamps (Anthropic `*-reset`) and Go duration strings
 * (OpenAI `x-ratelimit-reset-*`: `12ms`, `1s`, `6m0s`, also in "Please try again in 3.89s").
 */
import type { HeaderMap } from './dialect.js';

/** A header's value by case-insensitive name (the first one when repeated). */
export function getHeader(headers: HeaderMap, name: string): string | undefined {
  let v = headers[name];
  if (v === undefined) {
    for (const k of Object.keys(headers)) {
      if (k.toLowerCase() === name) {
        v = headers[k];
        break;
      }
    }
  }
  return typeof v === 'string' ? v : v?.[0];
}

/** IMF-fixdate, e.g. `Tue, 26 Mar 2024 19:59:59 GMT`. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

/** RFC 3339 to whole seconds, e.g. `2024-03-26T20:00:00Z`. */
export function rfc3339(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Epoch ms of an HTTP-date or RFC 3339 string, NaN if it is neither. */
export function parseDate(text: string): number {
  if (!/[A-Za-z]{3}|\d{4}-\d{2}-\d{2}/.test(text)) return NaN;
  return Date.parse(text);
}

/** Go's Duration.String() for a whole number of ms: `0s`, `890ms`, `3.89s`, `6m0s`, `1h0m0s`. */
export function formatGoDuration(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return '0s';
  const sign = total < 0 ? '-' : '';
  const abs = Math.abs(total);
  if (abs < 1000) return `${sign}${abs}ms`;
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const secMs = abs % 60_000;
  const whole = Math.floor(secMs / 1000);
  const frac = secMs % 1000;
  const s = frac === 0 ? `${whole}s` : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}

const GO_UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
const GO_DURATION = /^(-?)((?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+)$/u;
const GO_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gu;

/** Ms of a Go duration string (`3.89s`, `1m30s`, `20ms`), NaN if it is not one. */
export function parseGoDuration(text: string): number {
  const m = GO_DURATION.exec(text.trim());
  if (!m) return NaN;
  let ms = 0;
  for (const part of m[2]!.matchAll(GO_PART)) ms += Number(part[1]) * GO_UNIT_MS[part[2]!]!;
  ms = Math.round(ms * 1e6) / 1e6; // 1.005s is 1005 ms, not 1004.9999999999999
  return m[1] ? -ms : ms;
}
