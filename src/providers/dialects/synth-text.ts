/**
 * Text that stands in for real prompts and completions, sized in tokens. Each filler word is a
 * common English word that is one token in the OpenAI (o200k, cl100k) and Claude tokenizers
 * when preceded by a space, so N words ≈ N tokens. Mock completions are made of the same words,
 * one word per token, which lets a stream decoder count a mock's tokens exactly by counting words.
 */

const WORDS = ['the', 'model', 'data', 'time', 'work', 'system', 'value', 'number', 'result', 'state', 'point', 'group', 'order', 'line', 'part', 'case'] as const;

/** Tokens a chat request spends outside the message text (role markers, message framing). */
const CHAT_OVERHEAD_TOKENS = 8;

/** A rough token count for marker-like text (digits and symbols split finely: ~2.5 chars a token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 2.5);
}

/** A user message that begins with `marker` and comes to about `inputTokens` tokens with the chat framing. */
export function synthPrompt(marker: string, inputTokens: number): string {
  const fill = Math.max(0, Math.round(inputTokens) - CHAT_OVERHEAD_TOKENS - estimateTokens(marker));
  return fill === 0 ? marker : `${marker} ${fillText(fill)}`;
}

/** The first `n` filler words, space-separated; the last few hundred lengths kept (a replay asks for the same ones per call). */
const fills = new Map<number, string>();
function fillText(n: number): string {
  let text = fills.get(n);
  if (text === undefined) {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(WORDS[i % WORDS.length]!);
    text = parts.join(' ');
    if (fills.size >= 256) fills.delete(fills.keys().next().value!);
    fills.set(n, text);
  }
  return text;
}

/** The text of mock output token `i`: a word, space-separated from the previous one. */
export function tokenText(i: number): string {
  const w = WORDS[(i * 7 + 3) % WORDS.length]!;
  return i === 0 ? w : ` ${w}`;
}

/** Output tokens [from, to) as one string. */
export function tokensText(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += tokenText(i);
  return s;
}

/**
 * Counts tokens in streamed text deltas: the number of words that start in each delta, at least
 * one for a non-empty delta. Exact for mock output; for live text it approximates (a live delta is
 * usually one token, and provider usage stays authoritative).
 */
export class TokenCounter {
  private atBoundary = true;

  count(text: string): number {
    if (text.length === 0) return 0;
    let words = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const space = c === 32 || c === 10 || c === 9 || c === 13;
      if (space) this.atBoundary = true;
      else if (this.atBoundary) {
        words++;
        this.atBoundary = false;
      }
    }
    return Math.max(1, words);
  }
}
