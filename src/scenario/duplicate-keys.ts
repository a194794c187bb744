/**
 * Duplicate keys in a parsed YAML tree, in one pass: each map keeps a set of the keys seen so far,
 * so the check is linear in the number of keys (the yaml package's `uniqueKeys` option compares
 * every key with all earlier ones of its map: quadratic). Two keys are the same when their scalar
 * values are strictly equal, as in YAML's own rule (`1` and `"1"` differ). Aliases are not
 * followed (an alias node is a reference, not a second copy of the map).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Problem } from '../errors.js';

type Position = (offset: number) => { line: number; col: number };

export function duplicateKeyProblems(root: Node, file: string, pos: Position): Problem[] {
  const problems: Problem[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined || isAlias(node)) continue;
    if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
      continue;
    }
    if (!isMap(node)) continue;
    const seen = new Map<string, number>();
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = item.key;
      if (isScalar(key)) {
        const id = `${typeof key.value}:${String(key.value)}`;
        const offset = key.range?.[0] ?? 0;
        const first = seen.get(id);
        if (first === undefined) seen.set(id, offset);
        else {
          const at = pos(offset);
          problems.push({
            file,
            line: at.line,
            col: at.col,
            path: '',
            message: `Map keys must be unique ("${String(key.value)}" first defined at line ${pos(first).line}) (DUPLICATE_KEY)`,
          });
        }
      } else if (key) stack.push(key);
      stack.push(item.value);
    }
  }
  return problems;
}
