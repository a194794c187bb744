/**
 * Seeded synthetic traffic: constant, Poisson or gamma (bursty) arrivals; token lengths from a
 * distribution; stream flag and tags drawn per request. Same seed, same requests.
 */
import { Rng, lognormalFromP50P99 } from '../rng.js';
import type { SyntheticSpec, TokenDist } from '../scenario/schema-traffic.js';
import { TRAFFIC_BATCH, type Tags, type TrafficRequest, type TrafficStats } from './traffic-request.js';

/** Samples a token count (≥ 1) from a distribution. */
export function tokenSampler(dist: TokenDist, rng: Rng): () => number {
  switch (dist.dist) {
    case 'constant':
      return () => dist.value;
    case 'uniform':
      return () => dist.min + rng.int(dist.max - dist.min + 1);
    case 'lognormal': {
      const { mu, sigma } = lognormalFromP50P99(dist.p50, dist.p99);
      return () => Math.max(1, Math.round(Math.exp(mu + sigma * rng.normal())));
    }
  }
}

/**
 * Next-arrival sampler: returns the next arrival time after `t` (ms). A diurnal cycle is applied
 * by thinning: candidates come at the peak rate and are kept with probability rate(t) / peak.
 */
export function arrivalSampler(arrival: SyntheticSpec['arrival'], rng: Rng): (t: number) => number {
  const d = arrival.diurnal;
  if (!d || d.amplitude === 0) {
    const gap = gapSampler(arrival, rng);
    return (t) => t + gap();
  }
  const peakFactor = 1 + d.amplitude;
  const gap = gapSampler({ ...arrival, rate_per_s: arrival.rate_per_s * peakFactor }, rng);
  const omega = (2 * Math.PI) / d.period;
  return (t) => {
    for (;;) {
      t += gap();
      const factor = 1 + d.amplitude * Math.cos(omega * (t - d.peak_at));
      if (rng.next() * peakFactor < factor) return t;
    }
  };
}

/** Inter-arrival gap sampler in ms (homogeneous). */
export function gapSampler(arrival: SyntheticSpec['arrival'], rng: Rng): () => number {
  const mean = 1000 / arrival.rate_per_s;
  switch (arrival.process) {
    case 'constant':
      return () => mean;
    case 'poisson':
      return () => rng.exponential(mean);
    case 'gamma': {
      const k = arrival.burstiness ?? 1;
      return () => rng.gamma(k, mean / k);
    }
  }
}

/** Builds a sampler over every combination of weighted tag values; tag objects are shared. */
function tagSampler(mix: SyntheticSpec['tags'], rng: Rng): () => Tags {
  const keys = Object.keys(mix).sort();
  if (keys.length === 0) {
    const empty: Tags = Object.freeze({});
    return () => empty;
  }
  const choices = keys.map((k) => {
    const entries = Object.entries(mix[k]!).filter(([, w]) => w > 0);
    const total = entries.reduce((a, [, w]) => a + w, 0);
    return { key: k, values: entries.map(([v]) => v), cumulative: entries.map((_, i) => entries.slice(0, i + 1).reduce((a, [, w]) => a + w, 0) / total) };
  });
  const cache = new Map<string, Tags>();
  return () => {
    let id = '';
    const picked: string[] = [];
    for (const c of choices) {
      const u = rng.next();
      let i = 0;
      while (i < c.cumulative.length - 1 && u >= c.cumulative[i]!) i++;
      picked.push(c.values[i]!);
      id += `${i},`;
    }
    let tags = cache.get(id);
    if (!tags) {
      tags = Object.freeze(Object.fromEntries(choices.map((c, i) => [c.key, picked[i]!])));
      cache.set(id, tags);
    }
    return tags;
  };
}

export async function* syntheticTraffic(spec: SyntheticSpec, seed: number, stats: TrafficStats): AsyncGenerator<TrafficRequest[]> {
  const rng = Rng.derive(seed, 'traffic');
  const nextArrival = arrivalSampler(spec.arrival, rng);
  const input = tokenSampler(spec.input_tokens, rng);
  const output = tokenSampler(spec.output_tokens, rng);
  const tags = tagSampler(spec.tags, rng);
  const count = spec.count ?? Infinity;
  const until = spec.duration ?? Infinity;
  let t = 0;
  let index = 0;
  for (;;) {
    const batch: TrafficRequest[] = [];
    while (batch.length < TRAFFIC_BATCH && index < count && t < until) {
      const inputTokens = input();
      batch.push({
        index,
        arrivalMs: t,
        route: spec.route,
        inputTokens,
        cachedTokens: Math.floor(inputTokens * spec.cached_fraction),
        outputTokens: output(),
        stream: rng.next() < spec.stream,
        tags: tags(),
      });
      index++;
      t = nextArrival(t);
    }
    stats.rows += batch.length;
    if (batch.length === 0) return;
    yield batch;
    if (batch.length < TRAFFIC_BATCH) return;
  }
}
