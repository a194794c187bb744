/**
 * The Azure LLM inference trace 2024 (AzurePublicDataset, AzureLLMInferenceTrace_code_1week.csv)
 * writes TIMESTAMP as pandas does: UTC with microseconds and an offset, the fraction left out when
 * it is zero ("2024-05-12 00:00:00+00:00"). It used to be refused row by row. Both years' forms
 * are read here with arrival times checked against hand-computed differences, to the digit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAzureTime } from '../../src/traffic/csv.js';
import { collect, makeTempDir } from './helpers.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

/** The first five rows of the 2024 code trace as published, then rows in the other forms the file uses. */
const TRACE_2024 = `TIMESTAMP,ContextTokens,GeneratedTokens
2024-05-10 00:00:00.009930+00:00,2162,5
2024-05-10 00:00:00.017335+00:00,2399,6
2024-05-10 00:00:00.022314+00:00,76,15
2024-05-10 00:00:00.037845+00:00,2376,1
2024-05-10 00:00:00.083890+00:00,7670,8
2024-05-10 00:00:01+00:00,100,2
2024-05-10 23:59:59.929501+00:00,4725,8
2024-05-11 00:00:00.000001+00:00,5,1
`;

/** The 2023 form: local wall time, 7 fractional digits, no offset (first rows of the 2023 code trace). */
const TRACE_2023 = `TIMESTAMP,ContextTokens,GeneratedTokens\r
2023-11-16 18:15:46.6805900,374,44\r
2023-11-16 18:15:50.9951690,396,109\r
2023-11-16 18:15:51.2222000,879,5\r
2023-11-16 18:16:00.0000001,1,1\r
`;

describe('Azure LLM inference traces, 2023 and 2024 timestamp forms', () => {
  it('reads the 2024 form (offset, microseconds, fraction left out when zero) with exact arrival times', async () => {
    const { requests, stats } = await collect({ file: tmp.write('code_1week.csv', TRACE_2024), format: 'azure' });
    expect(stats.rows).toBe(8);
    expect(stats.skippedRows).toBe(0);
    // Differences from the first row (00:00:00.009930), by hand, in ms:
    const expected = [
      0, // .009930
      7.405, // .017335 − .009930
      12.384, // .022314 − .009930
      27.915, // .037845 − .009930
      73.96, // .083890 − .009930
      990.07, // 01.000000 − 00.009930
      86_399_919.571, // 23:59:59.929501 − 00:00:00.009930 = 86,399.919571 s
      86_399_990.071, // next day 00:00:00.000001 − 00:00:00.009930 = 86,399.990071 s
    ];
    requests.forEach((r, i) => expect(r.arrivalMs, `row ${i}`).toBeCloseTo(expected[i]!, 9));
    expect(requests.map((r) => [r.inputTokens, r.outputTokens])).toEqual([
      [2162, 5],
      [2399, 6],
      [76, 15],
      [2376, 1],
      [7670, 8],
      [100, 2],
      [4725, 8],
      [5, 1],
    ]);
  });

  it('reads the 2023 form (7 digits, no offset, CRLF) with exact arrival times', async () => {
    const { requests } = await collect({ file: tmp.write('code_2023.csv', TRACE_2023), format: 'azure' });
    // 50.9951690 − 46.6805900 = 4.3145790 s; 51.2222000 − 46.6805900 = 4.5416100 s; 16:00.0000001 − 15:46.6805900 = 13.3194101 s
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, expect.closeTo(4314.579, 9), expect.closeTo(4541.61, 9), expect.closeTo(13_319.4101, 9)]);
  });

  it('an offset is converted to UTC, so rows written in different offsets keep their true order and gaps', async () => {
    const mixed = 'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00.500000+00:00,1,1\n2024-05-10 02:00:00.750000+02:00,1,1\n2024-05-09 19:00:01Z,1,1\n2024-05-09 23:30:01.25-0030,1,1\n';
    const { requests, stats } = await collect({ file: tmp.write('mixed.csv', mixed), format: 'azure', onBadRow: 'skip' });
    // 00:00:00.500 UTC, 00:00:00.750 UTC; "19:00:01Z" is five hours earlier: refused as unsorted.
    // 23:30:01.25 at −00:30 is 00:00:01.250 UTC: 750 ms after the first row.
    expect(requests.map((r) => r.arrivalMs)).toEqual([0, expect.closeTo(250, 9), expect.closeTo(750, 9)]);
    expect(stats.skippedSamples).toEqual([expect.stringMatching(/mixed\.csv:4: arrival -17999500\.000 ms is earlier than the previous row's 250\.000 ms/)]);
    const skipped = await collect({ file: tmp.write('mixed2.csv', mixed.replace('2024-05-09 19:00:01Z', '2024-05-10 00:00:01Z')), format: 'azure' });
    // 00:00:01.000 UTC and 23:30:01.25 at −00:30 = 00:00:01.250 UTC
    expect(skipped.requests.map((r) => r.arrivalMs)).toEqual([0, expect.closeTo(250, 9), expect.closeTo(500, 9), expect.closeTo(750, 9)]);
  });

  it('splits a timestamp into whole seconds and an exact fraction', () => {
    expect(parseAzureTime('2024-05-10 00:00:00.009930+00:00')).toEqual({ epochSec: Date.UTC(2024, 4, 10) / 1000, fracMs: 9.93 });
    expect(parseAzureTime('2023-11-16 18:15:46.6805900')).toEqual({ epochSec: Date.UTC(2023, 10, 16, 18, 15, 46) / 1000, fracMs: 680.59 });
    expect(parseAzureTime('2024-05-10 05:30:00+05:30')).toEqual({ epochSec: Date.UTC(2024, 4, 10) / 1000, fracMs: 0 });
    expect(parseAzureTime('2024-05-10 00:00:00.009930+00:61')).toBeUndefined();
  });

  it('a bad timestamp names both accepted forms and the line', async () => {
    const { stats } = await collect({ file: tmp.write('bad.csv', `${TRACE_2024}10/05/2024 00:00:02,1,1\n`), format: 'azure', onBadRow: 'skip' });
    expect(stats.skippedSamples).toEqual([
      expect.stringMatching(/bad\.csv:10: TIMESTAMP "10\/05\/2024 00:00:02" is not an Azure trace time \("2023-11-16 18:15:46\.6805900" or "2024-05-10 00:00:00\.009930\+00:00"\)$/),
    ]);
  });
});
