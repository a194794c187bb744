/**
 * What --store-text keeps of a prompt whose secret is split across the text parts of one message
 * (a client that chunks long text, or a paste split in two): each part alone holds no whole key,
 * so the parts are also scanned joined. Expected texts are written out by hand.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/dlp/policy.js';
import { promptFacts, promptText } from '../../src/record/prompt-facts.js';
import { traceLine, type RecordedCall } from '../../src/record/record-row.js';
import { MAX_LINE_BYTES } from '../../src/traffic/read-lines.js';
import { RecordStats } from '../../src/record/record-stats.js';

const KEY = `sk-proj-${'Zq8'.repeat(16)}`;
const policy = compilePolicy();
const KEY_BYTES = Buffer.alloc(32, 7);
const parts = (...texts: string[]) => ({ messages: [{ role: 'user', content: texts.map((text) => ({ type: 'text', text })) }] });

describe('--store-text across message parts', () => {
  it('a key split across two text parts is withheld, with an image part between them too', () => {
    const body = { messages: [{ role: 'user', content: [{ type: 'text', text: `my key ${KEY.slice(0, 20)}` }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }, { type: 'text', text: `${KEY.slice(20)} thanks` }] }] };
    expect(promptText(body).text).toBe(`user: my key ${KEY.slice(0, 20)}\n${KEY.slice(20)} thanks`); // one line per text part, as before
    const f = promptFacts(body, policy, KEY_BYTES);
    expect(f.dlp).toEqual({ found: ['api_key'], withheld: true });
    expect(f.text).toBeUndefined();
  });

  it('a card and an email split across parts are redacted over the line break; whole ones as before', () => {
    const f = promptFacts(parts('card 4111 1111', '1111 1111 ok', 'mail ops@exa', 'mple.com', 'card 4111 1111 1111 1111', '2024 report'), policy, KEY_BYTES);
    // joined, "ops@exa" + "mple.com" + "card …" reads as one address ending in ".comcard": the word
    // after it goes too (more is redacted, never less)
    expect(f.text).toBe('user: card [REDACTED:payment_card] ok\nmail [REDACTED:email] [REDACTED:payment_card]\n2024 report');
    expect(f.dlp).toEqual({ found: ['email', 'payment_card'], withheld: false });
  });

  it('the hash and lengths are those of the text as stored before (one line per part)', () => {
    const f = promptFacts({ system: [{ type: 'text', text: 'be brief' }, { type: 'text', text: 'really' }], messages: [{ role: 'user', content: 'hi' }] }, undefined, KEY_BYTES);
    expect(f.chars).toBe('system: be brief\nreally\nuser: hi'.length);
    expect(f.text).toBeUndefined();
  });

  it('the prompt hash is keyed (HMAC-SHA256): a prompt that is only a card number is not found by hashing guesses', () => {
    // A plain SHA-256 of "user: 4111 1111 1111 1111" is found again by hashing every Luhn-valid
    // number of the issuer's range: the trace would hold the card.
    const body = { messages: [{ role: 'user', content: '4111 1111 1111 1111' }] };
    const text = 'user: 4111 1111 1111 1111';
    const f = promptFacts(body, undefined, KEY_BYTES);
    expect(f.sha256).toBe(createHmac('sha256', KEY_BYTES).update(text).digest('hex'));
    expect(f.sha256).not.toBe(createHash('sha256').update(text).digest('hex'));
    expect(promptFacts(body, undefined, KEY_BYTES).sha256).toBe(f.sha256); // same key, same prompt: same hash
    expect(promptFacts(body, undefined, Buffer.alloc(32, 8)).sha256).not.toBe(f.sha256);
  });

  it('the summary counts a prompt as redacted when the policy redacted it, not when its text quotes "[REDACTED:…]"', () => {
    const stats = new RecordStats();
    const call = (content: string): RecordedCall => ({
      arrivalMs: 0,
      dialect: 'openai',
      route: 'm',
      stream: false,
      tags: {},
      inputTokens: 1,
      cachedTokens: 0,
      outputTokens: 1,
      usageReported: true,
      prompt: promptFacts({ messages: [{ role: 'user', content }] }, policy, KEY_BYTES),
      observed: { status: 200, ok: true, latencyMs: 1, target: 't' },
    });
    stats.add(call('the log said [REDACTED:email] there, why?')); // nothing found: stored as is
    stats.add(call('mail ops@example.com'));
    stats.add(call(`key ${KEY}`));
    const s = stats.summary([], 1);
    expect([s.textRedacted, s.textWithheld]).toEqual([1, 1]);
  });
});


describe('--store-text of a prompt longer than a trace row may be', () => {
  const json = (s: string) => Buffer.byteLength(JSON.stringify(s));
  it.each([
    ['3 MB of prose', 'lorem ipsum '.repeat(250_000)],
    ['control characters (6 bytes each in JSON)', '\u0001'.repeat(400_000)],
    ['emoji (surrogate pairs, 4 bytes each)', '🙂'.repeat(300_000)],
  ])('%s: stored as its first ~1 MiB and a note of how much was left out; hash, length and findings of the whole (the row was over the 2 MiB the trace reader takes)', (_what, content) => {
    const body = { messages: [{ role: 'user', content: `${content} mail ops@example.com` }] };
    const whole = promptText(body).text;
    const f = promptFacts(body, policy, KEY_BYTES);
    expect(f.chars).toBe(whole.length);
    expect(f.sha256).toBe(createHmac('sha256', KEY_BYTES).update(whole).digest('hex'));
    expect(f.dlp).toEqual({ found: ['email'], withheld: false }); // the email at the very end, past the cut, still found
    const m = /\n\[… ([\d,]+) more characters not stored\]$/.exec(f.text!);
    expect(m).not.toBeNull();
    const kept = f.text!.slice(0, m!.index);
    const stored = whole.replace('ops@example.com', '[REDACTED:email]'); // what the policy made of it, before the cut
    expect(stored.startsWith(kept)).toBe(true);
    expect(Number(m![1]!.replaceAll(',', ''))).toBe(stored.length - kept.length);
    expect(json(f.text!)).toBeLessThanOrEqual(1024 * 1024);
    expect(json(f.text!)).toBeGreaterThan(900 * 1024); // not cut far more than needed
    expect(Buffer.from(f.text!, 'utf8').toString('utf8')).toBe(f.text); // no half surrogate pair (it would come back as U+FFFD)
    const row = traceLine({ arrivalMs: 0, dialect: 'openai', route: 'gpt-4o-mini', stream: false, tags: {}, inputTokens: 1, cachedTokens: 0, outputTokens: 1, usageReported: true, prompt: f, observed: { status: 200, ok: true, latencyMs: 1, target: 't' } });
    expect(Buffer.byteLength(row)).toBeLessThan(MAX_LINE_BYTES);
  });

  it('a prompt that fits is stored whole', () => {
    const f = promptFacts({ messages: [{ role: 'user', content: 'hello '.repeat(100_000) }] }, policy, KEY_BYTES);
    expect(f.text).toBe(`user: ${'hello '.repeat(100_000)}`);
  });
});
