/** The strategy registry: one line per strategy. `routebench list strategies` prints it. */
import { budget } from './budget.js';
import { cheapest } from './cheapest.js';
import { circuitBreaker } from './circuit-breaker.js';
import { dlp } from './dlp.js';
import { external } from './external.js';
import { fallback } from './fallback.js';
import { hedge } from './hedge.js';
import { leastLatency } from './least-latency.js';
import { litellm } from './litellm.js';
import { openrouter } from './openrouter/openrouter.js';
import { p2c } from './p2c.js';
import { portkey } from './portkey.js';
import { retry } from './retry.js';
import { roundRobin } from './round-robin.js';
import { single } from './single.js';
import type { StrategyDef } from './strategy.js';
import { weighted } from './weighted.js';

export const strategies: Readonly<Record<string, StrategyDef>> = {
  single,
  fallback,
  weighted,
  'round-robin': roundRobin,
  cheapest,
  'least-latency': leastLatency,
  p2c,
  retry,
  'circuit-breaker': circuitBreaker,
  hedge,
  budget,
  dlp,
  openrouter,
  portkey,
  litellm,
  external,
};
