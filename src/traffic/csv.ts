/** Minimal CSV helpers for trace files (RFC 4180 quoting, one record per line). */

/** Splits one CSV line into fields; handles "quoted, fields" and "" escapes. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

const AZURE_TS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/**
 * Azure trace timestamps are local wall time with up to 7 fractional digits, e.g.
 * "2023-11-16 18:17:03.9799600". Only differences matter, so they are read as UTC; returns ms
 * with sub-millisecond precision kept.
 */
export function parseAzureTimestamp(text: string): number | undefined {
  const m = AZURE_TS.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(base)) return undefined;
  // Date.UTC rolls over (month 13, 18:17:75); a real timestamp round-trips unchanged.
  const back = new Date(base);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h) || back.getUTCMinutes() !== Number(mi) || back.getUTCSeconds() !== Number(s))
    return undefined;
  const fraction = frac ? Number(`0.${frac}`) * 1000 : 0;
  return base + fraction;
}
