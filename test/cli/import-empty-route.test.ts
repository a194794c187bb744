/**
 * `import --route ''` (an unset shell variable, `--route "$MODEL"`) wrote `"route": ""` into every
 * row without a route, exit 0, and the trace reader then refused each such row ("route must be a
 * non-empty string"): run, validate and a second import failed on the file import had just
 * written. Now it is exit 2 before anything is read, as `traffic.trace.route: ""` is in a scenario.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-memory.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-import-route-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => path.join(dir, f);
writeFileSync(at('t.jsonl'), '{"arrival_ms":0,"input_tokens":1,"output_tokens":1}\n');

describe('import --route', () => {
  it.each(['', '  '])('%j: exit 2 before reading, nothing written', async (route) => {
    const r = await cli(['import', at('t.jsonl'), '--format', 'routebench', '-o', at('out.jsonl'), '--route', route]);
    expect(r.err).toBe(`error: --route must name a route (model), got ${JSON.stringify(route)}\nhint: e.g. --route gpt-4o-mini, or leave --route out (rows without a route read as "default")\n`);
    expect(r.code).toBe(2);
    expect(existsSync(at('out.jsonl'))).toBe(false);
  });

  it('a route is written into the rows without one, and the trace reads back', async () => {
    expect((await cli(['import', at('t.jsonl'), '--format', 'routebench', '-o', at('m.jsonl'), '--route', 'gpt-4o-mini'])).code).toBe(0);
    expect(JSON.parse(readFileSync(at('m.jsonl'), 'utf8')).route).toBe('gpt-4o-mini');
    expect((await cli(['import', at('m.jsonl'), '--format', 'routebench', '-o', at('m2.jsonl')])).code).toBe(0);
  });
});
