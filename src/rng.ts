/**
 * Seeded randomness. All randomness in routebench comes from here: one scenario seed, split into
 * named sub-streams (traffic, each target's behaviour, each strategy) so that changing one
 * strategy never changes the traffic or fault timeline another one sees.
 *
 * The generator is sfc32 (small, fast, passes PractRand to 2^40+). Seeds are mixed with a
 * murmur3-style finaliser.
 */

/** murmur3 fmix32: a good 32-bit avalanche. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a string to 32 bits (FNV-1a followed by a finaliser). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Combines integers into one 32-bit seed. Order matters. */
export function combineSeeds(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) h = mix32((h ^ (p >>> 0)) + 0x7f4a7c15 + ((h << 6) >>> 0) + (h >>> 2));
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Cached second value of the Box–Muller pair. */
  private spare = NaN;

  constructor(seed: number, stream = 0) {
    this.a = 0;
    this.b = 0;
    this.c = 0;
    this.d = 1;
    this.reseed(seed, stream);
  }

  /** Restarts the generator from (seed, stream) without allocating. */
  reseed(seed: number, stream = 0): void {
    this.a = mix32(seed ^ 0x9e3779b9);
    this.b = mix32(stream ^ 0x243f6a88);
    this.c = mix32((seed + stream) ^ 0xb7e15162);
    this.d = 1;
    this.spare = NaN;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform in (0, 1): safe for logarithms. */
  nextOpen(): number {
    return (this.uint32() + 0.5) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, pairs cached). */
  normal(): number {
    if (this.spare === this.spare) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    const u = this.nextOpen();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(this.nextOpen()) * mean;
  }

  /**
   * Gamma(shape k, scale θ) by Marsaglia–Tsang; for k < 1 uses the boost trick.
   * Mean kθ, coefficient of variation 1/√k.
   */
  gamma(shape: number, scale: number): number {
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(this.nextOpen(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** A child generator for a named sub-stream, independent of how much this one was used. */
  static derive(seed: number, name: string): Rng {
    return new Rng(combineSeeds(seed, hashString(name)), hashString(name + '#stream'));
  }
}

/** z-score of the 99th percentile of the standard normal distribution. */
export const Z99 = 2.3263478740408408;

/**
 * Lognormal parameters from a median and a 99th percentile.
 * For "slow tail" rates (p99 below p50) sigma comes out the same, and callers invert.
 */
export function lognormalFromP50P99(p50: number, p99: number): { mu: number; sigma: number } {
  return { mu: Math.log(p50), sigma: Math.abs(Math.log(p99 / p50)) / Z99 };
}
