/**
 * Log exports in the wrong encoding: UTF-16 (the default of PowerShell's Out-File and of some
 * Windows tools), with or without a BOM, and Latin-1 in a pretty-printed OTLP document. Each is
 * refused as an encoding problem at its line, never read as garbled rows.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/traffic/import-trace.js';
import { harnessError, makeTempDir } from '../helpers.js';
import { logFixture } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const generations = readFileSync(logFixture('openrouter/generations.jsonl'), 'utf8');
const prettyArray = JSON.stringify(generations.trim().split('\n').map((l) => JSON.parse(l) as unknown), null, 2);
const otlpDocument = readFileSync(logFixture('otel-genai/export.json'), 'utf8');

/** UTF-16 big-endian bytes of `text` (Node has no 'utf16be' encoding): the little-endian ones, swapped. */
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
const bom = (b: number[], rest: Buffer) => Buffer.concat([Buffer.from(b), rest]);

describe('import of a log export in the wrong encoding', () => {
  const cases: [string, string, Buffer][] = [
    ['JSON Lines, UTF-16 LE with a BOM', 'openrouter', bom([0xff, 0xfe], Buffer.from(generations, 'utf16le'))],
    ['JSON Lines, UTF-16 BE with a BOM', 'openrouter', bom([0xfe, 0xff], utf16be(generations))],
    ['JSON Lines, UTF-16 LE without a BOM', 'openrouter', Buffer.from(generations, 'utf16le')],
    ['a JSON array, UTF-16 LE with a BOM', 'openrouter', bom([0xff, 0xfe], Buffer.from(prettyArray, 'utf16le'))],
    ['a JSON array, UTF-16 LE without a BOM', 'openrouter', Buffer.from(prettyArray, 'utf16le')],
    ['an OTLP document, UTF-16 LE without a BOM', 'otel-genai', Buffer.from(otlpDocument, 'utf16le')],
  ];
  for (const [name, format, bytes] of cases)
    it(`${name}: a NUL-byte problem at line 1 with the iconv command, not a bad row of garbled text`, async () => {
      const file = tmp.write('export.json', bytes);
      const e = await harnessError(importTrace({ file, format }, tmp.path('out.jsonl')));
      expect(e.code).toBe('TRACE_NUL');
      expect(e.problems).toMatchObject([{ file, line: 1, message: expect.stringContaining('UTF-16') as unknown }]);
      expect(e.hint).toContain(`iconv -f UTF-16 -t UTF-8 ${file}`);
    });

  it('a pretty-printed OTLP document with a Latin-1 byte is refused at its line (it was imported with U+FFFD in the model name)', async () => {
    const lines = otlpDocument.split('\n');
    const at = lines.findIndex((l) => l.includes('"gpt-4o-mini"'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at]!.replace('gpt-4o-mini', 'gpt-4o-mini-\u00e9');
    const file = tmp.write('export.json', Buffer.from(lines.join('\n'), 'latin1'));
    const e = await harnessError(importTrace({ file, format: 'otel-genai' }, tmp.path('out.jsonl')));
    expect(e.code).toBe('TRACE_ENCODING');
    expect(e.problems).toMatchObject([{ file, line: at + 1, message: expect.stringContaining('not valid UTF-8') as unknown }]);
  });

  it('the same document in UTF-8, with a BOM and CRLF line ends, imports', async () => {
    const file = tmp.write('export.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(otlpDocument.replaceAll('\n', '\r\n').replaceAll('"gpt-4o-mini"', '"gpt-4o-mini-\u00e9"'), 'utf8')]));
    const stats = await importTrace({ file, format: 'otel-genai' }, tmp.path('out.jsonl'));
    expect(stats.rows).toBe(2);
    expect(readFileSync(tmp.path('out.jsonl'), 'utf8')).toContain('gpt-4o-mini-\u00e9');
  });
});
