/**
 * Where a value sits in the text of a JSON document, by its field path (`data[3]`,
 * `resourceSpans[0].scopeSpans[1].spans[2]`): the offset its text starts at. Used only when a
 * record of a document read whole (a pretty-printed OTLP body, an API page) is malformed, so the
 * problem names the line of that record instead of the document's first line. One pass over the
 * text, no parse tree; undefined when the path is not there (or the text is not JSON).
 */

/** Path segments: a key or an array index. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

export function locateJson(text: string, path: readonly (string | number)[]): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = () => {
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
  };
  // Skips one value (string, number, literal, object or array): brackets counted outside strings.
  const skipValue = () => {
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        skipString();
        if (depth === 0) break;
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        if (--depth === 0) {
          i++;
          break;
        }
      } else if (c === ',' && depth === 0) break;
      i++;
    }
    ws();
  };
  ws();
  for (const seg of path) {
    const open = text[i];
    if (typeof seg === 'number' ? open !== '[' : open !== '{') return undefined;
    i++;
    ws();
    let found = false;
    for (let k = 0; i < text.length && text[i] !== ']' && text[i] !== '}'; k++) {
      if (typeof seg === 'string') {
        const start = i;
        skipString();
        let key: unknown;
        try {
          key = JSON.parse(text.slice(start, i));
        } catch {
          return undefined;
        }
        ws();
        if (text[i] !== ':') return undefined;
        i++;
        ws();
        if (key === seg) found = true;
      } else if (k === seg) found = true;
      if (found) break;
      skipValue();
      if (text[i] === ',') i++;
      ws();
    }
    if (!found) return undefined;
  }
  return i < text.length ? i : undefined;
}
