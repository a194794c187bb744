/**
 * Detectors for personal data: email addresses, phone numbers, payment cards (Luhn and issuer
 * prefix), IBANs (MOD 97-10) and national identifiers that carry a check digit (Dutch BSN,
 * Spanish DNI/NIE, Brazilian CPF, Swedish personnummer) plus the US SSN by structure alone.
 */
import { bsnValid, cpfValid, dniValid, IBAN_LENGTHS, ibanValid, luhnValid, ssnStructureValid } from './checksums.js';
import { defineDetector } from './detector.js';

const digitsOf = (s: string): string => s.replace(/\D/g, '');

/**
 * Email addresses (RFC 5322 dot-atom or quoted local part; RFC 6531 internationalised addresses,
 * so letters of any script; a domain of labels and a TLD of letters, a punycode `xn--` TLD or an
 * IP literal). The local part may hold letters, digits and `._%+'-` and may start with `_`;
 * the rarer atext characters (`!#$&`, `*`, `/=?^` and the like) are left out, as they mostly
 * appear in code, not addresses. Trailing punctuation ("a@b.com.") is not taken in. Lengths are
 * bounded (64 for the local part, 127 labels): no unbounded repetition for V8 to backtrack over.
 */
export const email = defineDetector({
  name: 'email',
  description: 'email addresses (local@domain.tld; quoted local parts; any script, RFC 6531)',
  priority: 50,
  gate: /@/,
  pattern:
    /(?:(?<![\p{L}\p{M}\p{N}._%+\\-])|(?<=\\[nrt]))(?:[\p{L}\p{N}_][\p{L}\p{M}\p{N}._%+'-]{0,63}|"[^"\\\r\n]{1,62}")@(?:(?:[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?\.){1,127}(?:\p{L}[\p{L}\p{M}]{1,23}|xn--[a-z0-9-]{1,59})|\[\d{1,3}(?:\.\d{1,3}){3}\])(?![\p{L}\p{M}\p{N}-])/u,
});

/** Issuer prefixes and lengths (ISO/IEC 7812 IIN ranges as the card networks publish them). */
function cardIssuer(d: string): string | undefined {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if ((p4 === 6011 || p2 === 65 || (p4 >= 6440 && p4 <= 6499)) && n >= 16 && n <= 19) return 'discover';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
  if ((p2 === 36 || p2 === 38 || (p4 >= 3000 && p4 <= 3059)) && n === 14) return 'diners';
  if (p2 === 62 && n >= 16 && n <= 19) return 'unionpay';
  if ([5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].includes(p4) && n >= 13) return 'maestro';
  if (p4 >= 2200 && p4 <= 2204 && n >= 16 && n <= 19) return 'mir';
  return undefined;
}

/**
 * The card that starts at the first digit group of `ahead` (up to 19 groups read ahead of a group
 * start): the longest run of whole groups holding 13-19 digits with a valid Luhn digit and issuer.
 * Offsets are relative to the group start; `input` and `at` place it in the text, to see whether
 * the last group ends there or runs on into a word or a 20th digit.
 */
function cardAt(ahead: string, input: string, at: number): { start: number; end: number; label: string }[] {
  let digits = '';
  let best: { start: number; end: number; label: string } | undefined;
  for (let i = 0; i < ahead.length; ) {
    let end = i;
    while (end < ahead.length && ahead.charCodeAt(end) !== 32 && ahead.charCodeAt(end) !== 45) end++;
    digits += ahead.slice(i, end);
    if (digits.length > 19) break;
    i = end + 1;
    if (digits.length < 13 || /\w/.test(input[at + end] ?? '') || !luhnValid(digits)) continue;
    const label = cardIssuer(digits);
    if (label !== undefined) best = { start: 0, end, label };
  }
  return best ? [best] : [];
}

export const paymentCard = defineDetector({
  name: 'payment_card',
  description: 'payment card numbers: 13-19 digits (in groups split by single spaces or dashes), a known issuer prefix and a valid Luhn check digit',
  priority: 30,
  // A zero-width match at every digit group that starts a number or follows another group, reading
  // up to 17 groups ahead: a card followed by its expiry or CVV ("4111 1111 1111 1111 12/27") or
  // after another number is still found. Overlapping candidates go to the longest (scan()).
  // Every issuer prefix starts with 2-6, and a card's first group has at least three digits (cards
  // are written 4-4-4-4, 4-6-5, or whole). Bounded, so a megabyte of "444 444 …" does not overflow
  // V8's regular-expression stack, and costs at most six groups read ahead per group.
  gate: /\d(?:[ -]?\d){12}/,
  pattern: /(?:(?<![\w-])|(?<=\d[ -])|(?<=\\[nrt]))(?=([2-6]\d{2,18}(?:[ -]\d{1,19}){0,16}))/,
  refine: (m) => cardAt(m[1] ?? '', m.input, m.index),
});

/**
 * One alternative per IBAN length: the countries of that length, two check digits, then exactly
 * the rest of the length in groups of four (a single space between groups, or none). Matching the
 * country's length, not the longest run, keeps an IBAN followed by a short word ("BE68 5390 0754
 * 7034 EUR") or by another IBAN from being read as one longer, invalid number.
 */
function ibanPattern(): RegExp {
  const byLength = new Map<number, string[]>();
  for (const [country, n] of Object.entries(IBAN_LENGTHS)) byLength.set(n, [...(byLength.get(n) ?? []), country]);
  const alternatives = [...byLength.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([n, countries]) => {
      const rest = n - 4;
      const tail = rest % 4 === 0 ? '' : ` ?[A-Z0-9]{${rest % 4}}`;
      return `(?:${countries.join('|')})\\d{2}(?: ?[A-Z0-9]{4}){${Math.floor(rest / 4)}}${tail}`;
    });
  // `i`: an IBAN typed in lower case is the same IBAN (validated upper-cased)
  return new RegExp(`(?:(?<![A-Za-z0-9])|(?<=\\\\[nrt]))(?:${alternatives.join('|')})(?![A-Za-z0-9])`, 'i');
}

export const iban = defineDetector({
  name: 'iban',
  description: 'IBANs: country code, check digits, the country’s length (SWIFT IBAN Registry), MOD 97-10 = 1',
  priority: 30,
  gate: /[A-Za-z]{2}\d{2}/,
  pattern: ibanPattern(),
  validate: (m) => ibanValid(m[0].replace(/ /g, '').toUpperCase()),
});

export const usSsn = defineDetector({
  name: 'us_ssn',
  description: 'US Social Security numbers written AAA-GG-SSSS (structure only: SSNs have no check digit)',
  priority: 40,
  gate: /\d{3}-\d{2}-\d{4}/,
  pattern: /(?:(?<![\w-])|(?<=\\[nrt]))\d{3}-\d{2}-\d{4}(?![\w-])/,
  validate: (m) => ssnStructureValid(digitsOf(m[0])),
});

export const nlBsn = defineDetector({
  name: 'nl_bsn',
  description: 'Dutch citizen service numbers (BSN, 9 digits, 11-proof)',
  priority: 45,
  gate: /\d{9}|\d{4}\.\d{2}\.\d{3}/,
  pattern: /(?:(?<![\w.-])|(?<=\\[nrt]))(?:\d{9}|\d{4}\.\d{2}\.\d{3})(?![\w]|[.-]\d)/,
  validate: (m) => bsnValid(digitsOf(m[0])),
});

export const esDni = defineDetector({
  name: 'es_dni',
  description: 'Spanish DNI and NIE numbers (control letter = number mod 23)',
  priority: 40,
  gate: /\d{7}-?[A-Za-z]/,
  pattern: /(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))[XYZxyz]?\d{7,8}-?[A-Za-z](?![A-Za-z0-9])/,
  validate: (m) => dniValid(m[0].replace('-', '').toUpperCase()),
});

export const brCpf = defineDetector({
  name: 'br_cpf',
  description: 'Brazilian CPF numbers (NNN.NNN.NNN-NN, two mod-11 check digits)',
  priority: 40,
  gate: /\d{3}\.\d{3}\.\d{3}-\d{2}/,
  pattern: /(?:(?<![\w.-])|(?<=\\[nrt]))\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w]|[.-]\d)/,
  validate: (m) => cpfValid(digitsOf(m[0])),
});

