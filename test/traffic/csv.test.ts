import { describe, expect, it } from 'vitest';
import { parseAzureTimestamp, splitCsvLine } from '../../src/traffic/csv.js';

describe('splitCsvLine', () => {
  it.each<[string, string[]]>([
    ['a,b,c', ['a', 'b', 'c']],
    ['', ['']],
    ['a,,c', ['a', '', 'c']],
    ['a,b,', ['a', 'b', '']],
    [',', ['', '']],
    [' a , b ', [' a ', ' b ']],
    ['"a,b",c', ['a,b', 'c']],
    ['x,"hello, world",y', ['x', 'hello, world', 'y']],
    ['"say ""hi""",2', ['say "hi"', '2']],
    ['"""quoted"""', ['"quoted"']],
    ['"",1', ['', '1']],
    ['"a""b,c""d",e', ['a"b,c"d', 'e']],
    ['GPT-4,"Conversation log"', ['GPT-4', 'Conversation log']],
    ['2023-11-16 18:17:03.9799600,4808,10', ['2023-11-16 18:17:03.9799600', '4808', '10']],
  ])('%j', (line, fields) => {
    expect(splitCsvLine(line)).toEqual(fields);
  });
});

describe('parseAzureTimestamp', () => {
  const base = Date.UTC(2023, 10, 16, 18, 17, 3);

  it('reads a 7-digit fraction as sub-millisecond ms (UTC wall time)', () => {
    expect(parseAzureTimestamp('2023-11-16 18:17:03.9799600')! - base).toBeCloseTo(979.96, 3);
    expect(parseAzureTimestamp('2023-11-16 18:17:03.0000001')! - base).toBeCloseTo(0.0001, 3);
    expect(parseAzureTimestamp('2023-11-16 18:17:03.9999999')! - base).toBeCloseTo(999.9999, 3);
  });

  it('keeps sub-millisecond differences between rows', () => {
    const a = parseAzureTimestamp('2023-11-16 18:17:03.9799600')!;
    expect(parseAzureTimestamp('2023-11-16 18:17:04.0319600')! - a).toBeCloseTo(52, 3);
    expect(parseAzureTimestamp('2023-11-16 18:17:04.0781490')! - a).toBeCloseTo(98.189, 3);
    expect(parseAzureTimestamp('2023-11-16 18:17:04.0781491')! - parseAzureTimestamp('2023-11-16 18:17:04.0781490')!).toBeCloseTo(0.0001, 3);
  });

  it.each<[string, number]>([
    ['2023-11-16 18:17:03', 0],
    ['2023-11-16 18:17:03.5', 500],
    ['2023-11-16 18:17:03.25', 250],
    ['2023-11-16 18:17:03.125', 125],
    ['2023-11-16 18:17:03.123456', 123.456],
    ['2023-11-16T18:17:03.125', 125],
    ['  2023-11-16 18:17:03.125  ', 125],
    // The 2024 trace's form (pandas, UTC with an offset), and other offsets converted to UTC.
    ['2023-11-16 18:17:03Z', 0],
    ['2023-11-16 18:17:03.97996+00:00', 979.96],
    ['2023-11-16 18:17:03+00:00', 0],
    ['2023-11-16 20:17:03.5+02:00', 500],
    ['2023-11-16 16:47:03.5-0130', 500],
    ['2023-11-16 19:17:03.5+01', 500],
  ])('%j', (text, offset) => {
    expect(parseAzureTimestamp(text)! - base).toBeCloseTo(offset, 3);
  });

  it('handles day and year boundaries', () => {
    expect(parseAzureTimestamp('2023-11-17 00:00:00.0000000')! - parseAzureTimestamp('2023-11-16 23:59:59.9990000')!).toBeCloseTo(1, 3);
    expect(parseAzureTimestamp('2024-01-01 00:00:00')! - parseAzureTimestamp('2023-12-31 23:00:00')!).toBe(3_600_000);
    expect(parseAzureTimestamp('2024-03-01 00:00:00')! - parseAzureTimestamp('2024-02-28 00:00:00')!).toBe(2 * 86_400_000);
  });

  it.each(['', 'TIMESTAMP', '2023-11-16', '18:17:03.9799600', '2023/11/16 18:17:03', '2023-11-16 18:17', '2023-11-16 18:17:03.', '2023-11-16 18:17:03+0', '2023-11-16 18:17:03+24:00', '2023-11-16 18:17:03 +00:00', '2023-11-16 18:17:03.1234567890', '1700158623979'])(
    'refuses %j',
    (text) => {
      expect(parseAzureTimestamp(text)).toBeUndefined();
    },
  );

  // BUG (src/traffic/csv.ts:38-39): Date.UTC rolls over out-of-range fields instead of failing,
  // so a corrupted timestamp is silently read as a different, valid-looking time.
  it('refuses out-of-range calendar fields', () => {
    const corrupted = ['2023-13-16 18:17:03.0000000', '2023-11-32 18:17:03.0000000', '2023-11-16 25:17:03.0000000', '2023-11-16 18:61:03.0000000', '2023-11-16 18:17:75.0000000', '2023-02-30 00:00:00'];
    // e.g. "2023-11-16 18:17:75" is currently read as 18:18:15.
    expect(corrupted.filter((t) => parseAzureTimestamp(t) !== undefined)).toEqual([]);
  });
});
