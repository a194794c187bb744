import { describe, expect, it } from 'vitest';
import { builtinDetectors } from '../../src/dlp/detectors.js';
import { scan } from '../../src/dlp/detector.js';
import { applyPolicy, compilePolicy } from '../../src/dlp/policy.js';

const found = (text: string) => scan(text, builtinDetectors).map((f) => [f.detector, text.slice(f.start, f.end), f.label ?? '']);

describe('built-in detectors', () => {
  it('find each kind with its exact span', () => {
    expect(found('write to ana.b+tag@mail.example.org today')).toEqual([['email', 'ana.b+tag@mail.example.org', '']]);
    expect(found('card 4111 1111 1111 1111 exp 12/29')).toEqual([['payment_card', '4111 1111 1111 1111', 'visa']]);
    expect(found('amex 378282246310005.')).toEqual([['payment_card', '378282246310005', 'amex']]);
    expect(found('pay GB82 WEST 1234 5698 7654 32 now')).toEqual([['iban', 'GB82 WEST 1234 5698 7654 32', '']]);
    expect(found('ssn 123-45-6789')).toEqual([['us_ssn', '123-45-6789', '']]);
    expect(found('DNI 12345678Z')).toEqual([['es_dni', '12345678Z', '']]);
    expect(found('CPF 529.982.247-25')).toEqual([['br_cpf', '529.982.247-25', '']]);
    expect(found('BSN 111222333')).toEqual([['nl_bsn', '111222333', '']]);
    expect(found('call +44 20 7946 0958 or (415) 555-0132')).toEqual([
      ['phone', '+44 20 7946 0958', ''],
      ['phone', '(415) 555-0132', ''],
    ]);
  });

  it('labels API keys by provider', () => {
    const openai = `sk-proj-${'a1B2'.repeat(12)}`;
    const anthropic = `sk-ant-api03-${'xY9_'.repeat(23)}AA`;
    const openrouter = `sk-or-v1-${'0f'.repeat(32)}`;
    const text = `keys: ${openai} ${anthropic} ${openrouter} AKIAIOSFODNN7EXAMPLE ghp_${'A'.repeat(36)}`;
    expect(found(text).map(([d, , l]) => `${d}:${l}`)).toEqual(['api_key:openai', 'api_key:anthropic', 'api_key:openrouter', 'api_key:aws', 'api_key:github']);
  });

  it('JWT needs a JSON header with alg; PEM keys are taken whole', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(found(`Bearer ${jwt}`)).toEqual([['jwt', jwt, '']]);
    expect(found('eyJub3Rqc29uIjp9.eyJhYmMiOiJkZWYifQ.abcdefghijklmnopqrstu')).toEqual([]); // header has no alg
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----';
    expect(found(`key:\n${pem}\nthanks`)).toEqual([['private_key', pem, '']]);
    expect(found('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\nAAAA')[0]?.[0]).toBe('private_key');
  });

  it('leave near misses alone', () => {
    expect(found('card 4111 1111 1111 1112')).toEqual([]); // Luhn fails
    expect(found('IBAN GB82 WEST 1234 5698 7654 33')).toEqual([]); // MOD 97 fails
    expect(found('DNI 12345678A ssn 000-12-3456 commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39')).toEqual([]);
    expect(found('see scikit-learn, sk-learn, version 10.2.3, on 2024-05-10')).toEqual([]);
  });

  it('a card among other numbers: followed by its expiry or CVV, after an order number, Maestro and Mir', () => {
    // The run of digit groups used to be taken whole: 18 or 19 digits failed Luhn and the card was missed.
    expect(found('card 4111 1111 1111 1111 12/27 cvv 123')).toEqual([['payment_card', '4111 1111 1111 1111', 'visa']]);
    expect(found('card 4111 1111 1111 1111 123')).toEqual([['payment_card', '4111 1111 1111 1111', 'visa']]);
    expect(found('order 12 5555-5555-5555-4444 ok')).toEqual([['payment_card', '5555-5555-5555-4444', 'mastercard']]);
    expect(found('two cards 4111111111111111 378282246310005')).toEqual([
      ['payment_card', '4111111111111111', 'visa'],
      ['payment_card', '378282246310005', 'amex'],
    ]);
    expect(found('maestro 6759 6498 2643 8453, mir 2200 0000 0000 0004')).toEqual([
      ['payment_card', '6759 6498 2643 8453', 'maestro'],
      ['payment_card', '2200 0000 0000 0004', 'mir'],
    ]);
    expect(found('4111111111111111abc 41111111111111111111 1 2 3')).toEqual([]); // runs into a word; 20 digits
  });

  it('an IBAN is read at its country\'s length: followed by a word or another IBAN, and every registry country', () => {
    expect(found('IBAN BE68 5390 0754 7034 EUR')).toEqual([['iban', 'BE68 5390 0754 7034', '']]);
    expect(found('IBAN PL61 1090 1014 0000 0712 1981 2874 PLN')).toEqual([['iban', 'PL61 1090 1014 0000 0712 1981 2874', '']]);
    expect(found('from BE68539007547034 DE89370400440532013000 ok')).toEqual([
      ['iban', 'BE68539007547034', ''],
      ['iban', 'DE89370400440532013000', ''],
    ]);
    // SWIFT IBAN Registry examples of countries the detector did not know
    for (const v of ['RS35260005601001611379', 'GI75NWBK000000007099453', 'JO94CBJO0010000000000131000302', 'ME25505000012345678951', 'VA59001123000012345678']) expect(found(`to ${v}.`), v).toEqual([['iban', v, '']]);
  });

  it('emails: a leading underscore, any script (RFC 6531), quoted local parts, punycode TLDs, IP literals', () => {
    for (const v of ['_ops@example.com', 'josé@example.com', 'user@bücher.de', '"john doe"@example.com', 'user@example.xn--p1ai', "o'brien@example.com", 'root@[192.0.2.1]', 'ВЛАД@пример.рф'])
      expect(found(`mail ${v}, please`), v).toEqual([['email', v, '']]);
    expect(found('a.b+c@sub.mail.example.co.uk.')).toEqual([['email', 'a.b+c@sub.mail.example.co.uk', '']]);
  });

  it('North American numbers written (NXX)NXX-XXXX', () => {
    expect(found('call (415)555-2671 now')).toEqual([['phone', '(415)555-2671', '']]);
  });

  it('keys: an AWS secret access key after its name, xAI, Slack app tokens', () => {
    const aws = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(found(`aws_secret_access_key = ${aws}\n`)).toEqual([['api_key', aws, 'aws_secret']]);
    expect(found(`{"SecretAccessKey": "${aws}"}`)).toEqual([['api_key', aws, 'aws_secret']]);
    expect(found(`plain ${aws} text`)).toEqual([]); // 40 base64 characters alone are not a key
    const xai = `xai-${'Ab3'.repeat(26)}xy`;
    const xapp = `xapp-1-A0123ABCDE-1234567890123-${'0123456789abcdef'.repeat(4)}`;
    expect(found(`${xai} ${xapp}`).map(([d, , l]) => `${d}:${l}`)).toEqual(['api_key:xai', 'api_key:slack']);
  });

  it('a PEM key pasted as a JSON string (\\n escapes) is found without its END line too', () => {
    const cut = '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\nVJTUt9Us8cKjMzEfYyjiWA4R4';
    expect(found(`{"type": "service_account", "private_key": "${cut}`)).toEqual([['private_key', cut, '']]);
    const whole = '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----';
    expect(found(`{"private_key": "${whole}\\n"}`)).toEqual([['private_key', whole, '']]);
  });

  it('Swedish personnummer: a day of 1-31, or 61-91 for a coordination number; never 32-60', () => {
    expect(found('pnr 811218-9876')).toEqual([['se_personnummer', '811218-9876', '']]);
    expect(found('samordningsnummer 811278-9873')).toEqual([['se_personnummer', '811278-9873', '']]);
    expect(found('pnr 811248-9870')).toEqual([]); // Luhn-valid, but no month has a 48th day
  });

  it('values right after a \\n, \\r or \\t escape (a JSON string or log line pasted into a prompt) are found', () => {
    // The letter of the escape made "not after a word character" fail: every value below was missed.
    const values: [string, string][] = [
      ['api_key', `sk-proj-${'Zq8'.repeat(16)}`],
      ['jwt', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
      ['payment_card', '4111111111111111'],
      ['iban', 'DE89370400440532013000'],
      ['us_ssn', '123-45-6789'],
      ['es_dni', '12345678Z'],
      ['br_cpf', '529.982.247-25'],
      ['se_personnummer', '811218-9876'],
      ['nl_bsn', '111222333'],
      ['phone', '+44 20 7946 0958'],
      ['email', 'ops@example.com'],
    ];
    const text = `{"env": "MODE=prod${values.map(([, v], i) => `\\${'nrt'[i % 3]}${v}`).join('')}\\n"}`;
    expect(found(text).map(([d, v]) => [d, v])).toEqual(values);
  });

  it('a PuTTY .ppk private key, as a file or pasted in a JSON string, through its Private-Lines block', () => {
    const head = 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: 1\nAAAAC3NzaC1lZDI1NTE5AAAAIHhjR2V0bGJx\n';
    const priv = 'Private-Lines: 2\nAAAAIBKcZbVnRqX1y8n0WfH4kL2pD6sT9uJ3mE5aQ7bC0dF1\nAAAAIBKcZbVnRqX1y8n0WfH4kL2pD6sT9u==';
    const mac = '\nPrivate-MAC: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    expect(found(`key:\n${head}${priv}${mac}\nthanks`)).toEqual([['private_key', head + priv, '']]);
    const escaped = JSON.stringify(head + priv).slice(1, -1);
    expect(found(`{"ppk": "${escaped}\\nPrivate-MAC: 01ab"}`)).toEqual([['private_key', escaped, '']]);
  });

  it('a DNI, NIE or IBAN typed in lower case is still found (and still checked)', () => {
    expect(found('dni 12345678z, nie x1234567l, iban de89 3704 0044 0532 0130 00 ok')).toEqual([
      ['es_dni', '12345678z', ''],
      ['es_dni', 'x1234567l', ''],
      ['iban', 'de89 3704 0044 0532 0130 00', ''],
    ]);
    expect(found('dni 12345678a, iban de89 3704 0044 0532 0130 01')).toEqual([]); // wrong letter, MOD 97 fails
  });

  it('keys: Slack webhook URLs, Stripe webhook secrets, Google OAuth client secrets, GitLab and npm tokens', () => {
    const text = `post to https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/${'Xy9'.repeat(8)} now, whsec_${'a1'.repeat(16)} GOCSPX-${'b_'.repeat(14)} glpat-${'c'.repeat(20)} npm_${'D'.repeat(36)}`;
    expect(found(text).map(([d, , l]) => `${d}:${l}`)).toEqual(['api_key:slack', 'api_key:stripe_webhook', 'api_key:google_oauth', 'api_key:gitlab', 'api_key:npm']);
  });

  it('a card number is one card, not also a phone number', () => {
    expect(found('5555-5555-5555-4444').map(([d]) => d)).toEqual(['payment_card']);
  });
});

