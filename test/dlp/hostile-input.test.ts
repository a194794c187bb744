/**
 * DLP on hostile text and hostile policies: a stray PEM BEGIN line must not reach across the text
 * to a later key (that reach is also what made a text of many BEGIN lines take quadratic time), and
 * custom rules whose nested unbounded quantifiers backtrack exponentially are refused when the
 * policy is compiled, before they can freeze `record` on one prompt. Spans read off the inputs.
 */
import { describe, expect, it } from 'vitest';
import { builtinDetectors } from '../../src/dlp/detectors.js';
import { scan } from '../../src/dlp/detector.js';
import { applyPolicy, compilePolicy } from '../../src/dlp/policy.js';

const found = (text: string) => scan(text, builtinDetectors).map((f) => [f.detector, text.slice(f.start, f.end)]);

describe('private keys in hostile text', () => {
  it('a BEGIN line with no key after it does not swallow the prose up to a later key', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const text = `-----BEGIN PRIVATE KEY-----!\nthe meeting notes, long and harmless\n${key}\nbye`;
    expect(found(text)).toEqual([['private_key', key]]);
    expect(applyPolicy(text, compilePolicy({ detectors: { private_key: 'redact' } })).text).toBe('-----BEGIN PRIVATE KEY-----!\nthe meeting notes, long and harmless\n[REDACTED:private_key]\nbye');
  });

  it('many BEGIN lines without END, and a BEGIN with no END before 1 MB of base64, are each found once', () => {
    const stray = '-----BEGIN PRIVATE KEY-----!'.repeat(5000);
    expect(found(stray)).toEqual([]);
    const body = 'A'.repeat(1 << 20);
    expect(found(`-----BEGIN EC PRIVATE KEY-----\n${body}`)).toEqual([['private_key', `-----BEGIN EC PRIVATE KEY-----\n${body}`]]);
    expect(found('1'.repeat(1 << 20))).toEqual([]);
  });
});

describe('many findings in one prompt', () => {
  // A pasted CSV export: 300,000 email addresses (6.6 MB, under record's 32 MB body limit). Resolving
  // overlaps by comparing each finding with every kept one was quadratic: two minutes here (0.8 s now),
  // freezing record's event loop (every other call waited). The
  // timeout leaves a margin of 20x for a busy machine, and the old code cannot meet it.
  it('300,000 addresses are all found, each once, in text order', { timeout: 30_000 }, () => {
    const n = 300_000;
    const text = Array.from({ length: n }, (_, i) => `u${i}@example.com`).join(', ');
    const f = scan(text, builtinDetectors);
    expect(f.length).toBe(n);
    expect(f.every((x, i) => x.detector === 'email' && text.slice(x.start, x.end) === `u${i}@example.com`)).toBe(true);
  });

  it('overlaps still go to the higher-priority detector, then the longer span', () => {
    const p = compilePolicy({ custom: [{ name: 'digits', pattern: '\\d{4}', action: 'flag' }, { name: 'wide', pattern: 'card \\d+', action: 'flag' }] });
    const text = 'card 4111111111111111 and 1234 and card 12';
    expect(scan(text, p.detectors).map((f) => [f.detector, text.slice(f.start, f.end)])).toEqual([
      ['payment_card', '4111111111111111'],
      ['digits', '1234'],
      ['wide', 'card 12'],
    ]);
  });
});

describe('many-megabyte tokens', () => {
  // Unbounded runs (`sk-[…]{20,}`, a JWT part, an email domain's labels) overflowed V8's
  // regular-expression stack on a 16 MB token: scan() threw a RangeError out of record.
  it('a 16 MB token is scanned without throwing', { timeout: 60_000 }, () => {
    const big = 1 << 24;
    for (const [name, text] of [['jwt', `eyJ${'a'.repeat(big)}`], ['api key', `sk-${'a'.repeat(big)}`], ['email domain', `a@${'b.'.repeat(big / 2)}`], ['digit groups', '1 '.repeat(big / 2)]] as const)
      expect(() => scan(text, builtinDetectors), name).not.toThrow();
  });

  it('text a custom rule cannot scan is blocked, whatever the rule\'s action', { timeout: 60_000 }, () => {
    const policy = compilePolicy({ custom: [{ name: 'ab', pattern: '^(?:a|b)*c', action: 'flag' }] });
    const text = `${'a'.repeat(1 << 24)} sk-proj-${'k'.repeat(48)} x@example.com`;
    const r = applyPolicy(text, policy);
    expect(r.blocked).toBe(true);
    expect(r.findings.map((f) => [f.detector, f.start, f.end, f.label, f.action])).toEqual([['ab', 0, text.length, 'unscannable', 'block']]);
  });
});

describe('custom rules', () => {
  it('nested unbounded quantifiers are refused, naming the rule', () => {
    for (const pattern of ['(a+)+$', '(?:\\d*)*x', '(x\\w{2,})+y', '((ab)*c)+']) {
      expect(() => compilePolicy({ custom: [{ name: 'evil', pattern, action: 'redact' }] }), pattern).toThrow(/custom rule "evil".*nested/);
    }
  });

  it('ordinary rules still compile, including quantified groups without inner repetition and escaped or bracketed +', () => {
    for (const pattern of ['TCK-\\d{6}', '(ab)+c', '(?:[+*]x)+', '(\\+\\d)+', 'project (falcon|osprey)', '(a{2}){3,}', '[(]a+[)]+']) {
      const p = compilePolicy({ custom: [{ name: 'ok', pattern, action: 'flag' }] });
      expect(p.detectors.some((d) => d.name === 'ok'), pattern).toBe(true);
    }
  });
});
