/**
 * Turns zod issues into located problems: `file:line:col  path.to.field  message`, with a
 * "did you mean" for unknown keys and enum values.
 */
import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { nearest } from './suggest.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

/** `['strategies', 'fb', 'options', 'targets', 1]` → `strategies.fb.options.targets[1]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

type AnySchema = z.ZodType;
type Def = { type: string; shape?: Record<string, AnySchema>; innerType?: AnySchema; in?: AnySchema; element?: AnySchema; valueType?: AnySchema; options?: AnySchema[]; keyType?: AnySchema };

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schemas that may describe the value at `path` (several where a union is involved). */
function schemasAt(schema: AnySchema, path: readonly PathSegment[]): AnySchema[] {
  let current: AnySchema[] = [schema];
  for (const seg of path) {
    const next: AnySchema[] = [];
    for (const s of current.flatMap(unwrap)) {
      const def = defOf(s);
      if (def.type === 'object' && typeof seg === 'string' && def.shape?.[seg]) next.push(def.shape[seg]!);
      else if (def.type === 'record' && def.valueType) next.push(def.valueType);
      else if (def.type === 'array' && def.element) next.push(def.element);
    }
    current = next;
  }
  return current.flatMap(unwrap);
}

function unwrap(schema: AnySchema): AnySchema[] {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
  return [schema];
}

/** Keys an object at `path` accepts, for did-you-mean suggestions. */
export function knownKeysAt(schema: AnySchema, path: readonly PathSegment[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path)) {
    const def = defOf(s);
    if (def.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let v = value;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<PathSegment, unknown>)[seg] : undefined;
  return v;
}

/**
 * Converts a failed parse into problems. `prefix` is prepended to every path (used when a
 * strategy's options are validated on their own); `schema` supplies known keys.
 */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  source: YamlSource,
  file: string,
  schema: AnySchema,
  prefix: readonly PathSegment[] = [],
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const rel = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const path = [...prefix, ...rel];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, rel);
      for (const key of issue.keys) {
        const guess = nearest(key, known);
        const hint = guess ? `; did you mean "${guess}"?` : known.length ? ` (allowed: ${known.join(', ')})` : '';
        problems.push({ file, ...source.locate([...path, key], true), path: formatPath([...path, key]), message: `unknown key "${key}"${hint}` });
      }
      continue;
    }
    const actual = valueAt(source.value, path);
    let message = issue.message;
    if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
      const expected = issue.expected === 'record' ? 'object' : issue.expected;
      message = actual === undefined ? `required ${expected} is missing` : `expected ${expected === 'object' || expected === 'array' ? 'an' : 'a'} ${expected}, got ${brief(actual)}`;
    }
    if (issue.code === 'invalid_value' && typeof actual === 'string') {
      const values = issue.values.map(String);
      const guess = nearest(actual, values);
      message = `"${actual}" is not allowed; expected one of ${values.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`;
    }
    if (issue.code === 'invalid_format' && typeof actual === 'string' && NON_ASCII.test(actual)) message = nonAsciiName(actual);
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const firsts = issue.errors.map((branch) => branch[0]?.message).filter(Boolean);
      message = `none of the accepted forms matches: ${[...new Set(firsts)].join('; or ')}`;
    }
    const atKey = issue.code === 'custom' && (issue.params as { atKey?: boolean } | undefined)?.atKey === true;
    problems.push({ file, ...source.locate(path, atKey), path: formatPath(path), message });
  }
  return problems;
}

const NON_ASCII = /[^\x20-\x7e]/;

/** A value as JSON, cut to a readable length: a whole file read as one string (prose, binary) stays one short line. */
function brief(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  if (json.length <= 80) return json;
  if (typeof value === 'string') return `${JSON.stringify(value.slice(0, 50)).slice(0, -1)}…" (${value.length.toLocaleString('en-US')} characters)`;
  return `${json.slice(0, 60)}… (${json.length.toLocaleString('en-US')} characters of JSON)`;
}

/**
 * Names (scenario, target, strategy, gateway ids) are ASCII: they become run ids, file names of
 * reports and JUnit test names, which must survive every file system and CI parser. A Unicode
 * name gets a clear refusal with an ASCII spelling to use instead, when one can be made.
 */
export function nonAsciiName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '');
  const instead = slug ? `, e.g. "${slug}"` : '';
  return `"${name}" has characters outside ASCII: names become run ids and report file names, so use A-Z, a-z, 0-9, ".", "_" or "-"${instead} (a description can say anything)`;
}
