/**
 * The bundled CLI measures help text with withAsciiFastPath(string-width) (scripts/bundle-cli.ts):
 * it must give string-width's own answer for every string, taking the fast path only for printable
 * ASCII. Checked against both string-width versions installed here (cliui's and wrap-ansi's, and
 * the top-level one), on help-like text and on strings that need the full rules.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withAsciiFastPath } from '../../scripts/ascii-string-width.js';

const require = createRequire(import.meta.url);
/** string-width as cliui resolves it (the copy the help layout uses), and the top-level one. */
const versions = [createRequire(require.resolve('cliui')).resolve('string-width'), require.resolve('string-width')];

const samples = [
  '',
  ' ',
  'routebench run [paths..]',
  '  --db        results database (DuckDB file)  [string] [default: "results/routebench.duckdb"]',
  '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./ 0123456789',
  '#', '*', '0', '9', // keycap bases: an emoji only with U+FE0F U+20E3
  '#\u20e3', '1\ufe0f\u20e3',
  'tab\there', 'new\nline', '\u007f', '\u001b[31mred\u001b[39m', 'bold \u001b[1mtext\u001b[22m',
  '≥ 0.85 of the proxy', 'p50 × 2 — done → next', 'naïve café', 'e\u0301',
  '中文字符', 'ｆｕｌｌ', '한국어', '😀 emoji', '👍🏽', '👨‍👩‍👧', 'ZWJ\u200djoin', 'soft\u00adhyphen', '\ufeffBOM',
];

describe('withAsciiFastPath(string-width)', () => {
  for (const file of versions) {
    it(`gives string-width's width for every sample (${path.relative(process.cwd(), file)})`, async () => {
      const stringWidth = (await import(pathToFileURL(file).href)).default as (s: string, o?: object) => number;
      const fast = withAsciiFastPath(stringWidth);
      for (const s of samples) {
        expect(fast(s), JSON.stringify(s)).toBe(stringWidth(s));
        expect(fast(s, { ambiguousIsNarrow: false }), JSON.stringify(s)).toBe(stringWidth(s, { ambiguousIsNarrow: false }));
        expect(fast(s, { countAnsiEscapeCodes: true }), JSON.stringify(s)).toBe(stringWidth(s, { countAnsiEscapeCodes: true }));
      }
      // every single code point below U+0100, and every printable ASCII pair
      for (let c = 0; c < 0x100; c++) expect(fast(String.fromCharCode(c)), `U+${c.toString(16)}`).toBe(stringWidth(String.fromCharCode(c)));
    });
  }

  it('measures printable ASCII without calling string-width, and hands it everything else', () => {
    const seen: string[] = [];
    const fast = withAsciiFastPath((s) => (seen.push(s), -1));
    expect(fast('  --out  folder for reports  [string]')).toBe(37);
    expect(fast('')).toBe(0);
    expect(seen).toEqual([]);
    expect(fast('≥ 6 s')).toBe(-1);
    expect(fast('\u001b[1mx')).toBe(-1);
    expect(fast('a\tb')).toBe(-1);
    expect(seen).toEqual(['≥ 6 s', '\u001b[1mx', 'a\tb']);
  });
});
