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

/**
 * The timestamp forms of the published Azure LLM inference traces (Azure/AzurePublicDataset):
 * 2023: local wall time with 7 fractional digits and no offset, "2023-11-16 18:15:46.6805900";
 * 2024: pandas' UTC form, microseconds and an offset, "2024-05-10 00:00:00.009930+00:00", with the
 * fraction left out when it is zero ("2024-05-12 00:00:00+00:00"). Also accepted: a "T"
 * separator, "Z", and offsets as +HH:MM, +HHMM or +HH. Up to 9 fractional digits.
 */
const AZURE_TS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

export interface AzureTime {
  /** Whole seconds since the Unix epoch (UTC when the text has an offset; wall time read as UTC when not). */
  epochSec: number;
  /** The fraction of the second, in ms (0 ≤ fracMs < 1000), from the digits as written. */
  fracMs: number;
}

/** Splits an Azure trace timestamp into whole seconds and the fraction, so differences stay exact to the digit. */
export function parseAzureTime(text: string): AzureTime | undefined {
  const m = AZURE_TS.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(base)) return undefined;
  // Date.UTC rolls over (month 13, 18:17:75); a real timestamp round-trips unchanged.
  const back = new Date(base);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h) || back.getUTCMinutes() !== Number(mi) || back.getUTCSeconds() !== Number(s))
    return undefined;
  let offsetSec = 0;
  if (sign && !zulu) {
    const hours = Number(oh);
    const minutes = om === undefined ? 0 : Number(om);
    if (hours > 23 || minutes > 59) return undefined;
    offsetSec = (sign === '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  }
  // "009930" → 9930 / 10^(6-3) = 9.93 ms: one division of two exact integers.
  const fracMs = frac ? Number(frac) / 10 ** (frac.length - 3) : 0;
  return { epochSec: base / 1000 - offsetSec, fracMs };
}

/**
 * An Azure trace timestamp as epoch ms with the sub-millisecond part kept (as far as a double at
 * this magnitude allows: about 0.25 µs). The trace parser uses parseAzureTime for exact differences.
 */
export function parseAzureTimestamp(text: string): number | undefined {
  const t = parseAzureTime(text);
  return t && t.epochSec * 1000 + t.fracMs;
}
