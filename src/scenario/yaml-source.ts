/**
 * Parses YAML or JSON text while keeping positions, so every problem can point at file:line:col.
 * Refuses empty files, several documents, duplicate keys and alias bombs, each as a located problem
 * rather than a crash. Linear in the size of the text: the yaml package's own duplicate-key check
 * (`uniqueKeys`) compares every key with every earlier key of its map, so a map of 80k keys took
 * minutes; duplicates are found here in one pass with a set per map (duplicate-keys.ts), and
 * `locate` indexes a map's keys the first time it is searched.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { duplicateKeyProblems } from './duplicate-keys.js';
import type { Problem } from '../errors.js';

export type PathSegment = string | number;

export interface YamlSource {
  /** The plain JS value: undefined when the text could not be read as one document (duplicate keys alone leave it set, last one winning). */
  value: unknown;
  problems: Problem[];
  /**
   * Line/column of the node at `path`, or of its deepest existing ancestor. `atKey` points at the
   * key itself. `file` is set when the node comes from another file than the one parsed (a
   * scenario's included calibration file).
   */
  locate(path: readonly PathSegment[], atKey?: boolean): { line: number; col: number; file?: string };
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
  const pos = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const problems: Problem[] = [];
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  if (list.length > 1) {
    const second = list[1]!;
    problems.push({ file, ...pos(second.range[0]), path: '', message: 'expected exactly one YAML document, found several (a second "---")' });
  }
  const doc = list[0];
  for (const err of [...(doc?.errors ?? []), ...(doc?.warnings ?? [])]) {
    if (!('code' in err)) continue;
    const isError = doc?.errors.includes(err as never) ?? true;
    if (!isError) continue;
    const lp = err.linePos?.[0];
    const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?/, '');
    problems.push({ file, line: lp?.line, col: lp?.col, path: '', message: `${message} (${err.code})` });
  }
  let value: unknown;
  if (doc && problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      problems.push({ file, path: '', message: `cannot expand YAML aliases: ${(e as Error).message}` });
    }
    if (problems.length === 0 && (value === null || value === undefined))
      problems.push({ file, line: 1, col: 1, path: '', message: 'the scenario is empty (no keys, or only comments)' });
  }
  if (!doc && problems.length === 0) problems.push({ file, line: 1, col: 1, path: '', message: 'the scenario is empty' });
  if (problems.length > 0) value = undefined;
  // Duplicate keys are problems, but the value (last one wins) is still checked, so the schema's
  // problems are listed with them rather than after the duplicates are fixed.
  if (doc?.contents) problems.push(...duplicateKeyProblems(doc.contents as Node, file, pos));

  const locate = (path: readonly PathSegment[], atKey = false) => {
    let node: unknown = doc?.contents;
    let at = 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (isMap(node)) {
        const pair = keyIndex(node).get(String(seg));
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (atKey && i === path.length - 1) {
          at = keyNode.range?.[0] ?? at;
          node = undefined;
          break;
        }
        at = keyNode.range?.[0] ?? at;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (!item) break;
        node = item;
      } else break;
      const range = (node as Node | undefined)?.range;
      if (range) at = range[0];
    }
    if (path.length === 0 && (doc?.contents as Node | null)?.range) at = (doc!.contents as Node).range![0];
    return pos(at);
  };
  return { value, problems, locate };
}

const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** A map's pairs by key text, built once per map; a duplicated key resolves to its last definition, the one the value holds. */
function keyIndex(map: YAMLMap): Map<string, Pair> {
  let index = indexes.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) if (isPair(p) && isScalar(p.key)) index.set(String(p.key.value), p as Pair);
    indexes.set(map, index);
  }
  return index;
}
