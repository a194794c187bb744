/**
 * Deterministic sharding of the scenario × strategy matrix, for running one `routebench run`
 * across several machines (`--shard i/n`) and merging their results afterwards.
 *
 * The rule: sort the (scenario, strategy) pairs by scenario, then strategy (UTF-16 code units,
 * locale-independent), and give the k-th pair (0-based) to shard (k mod n) + 1. So a shard's
 * slice does not depend on the order scenarios were found or listed in, shards are disjoint,
 * their union is the whole matrix, and shard sizes differ by at most one. Dealing round-robin
 * over the sorted list also spreads each scenario's strategies over the shards, so one large
 * scenario is split rather than landing on a single machine. Adding or removing a pair can move
 * others to another shard: every machine must shard the same matrix (same files, same --strategy).
 * Each strategy's results do not depend on which other strategies ran beside it (common random
 * numbers, a fresh mock per run), so a merged sharded run equals the unsharded one.
 */
import { inputError } from '../errors.js';

export interface Shard {
  /** 1-based: 1 ≤ index ≤ count. */
  index: number;
  count: number;
}

const SHARD_HINT = 'give the shard as i/n with 1 ≤ i ≤ n, e.g. --shard 2/4 runs the second of four shards';

/** Parses "i/n" (1-based). Anything else is an input error (exit 2) with an example. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(text);
  if (!m) throw inputError('BAD_SHARD', `shard "${text}" is not of the form i/n`, [{ path: 'shard', message: `"${text}" is not of the form i/n (e.g. 2/4)` }], SHARD_HINT);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count)
    throw inputError('BAD_SHARD', `shard "${text}" is out of range`, [{ path: 'shard', message: `"${text}": need 1 ≤ i ≤ n, got i = ${index}, n = ${count}` }], SHARD_HINT);
  return { index, count };
}

const matrixKey = (item: { scenario: string; strategy: string }) => `${item.scenario}\u0000${item.strategy}`;

/** This shard's slice of the matrix, in sorted (scenario, strategy) order. */
export function shardMatrix<T extends { scenario: string; strategy: string }>(items: readonly T[], shard: Shard): T[] {
  if (!(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 1 && shard.index <= shard.count))
    throw inputError('BAD_SHARD', `shard ${shard.index}/${shard.count} is out of range`, [], SHARD_HINT);
  const sorted = items
    .map((item) => ({ item, key: matrixKey(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return sorted.filter((_, k) => k % shard.count === shard.index - 1).map((s) => s.item);
}
