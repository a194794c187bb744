/**
 * A detector's gate (a cheap expression every match contains) only saves time: the findings with
 * gates are exactly those without them (a second implementation: the same detectors with their
 * gates taken off), on seeded corpus prompts with planted values and near misses, and on values
 * in the awkward places the detector tests use.
 */
import { describe, expect, it } from 'vitest';
import { corpusPrompt } from '../../src/dlp/corpus.js';
import { scan, type Detector } from '../../src/dlp/detector.js';
import { builtinDetectors } from '../../src/dlp/detectors.js';
import { makeIban, withLuhn } from '../../src/dlp/planted-values.js';
import { compilePolicy } from '../../src/dlp/policy.js';

const ungated: Detector[] = builtinDetectors.map((d) => ({ ...d, gate: undefined }));

const AWKWARD = [
  `aws_secret_access_key = ${'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'}`,
  `"SecretAccessKey": "${'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'}"`,
  `{"env": "MODE=prod\\nsk-proj-${'Zq8'.repeat(16)}\\nDEBUG=1"}`,
  `refund to ${makeIban('GB', 'WEST12345698765432').toLowerCase()} today`,
  `card ${withLuhn('411111111111111').replace(/(.{4})(?=.)/g, '$1-')} exp 12/29 cvv 123`,
  `card ${withLuhn('37828224631000')} and 3782 822463 10005`,
  'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAAIBx',
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n',
  'call +44 20 7946 0958 or (415) 555-2671 or 415.555.2671',
  'DNI 12345678-Z, NIE x1234567l, CPF 123.456.789-09, BSN 1112.22.333, 111222333, pnr 19811218+9876 811218-9876',
  'SSN 123-45-6789; mail "john doe"@example.com, ana@[192.0.2.1], li.wei@xn--fiqs8s',
  `token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${'a'.repeat(43)} hooks.slack.com/services/T00000000/B00000000/${'X'.repeat(24)}`,
];

describe('detector gates', () => {
  it('every built-in detector but none of a custom rule has a gate', () => {
    expect(builtinDetectors.filter((d) => d.gate === undefined).map((d) => d.name)).toEqual([]);
    expect(compilePolicy({ custom: [{ name: 'ticket', pattern: 'TCK-\\d+', action: 'flag' }] }).detectors.find((d) => d.name === 'ticket')?.gate).toBeUndefined();
  });

  it('findings with gates equal findings without, on 5,000 corpus prompts and awkward values', () => {
    let findings = 0;
    const texts = [...AWKWARD, ...Array.from({ length: 5000 }, (_, i) => corpusPrompt(21, i, { secretShare: 0.6, decoyShare: 0.5 }).text)];
    for (const t of texts) {
      const want = scan(t, ungated);
      expect(scan(t, builtinDetectors), t).toEqual(want);
      findings += want.length;
    }
    expect(findings).toBeGreaterThan(3000);
    // each awkward text holds a finding of the detector it was written for
    for (const t of AWKWARD) expect(scan(t, builtinDetectors).length, t).toBeGreaterThan(0);
  });

  it('a text that passes no gate has no finding, whatever it holds', () => {
    const prose = 'Summarise the attached support thread for the weekly report; version 1.2.3, order #12345. '.repeat(50);
    expect(builtinDetectors.filter((d) => d.gate!.test(prose)).map((d) => d.name)).toEqual([]);
    expect(scan(prose, ungated)).toEqual([]);
  });
});
