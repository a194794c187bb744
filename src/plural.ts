/**
 * A count and its noun in agreement: "1 request", "2 requests", "1 strategy", "3 strategies",
 * "0 errors". Every message that puts a number before a noun goes through here (the CLI's output,
 * and the error messages other stages hand it), so "1 attempts" cannot come back.
 */

/** The plural of a regular English noun (and of the last word of a phrase: "bad row" → "bad rows"). */
export function pluralOf(noun: string): string {
  if (/[^aeiou]y$/i.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/** `noun` for exactly one, else its plural (given, or the regular one). */
export function nounFor(n: number, noun: string, plural = pluralOf(noun)): string {
  return n === 1 ? noun : plural;
}

/** "1,234 requests": the number (grouped, en-US) and the noun that agrees with it. */
export function count(n: number, noun: string, plural?: string): string {
  return `${n.toLocaleString('en-US')} ${nounFor(n, noun, plural)}`;
}