export const sePersonnummer = defineDetector({
  name: 'se_personnummer',
  description: 'Swedish personal identity numbers (YYMMDD-NNNN or YYYYMMDD-NNNN, Luhn over the last ten digits)',
  priority: 40,
  gate: /\d{6}[-+]\d{4}/,
  pattern: /(?:(?<![\w-])|(?<=\\[nrt]))(?:19|20)?\d{6}[-+]\d{4}(?![\w-])/,
  validate(m) {
    const d = digitsOf(m[0]).slice(-10);
    const month = Number(d.slice(2, 4));
    const day = Number(d.slice(4, 6));
    // a coordination number (samordningsnummer, Skatteverket) adds 60 to the day: 61-91, never 32-60
    return month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91)) && luhnValid(d);
  },
});

export const phone = defineDetector({
  name: 'phone',
  description: 'phone numbers: international (+CC …, 8-15 digits, ITU-T E.164) or North American (NXX) NXX-XXXX, (NXX)NXX-XXXX, NXX-NXX-XXXX',
  priority: 60,
  gate: /\+[1-9]|\d{3}[ .-]\d{4}/,
  pattern: /(?:(?<![\w+])|(?<=\\[nrt]))(?:\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4})(?![\w])/,
  validate(m) {
    const n = digitsOf(m[0]).length;
    return m[0].startsWith('+') ? n >= 8 && n <= 15 : n === 10;
  },
});
