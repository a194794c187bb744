import { describe, expect, it } from 'vitest';
import { corpusPrompt } from '../../src/dlp/corpus.js';
import { DlpScorer } from '../../src/dlp/evaluate.js';
import { decoys } from '../../src/dlp/planted-values.js';
import { applyPolicy, compilePolicy } from '../../src/dlp/policy.js';
import { builtinDetectors } from '../../src/dlp/detectors.js';

const N = 6000;
const options = { secretShare: 0.4, decoyShare: 0.5 };

describe('seeded DLP corpus', () => {
  it('is the same for the same seed and index, and different for another seed', () => {
    expect(corpusPrompt(3, 17, options)).toEqual(corpusPrompt(3, 17, options));
    expect(corpusPrompt(4, 17, options).text).not.toBe(corpusPrompt(3, 17, options).text);
  });

  it('plants the share it was asked for (binomial 99.9% interval)', () => {
    let withSecret = 0;
    for (let i = 0; i < N; i++) if (corpusPrompt(11, i, options).planted.length > 0) withSecret++;
    const sd = Math.sqrt(N * 0.4 * 0.6);
    expect(Math.abs(withSecret - N * 0.4)).toBeLessThan(3.3 * sd);
  });

  it('every detector finds what was planted; false positives only where the arithmetic says', () => {
    const scorer = new DlpScorer();
    const policy = compilePolicy();
    for (let i = 0; i < N; i++) {
      const p = corpusPrompt(5, i, options);
      scorer.add(applyPolicy(p.text, policy).findings, p.planted);
    }
    const results = scorer.results();
    expect(results.map((r) => r.detector).sort()).toEqual(builtinDetectors.map((d) => d.name).sort());
    for (const r of results) {
      expect(r.falseNegatives, r.detector).toBe(0);
      if (r.detector !== 'nl_bsn') expect(r.falsePositives, r.detector).toBe(0);
    }
    // The only lookalike a checksum cannot rule out: nine-digit invoice numbers, of which about
    // 1 in 11 pass the BSN 11-proof. Expected false BSNs = N × decoyShare × P(invoice decoy) / 11.
    const bsn = results.find((r) => r.detector === 'nl_bsn');
    const expected = (N * options.decoyShare * (1 / decoys.length)) / 11;
    expect(Math.abs((bsn?.falsePositives ?? 0) - expected)).toBeLessThan(3.3 * Math.sqrt(expected));
  });

  it('redacting everything leaves no planted value in the text', () => {
    const all = compilePolicy({ detectors: Object.fromEntries(builtinDetectors.map((d) => [d.name, 'redact'])) });
    for (let i = 0; i < 2000; i++) {
      const p = corpusPrompt(9, i, options);
      const out = applyPolicy(p.text, all).text;
      for (const planted of p.planted) expect(out).not.toContain(p.text.slice(planted.start, planted.end));
    }
  });
});
