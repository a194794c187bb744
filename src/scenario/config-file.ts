/**
 * Reads a product's own config file (a Portkey JSON, a LiteLLM YAML, an OpenRouter request or
 * provider object) so that every problem in it can name `file:line:col`, as the scenario's own
 * problems do. A `.json` file must be strict JSON, because the product reads it with a JSON parser
 * (Portkey's `x-portkey-config` is parsed with `JSON.parse`): a trailing comma or a comment that a
 * YAML parser would forgive is an error at its line, not a config that only routebench accepts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { jsonErrorOffset } from './json-error-offset.js';
import { parseYamlSource, type PathSegment, type YamlSource } from './yaml-source.js';

export interface ConfigFile {
  /** The parsed value (undefined when `error` is set). */
  value: unknown;
  /** Why it could not be read, with `file:line:col` where the text says where. */
  error?: string;
  /** The same, in parts: where in the text (when known), and what. */
  invalid?: { line?: number; col?: number; format: 'JSON' | 'YAML'; message: string };
  /** `file:line:col` of the node at `at` inside the file (or of its nearest existing parent). */
  where(at: readonly PathSegment[]): string;
}

/** How a file is named in messages: relative to the working folder when under it, else absolute. */
export function displayPath(full: string): string {
  const rel = path.relative(process.cwd(), full);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : full;
}

/** Line and column (1-based) of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  return { line, col: Math.max(1, offset - start + 1) };
}

/** Parses a config file's text; `full` is its absolute path (for `.json` strictness and messages). */
export function parseConfigText(text: string, full: string): ConfigFile {
  const shown = displayPath(full);
  let source: YamlSource | undefined;
  const invalid = (why: NonNullable<ConfigFile['invalid']>): ConfigFile => ({
    value: undefined,
    error: `${shown}${why.line !== undefined ? `:${why.line}:${why.col ?? 1}` : ''}: not valid ${why.format}: ${why.message}`,
    invalid: why,
    where,
  });
  const where = (at: readonly PathSegment[]) => {
    if (!source) return shown;
    const { line, col } = source.locate(at);
    return `${shown}:${line}:${col}`;
  };
  if (/\.json$/i.test(full)) {
    try {
      JSON.parse(text);
    } catch (e) {
      const raw = (e as Error).message;
      const offset = jsonErrorOffset(text);
      const lc = offset === undefined ? undefined : lineCol(text, offset);
      return invalid({ ...lc, format: 'JSON', message: raw.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/s, '').replace(/^JSON\.parse: /, '') });
    }
  }
  source = parseYamlSource(text, shown);
  const first = source.problems[0];
  if (first !== undefined || source.value === undefined)
    return invalid({ line: first?.line, col: first?.col, format: /\.json$/i.test(full) ? 'JSON' : 'YAML', message: first?.message.replace(/^the scenario is empty.*/, 'the file is empty') ?? 'the file is empty' });
  return { value: source.value, where };
}

/** Reads and parses a config file; a file that cannot be read gives `error`. */
export function readConfigFileAt(full: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch {
    return { value: undefined, error: `cannot read ${full}`, where: () => displayPath(full) };
  }
  return parseConfigText(text, full);
}
