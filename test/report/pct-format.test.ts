/** Percent display: a success rate below 1 never reads "100.000%" (it did from 99.9995% up). */
import { describe, expect, it } from 'vitest';
import { fmt } from '../../src/report/summary-markdown.js';

describe('fmt.pct', () => {
  it('shows a share below 1 below 100%, however close', () => {
    // 1 failure in 250,000 and in 1,000,000 requests: 99.9996% and 99.9999%
    expect(fmt.pct(249_999 / 250_000)).toBe('99.999%');
    expect(fmt.pct(999_999 / 1_000_000)).toBe('99.999%');
    expect(fmt.pct(1)).toBe('100.00%');
  });

  it('keeps the usual rounding elsewhere', () => {
    expect(fmt.pct(0.99977)).toBe('99.977%');
    expect(fmt.pct(0.99994)).toBe('99.994%');
    expect(fmt.pct(0.9561200923787528)).toBe('95.61%');
    expect(fmt.pct(0)).toBe('0.00%');
  });
});
