/**
 * The LiteLLM, OpenRouter and Portkey importers share one tags object between consecutive rows of
 * the same tags (team, user, request tags; OpenRouter's user; a Portkey log's mode and option where
 * it has no metadata); that sharing stays inside one import. Two
 * imports of one format read interleaved in one process (two trace readers advanced alternately,
 * batch by batch) give each the rows it gives alone, a tags object of one import is never a row's
 * tags in the other, and a consumer that labels its rows (a tag naming the import) labels only its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRAFFIC_BATCH, type TrafficRequest } from '../../../src/traffic/traffic-request.js';
import { makeTempDir } from '../helpers.js';
import { readAlone, readInterleaved } from './interleaved-reads.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const T0 = Date.UTC(2026, 2, 1, 10);
const ROWS = 9000;
const iso = (ms: number) => new Date(ms).toISOString();

/** One row a minute (rows leave the 10-minute reorder window as the file is read), of `user(i)`. */
const rowOf: Record<string, (i: number, user: string) => object> = {
  litellm: (i, user) => ({ request_id: `r${i}`, startTime: iso(T0 + i * 60_000), endTime: iso(T0 + i * 60_000 + 900), completionStartTime: iso(T0 + i * 60_000 + 900), model: 'm', model_id: 'd', status: 'success', prompt_tokens: 3, completion_tokens: 4, team_id: 'team', user, request_tags: ['x', 'y'] }),
  // Portkey: the log's mode is its tag (no metadata)
  portkey: (i, mode) => ({ id: `l${i}`, trace_id: `t${i}`, created_at: iso(T0 + i * 60_000), ai_org: 'openai', ai_model: 'm', req_units: 3, res_units: 4, response_status_code: 200, response_time: 900, mode }),
  openrouter: (i, user) => ({ data: { id: `g${i}`, created_at: iso(T0 + i * 60_000), model: 'm', provider_name: 'OpenAI', latency: 900, native_tokens_prompt: 3, native_tokens_completion: 4, external_user: user } }),
};

describe.each(['litellm', 'openrouter', 'portkey'])('%s imports read interleaved', (format) => {
  it('give each import the rows it gives alone, and share no tags object between them', async () => {
    // A's rows end each run of 8 with user `common`, B's begin with it: where a read of A stops and
    // one of B goes on, the row just read and the next may have the same tags.
    const write = (name: string, user: (k: number) => string) =>
      tmp.write(`${name}.jsonl`, Array.from({ length: ROWS }, (_, i) => JSON.stringify(rowOf[format]!(i, user(i % 8)))).join('\n'));
    const a = write('a', (k) => (k === 7 ? 'common' : 'u-a'));
    const b = write('b', (k) => (k === 0 ? 'common' : 'u-b'));
    const alone = (file: string, name: string) => readAlone(file, format, name);
    const aloneA = await alone(a, 'A');
    const aloneB = await alone(b, 'B');
    expect(aloneA.length).toBeGreaterThanOrEqual(3);
    expect(aloneA.flat().length).toBe(ROWS);

    const [bothA, bothB] = (await readInterleaved([{ file: a, name: 'A' }, { file: b, name: 'B' }], format)).map((batches) => batches.flat()) as [TrafficRequest[], TrafficRequest[]];
    expect(bothA).toEqual(aloneA.flat());
    expect(bothB).toEqual(aloneB.flat());
    expect(bothA.every((r) => r.tags.import === 'A')).toBe(true);
    expect(bothB.every((r) => r.tags.import === 'B')).toBe(true);
    const tagsOfA = new Set(bothA.map((r) => r.tags));
    expect(bothB.filter((r) => tagsOfA.has(r.tags))).toHaveLength(0);
    // Hand-checked values; and consecutive rows of one user do share their tags object.
    const key = format === 'portkey' ? 'portkey_mode' : 'user';
    expect(bothA.slice(6, 9).map((r) => r.tags[key])).toEqual(['u-a', 'common', 'u-a']);
    expect(bothB[1]!.tags).toBe(bothB[2]!.tags);
    if (format === 'litellm') expect(bothB[0]!.tags).toEqual({ team: 'team', user: 'common', request_tags: 'x,y', import: 'B' });
    expect(TRAFFIC_BATCH).toBeLessThan(ROWS);
  });
});
