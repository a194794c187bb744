/**
 * The price table: USD per 1M tokens per model, with the source and date of each price.
 * Ships as fixtures/prices.yaml; a scenario may override a target's price inline.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../package-files.js';
import type { Price } from './canonical.js';

/** The price table shipped with routebench. */
export const DEFAULT_PRICE_TABLE = path.join(packageRoot(), 'fixtures', 'prices.yaml');

let cached: Record<string, Price> | undefined;

/** Loads the shipped price table (once). */
export function defaultPrices(): Record<string, Price> {
  cached ??= loadPriceTable(DEFAULT_PRICE_TABLE);
  return cached;
}

export function loadPriceTable(file: string): Record<string, Price> {
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, Partial<Price>>;
  const out: Record<string, Price> = {};
  for (const [model, p] of Object.entries(raw ?? {})) {
    if (typeof p?.input !== 'number' || typeof p?.output !== 'number') throw new Error(`${file}: price for ${model} needs numeric input and output`);
    out[model] = { input: p.input, output: p.output, cached_input: p.cached_input ?? p.input, source: p.source, as_of: p.as_of };
  }
  return out;
}