describe('policies', () => {
  it('redact, block and flag by default and as configured', () => {
    const text = 'mail a@example.com, key sk-or-v1-' + 'ab'.repeat(32);
    const def = applyPolicy(text, compilePolicy());
    expect(def.blocked).toBe(true); // credentials block by default
    expect(def.text).toBe(`mail [REDACTED:email], key sk-or-v1-${'ab'.repeat(32)}`);
    const custom = compilePolicy({ detectors: { api_key: 'redact', email: 'flag' }, custom: [{ name: 'ticket', pattern: 'TCK-\\d{6}', action: 'block' }] });
    const r = applyPolicy(`${text} TCK-123456`, custom);
    expect(r.text).toBe('mail a@example.com, key [REDACTED:api_key] TCK-123456');
    expect(r.blocked).toBe(true);
    expect(r.findings.map((f) => `${f.detector}:${f.action}`)).toEqual(['email:flag', 'api_key:redact', 'ticket:block']);
    expect(applyPolicy('nothing here', custom)).toEqual({ text: 'nothing here', blocked: false, findings: [] });
  });

  it('the strictest action applies where findings overlap; the higher-ranked detector still names the span', () => {
    // A block rule whose match took in an email lost the overlap to the email (a built-in ranks
    // higher) and the prompt went through redacted instead of blocked.
    const block = compilePolicy({ custom: [{ name: 'confidential', pattern: 'CONFIDENTIAL: [^.]*', action: 'block' }] });
    const r = applyPolicy('CONFIDENTIAL: merger terms from ops@example.com. Summarise.', block);
    expect(r.blocked).toBe(true);
    expect(r.findings.map((f) => `${f.detector}:${f.action}`)).toEqual(['confidential:block', 'email:redact']);
    // a redact rule overlapping a flagged email is still redacted, across the whole of both
    const redact = compilePolicy({ detectors: { email: 'flag' }, custom: [{ name: 'contact', pattern: 'contact: \\S+ \\S+', action: 'redact' }] });
    expect(applyPolicy('contact: ops@example.com Ana Lima, thanks', redact).text).toBe('[REDACTED:contact] Lima, thanks');
    // equal or weaker actions underneath stay hidden: a card is not also a phone number
    expect(applyPolicy('pay 5555-5555-5555-4444 now', compilePolicy()).findings.map((f) => f.detector)).toEqual(['payment_card']);
  });

  it('refuse unknown detectors and bad patterns with the name', () => {
    expect(() => compilePolicy({ detectors: { emails: 'redact' } })).toThrow(/unknown detector "emails"/);
    expect(() => compilePolicy({ custom: [{ name: 'x', pattern: '(', action: 'flag' }] })).toThrow(/custom rule "x"/);
    expect(() => compilePolicy({ detectors: { email: 'off' } }).detectors.some((d) => d.name === 'email')).not.toThrow();
  });
});
