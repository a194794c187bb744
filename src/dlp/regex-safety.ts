/**
 * A check on custom DLP patterns before they run: JavaScript regular expressions backtrack, and a
 * repeated group that itself contains an unbounded repetition (`(a+)+`, `(?:\d*)*`, `((ab)*c)+`)
 * can take exponential time on a text that almost matches ("catastrophic backtracking", see
 * https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS). One such
 * prompt would freeze `routebench record`, so such patterns are refused. This is the classic
 * star-height test, not a proof: overlapping alternatives under a repetition (`(a|a)*`) are not
 * caught.
 */

interface Frame {
  /** The group contains an unbounded repetition (`*`, `+`, `{n,}`), directly or nested. */
  unbounded: boolean;
}

/** The quantifier at `i` (if any): its length and whether it repeats more than once / without bound. */
function quantifierAt(src: string, i: number): { len: number; repeats: boolean; unbounded: boolean } | undefined {
  const c = src[i];
  let len = 0;
  let repeats = false;
  let unbounded = false;
  if (c === '*' || c === '+') [len, repeats, unbounded] = [1, true, true];
  else if (c === '?') len = 1;
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 24));
    if (!m) return undefined;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    [len, repeats, unbounded] = [m[0].length, max > 1, max === Infinity];
  } else return undefined;
  if (src[i + len] === '?') len++; // lazy
  return { len, repeats, unbounded };
}

/** Undefined when the pattern is safe by this test, else why it is not. */
export function nestedRepetition(src: string): string | undefined {
  const stack: Frame[] = [{ unbounded: false }];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    let atomEnd = i + 1;
    let inner: Frame | undefined;
    if (c === '\\') {
      atomEnd = i + 2;
      // \p{…}, \u{…}, \k<…> are one atom
      if ('pPuk'.includes(src[i + 1] ?? '') && (src[i + 2] === '{' || src[i + 2] === '<')) {
        const close = src.indexOf(src[i + 2] === '{' ? '}' : '>', i + 3);
        atomEnd = close < 0 ? src.length : close + 1;
      }
    } else if (c === '[') {
      let j = i + 1;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      atomEnd = j + 1;
    } else if (c === '(') {
      stack.push({ unbounded: false });
      // (?: (?= (?! (?<= (?<! (?<name> are not quantifiers
      const prefix = /^\((\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>))?/.exec(src.slice(i, i + 64))!;
      i += prefix[0].length;
      continue;
    } else if (c === ')') {
      inner = stack.length > 1 ? stack.pop() : undefined;
    }
    const q = quantifierAt(src, atomEnd);
    const frame = stack[stack.length - 1]!;
    if (inner) {
      if (q?.repeats && inner.unbounded) return `a repeated group contains an unbounded repetition (nested quantifiers, e.g. (a+)+): ${src.slice(0, atomEnd + q.len)}`;
      if (inner.unbounded) frame.unbounded = true;
    }
    if (q?.unbounded) frame.unbounded = true;
    i = atomEnd + (q?.len ?? 0);
  }
  return undefined;
}
