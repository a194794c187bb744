/**
 * Keeps secrets out of everything routebench writes: the literal values of the API keys in use,
 * and anything that looks like a key (sk-…, Bearer …, x-api-key values), replaced before a
 * message reaches the database, a report, a log or an error.
 */

const PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /(x-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /(api[_-]?key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
];

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  for (const p of PATTERNS) out = out.replace(p, (m, prefix?: string) => (typeof prefix === 'string' && m.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]'));
  return out;
}
