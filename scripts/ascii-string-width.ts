/**
 * A fast path for the `string-width` package the bundled CLI's help layout uses (yargs lays out
 * `--help` with cliui and wrap-ansi, which measure every line and every word they wrap).
 * `string-width` segments a string into graphemes (Intl.Segmenter) and tests each against an
 * emoji regex and the East Asian Width table: ~60 ms of a ~220 ms `routebench --help`. A string of
 * printable ASCII only (U+0020-U+007E) has no escape codes, control, zero-width, combining, emoji
 * or wide characters, so its width is its length, as `string-width` computes it; anything else goes
 * to `string-width` itself (test/build/ascii-string-width.test.ts compares the two).
 */
type StringWidth = (text: string, options?: object) => number;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function withAsciiFastPath(stringWidth: StringWidth): StringWidth {
  return (text, options) => (typeof text === 'string' && PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text, options));
}
