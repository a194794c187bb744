/**
 * The names a recording keeps of a prompt (which detectors fired, run as `flag`) must give the
 * same verdict as the policy run on the text itself: checked against applyPolicy, a second
 * implementation, on seeded corpus prompts under policies whose actions rank detectors
 * differently from their priority (a card number inside an IBAN, blocked by a `payment_card:
 * block` rule even though the IBAN names the span).
 */
import { describe, expect, it } from 'vitest';
import { corpusPrompt } from '../../src/dlp/corpus.js';
import { applyPolicy, compilePolicy, type DlpPolicyInput } from '../../src/dlp/policy.js';
import { promptFindings, policyActions, verdictOf } from '../../src/dlp/prompt-findings.js';
import { makeIban } from '../../src/dlp/planted-values.js';

const verdictOfText = (text: string, policy: ReturnType<typeof compilePolicy>) => {
  const r = applyPolicy(text, policy);
  return r.blocked ? 'block' : r.findings.some((f) => f.action === 'redact') ? 'redact' : r.findings.length > 0 ? 'flag' : 'pass';
};

const POLICIES: DlpPolicyInput[] = [
  {},
  { detectors: { payment_card: 'block', iban: 'flag' } },
  { detectors: { iban: 'off', payment_card: 'redact', email: 'block' } },
  { detectors: { api_key: 'flag', jwt: 'redact', private_key: 'flag', phone: 'block', nl_bsn: 'off', us_ssn: 'flag' } },
  { detectors: { email: 'flag', phone: 'flag', iban: 'flag', payment_card: 'flag', es_dni: 'block', nl_bsn: 'block' } },
];

describe('verdict from recorded detector names', () => {
  it('a card number inside an IBAN: the IBAN names the span, the card is overlapped, and a block rule on cards still blocks', () => {
    const iban = makeIban('DE', '479826487271380503');
    const text = `Refund to IBAN ${iban.replace(/(.{4})(?=.)/g, '$1 ')} please`;
    const dlp = promptFindings(text);
    expect(dlp).toEqual({ found: ['iban'], overlapped: ['payment_card'] });
    const policy = compilePolicy({ detectors: { payment_card: 'block', iban: 'flag' } });
    expect(verdictOfText(text, policy)).toBe('block');
    expect(verdictOf(dlp, policyActions(policy))).toEqual({ verdict: 'block', fired: ['iban', 'payment_card'] });
    // without the overlapped names the verdict would be wrong: flag
    expect(verdictOf({ found: dlp.found }, policyActions(policy)).verdict).toBe('flag');
  });

  it('equals the policy run on the text, for 4,000 corpus prompts under five policies', () => {
    const policies = POLICIES.map((p) => compilePolicy(p));
    const counts = { block: 0, redact: 0, flag: 0, pass: 0 };
    let overlaps = 0;
    for (let i = 0; i < 4000; i++) {
      const { text } = corpusPrompt(11, i, { secretShare: 0.5, decoyShare: 0.3 });
      const dlp = promptFindings(text);
      if (dlp.overlapped) overlaps++;
      for (const policy of policies) {
        const want = verdictOfText(text, policy);
        expect(verdictOf(dlp, policyActions(policy)).verdict, `${i}: ${text}`).toBe(want);
        counts[want]++;
      }
    }
    // every verdict occurs, and prompts with overlapped findings are among them
    for (const v of Object.values(counts)) expect(v).toBeGreaterThan(100);
    expect(overlaps).toBeGreaterThan(0);
  });

  it('names only: no value or offset is in what is kept', () => {
    const text = 'mail ana1@example.com, card 4111 1111 1111 1111';
    const dlp = promptFindings(text);
    expect(dlp).toEqual({ found: ['email', 'payment_card'] });
    expect(JSON.stringify(dlp)).not.toMatch(/ana1|4111|\d/);
  });
});
