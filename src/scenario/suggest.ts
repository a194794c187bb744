/** "Did you mean" suggestions for unknown names (keys, strategies, profiles, targets). */

/** Levenshtein edit distance, O(a·b) time, O(b) memory. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * Words people write for a key that has another name here, tried before spelling distance:
 * `end:` in an incident means its `duration` (an incident is start + duration), not `kind`,
 * which merely looks alike. The first synonym that is a candidate wins.
 */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  end: ['duration'],
  ends: ['duration'],
  end_at: ['duration'],
  stop: ['duration'],
  until: ['duration'],
  length: ['duration'],
  for: ['duration'],
  begin: ['start'],
  from: ['start'],
  at: ['start'],
  start_at: ['start'],
  starts: ['start'],
  offset: ['start'],
  type: ['kind', 'dist', 'process', 'use'],
  strategy: ['use'],
  rate: ['rate_per_s'],
  rps: ['rate_per_s'],
  qps: ['rate_per_s'],
  requests: ['count'],
  file: ['path'],
  timeout: ['attempt_timeout', 'timeout_ms'],
};

/** The closest candidate within a distance that scales with the name's length, if any. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const synonym = SYNONYMS[name.toLowerCase()]?.find((s) => list.includes(s));
  if (synonym) return synonym;
  candidates = list;
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit && bestDistance < name.length ? best : undefined;
}

/** "unknown X \"y\"; did you mean \"z\"? (known: a, b, c)" */
export function unknownNameMessage(kind: string, name: string, candidates: readonly string[]): string {
  const guess = nearest(name, candidates);
  const known = candidates.length <= 12 ? ` (known: ${candidates.join(', ')})` : '';
  return `unknown ${kind} "${name}"${guess ? `; did you mean "${guess}"?` : ''}${known}`;
}
