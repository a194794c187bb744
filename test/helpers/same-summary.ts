/**
 * Test helper: summary rows of two stores (an original and its export, merge or shards) compared
 * field by field. Integers, strings and NULLs must be equal; other numbers to 9 decimals, because
 * queries.ts sums DOUBLE costs in a parallel hash aggregate whose summation order DuckDB does not
 * fix: two identical queries on the same file can differ in the last bits. The attempt rows
 * themselves are compared exactly with attemptHash.
 */
import { expect } from 'vitest';
import type { SummaryRow } from '../../src/store/queries.js';

type Keys = 'run_no' | 'run_id' | 'run_group';

export function expectSameSummaries(actual: readonly SummaryRow[], expected: readonly SummaryRow[], opts: { ignore?: readonly Keys[] } = {}): void {
  const strip = (row: SummaryRow) => Object.fromEntries(Object.entries(row).filter(([k]) => !(opts.ignore ?? []).includes(k as Keys)));
  const approx = (row: SummaryRow) =>
    Object.fromEntries(Object.entries(strip(row)).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? expect.closeTo(v, 9) : v]));
  expect(actual.map(strip)).toEqual(expected.map(approx));
}
