/**
 * Generators of valid sensitive values, one per built-in detector, for the seeded DLP corpus:
 * every value carries a correct check digit (or structure), so a detector that misses one has a
 * real recall problem. Also near-miss decoys (a wrong check digit, a lookalike prefix) that a
 * precise detector must not report.
 */
import type { Rng } from '../rng.js';
import { bsnValid, ibanValid, luhnValid } from './checksums.js';

const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => String(rng.int(10))).join('');
const chars = (rng: Rng, n: number, alphabet: string): string => Array.from({ length: n }, () => alphabet[rng.int(alphabet.length)]).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)] as T;

/** Appends the Luhn check digit to `body`. */
export function withLuhn(body: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable: some digit always completes a Luhn number');
}

/** Computes an IBAN's check digits for country + BBAN. */
export function makeIban(country: string, bban: string): string {
  for (let c = 2; c <= 98; c++) {
    const iban = `${country}${String(c).padStart(2, '0')}${bban}`;
    if (ibanValid(iban)) return iban;
  }
  throw new Error(`no check digits for ${country}${bban}`);
}

const group4 = (s: string): string => s.replace(/(.{4})(?=.)/g, '$1 ');

export const plant: Readonly<Record<string, (rng: Rng) => string>> = {
  email: (rng) => `${pick(rng, ['ana', 'j.smith', 'ops-team', 'li.wei', 'm.garcia'])}${rng.int(100)}@${pick(rng, ['example.com', 'corp.example.org', 'mail.example.net'])}`,
  phone: (rng) => (rng.next() < 0.5 ? `+44 20 ${digits(rng, 4)} ${digits(rng, 4)}` : `(${2 + rng.int(8)}${digits(rng, 2)}) ${2 + rng.int(8)}${digits(rng, 2)}-${digits(rng, 4)}`),
  payment_card: (rng) => {
    const kind = rng.int(3);
    const n = kind === 0 ? withLuhn(`4${digits(rng, 14)}`) : kind === 1 ? withLuhn(`5${1 + rng.int(5)}${digits(rng, 13)}`) : withLuhn(`37${digits(rng, 12)}`);
    return kind === 2 ? n : rng.next() < 0.5 ? group4(n) : n;
  },
  iban: (rng) => {
    const c = rng.int(3);
    const iban = c === 0 ? makeIban('DE', digits(rng, 18)) : c === 1 ? makeIban('GB', `${chars(rng, 4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}${digits(rng, 14)}`) : makeIban('NL', `${chars(rng, 4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}${digits(rng, 10)}`);
    return rng.next() < 0.5 ? group4(iban) : iban;
  },
  us_ssn: (rng) => `${String(1 + rng.int(665)).padStart(3, '0')}-${String(1 + rng.int(98)).padStart(2, '0')}-${String(1 + rng.int(9998)).padStart(4, '0')}`,
  es_dni: (rng) => {
    const n = 10_000_000 + rng.int(89_999_999);
    return `${n}${'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}`;
  },
  br_cpf: (rng) => {
    const d = digits(rng, 9).split('').map(Number);
    for (const len of [9, 10]) {
      const sum = d.slice(0, len).reduce((s, x, i) => s + x * (len + 1 - i), 0);
      const r = (sum * 10) % 11;
      d.push(r === 10 ? 0 : r);
    }
    const s = d.join('');
    return `${s.slice(0, 3)}.${s.slice(3, 6)}.${s.slice(6, 9)}-${s.slice(9)}`;
  },
  se_personnummer: (rng) => {
    const body = `${String(50 + rng.int(50))}${String(1 + rng.int(12)).padStart(2, '0')}${String(1 + rng.int(28)).padStart(2, '0')}${digits(rng, 3)}`;
    const full = withLuhn(body);
    return `${full.slice(0, 6)}-${full.slice(6)}`;
  },
  nl_bsn: (rng) => {
    for (;;) {
      const candidate = `${1 + rng.int(9)}${digits(rng, 8)}`;
      if (bsnValid(candidate)) return candidate;
    }
  },
  api_key: (rng) => {
    const kind = rng.int(5);
    if (kind === 0) return `sk-proj-${chars(rng, 48, ALNUM)}`;
    if (kind === 1) return `sk-ant-api03-${chars(rng, 93, ALNUM)}AA`;
    if (kind === 2) return `sk-or-v1-${chars(rng, 64, '0123456789abcdef')}`;
    if (kind === 3) return `AKIA${chars(rng, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    return `ghp_${chars(rng, 36, ALNUM)}`;
  },
  jwt: (rng) => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: digits(rng, 8), iat: 1_700_000_000 + rng.int(1e7) })}.${chars(rng, 43, `${ALNUM}_-`)}`;
  },
  private_key: (rng) => {
    const lines = Array.from({ length: 3 + rng.int(4) }, () => chars(rng, 64, `${ALNUM}+/`));
    return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----`;
  },
};

/** Near misses: lookalikes that must not be reported. */
export const decoys: readonly ((rng: Rng) => string)[] = [
  (rng) => {
    const good = withLuhn(`4${digits(rng, 14)}`);
    return good.slice(0, 15) + ((Number(good[15]) + 1 + rng.int(9)) % 10); // wrong Luhn digit
  },
  (rng) => {
    const good = makeIban('DE', digits(rng, 18));
    return good.slice(0, 21) + ((Number(good[21]) + 1) % 10); // MOD 97 catches any one changed digit
  },
  (rng) => `invoice ${1 + rng.int(9)}${digits(rng, 8)}`, // nine digits: about 1 in 11 passes the BSN 11-proof
  (rng) => `order #${digits(rng, 7)}`,
  (rng) => `version ${rng.int(20)}.${rng.int(20)}.${rng.int(100)}`,
  (rng) => `${2000 + rng.int(30)}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`,
  (rng) => `commit ${chars(rng, 40, '0123456789abcdef')}`,
  () => 'pip install scikit-learn (imported as sk-learn in some tutorials)',
  (rng) => `user@${chars(rng, 6, 'abcdefghij')}`,
  (rng) => `tel. ext ${digits(rng, 4)}`,
];
