/**
 * What the LiteLLM router remembers per deployment: calls in flight, this minute's successes,
 * failures, requests and tokens, cooldowns, and latency samples (gateways.md §2.3).
 *
 * Cooldowns ("per deployment, not per group"):
 * - only for 429, 401, 404, 408 and ≥ 500, never for connection errors (`_is_cooldown_required`);
 * - for `time_to_cooldown` = the provider's retry-after when it sent one, else the deployment's
 *   `cooldown_time`, else the router's (default 5 s); 0 means no cooldown (issue #40130: a 1 s
 *   Retry-After wins over a 60 s setting);
 * - current rule (allowed_fails and allowed_fails_policy not customised): a 429 cools at once unless
 *   the group has one deployment; > 50% of this minute's calls failed with ≥ 5 calls cools (not for
 *   a one-deployment group); 100% failed with ≥ 1000 calls cools; 401/404 (not retryable) cool;
 * - legacy rule (customised): a failure counter per deployment living `cooldown_time` from its last
 *   increment; the deployment cools when the count would exceed allowed_fails (or the policy's value
 *   for the error class; a 0 there falls back to allowed_fails, as LiteLLM's `or` does).
 *
 * Latency samples are seconds per output token (for streamed calls also time to first token per
 * token), at most `max_latency_list_size`; once full, a new sample overwrites the last slot instead
 * of rolling the window (LiteLLM's quirk). A timeout adds a 1000 s penalty sample. A group's samples
 * vanish after `ttl` without a new sample (they live in one cache entry per group).
 */
import type { LiteConfig } from './config.js';
import { cooldownEligible, policyValue, retryableStatus, type LiteError } from './errors.js';

const MINUTE_MS = 60_000;
const PENALTY_S_PER_TOKEN = 1000;

export class DeploymentState {
  readonly inFlight: Int32Array;
  readonly coolUntil: Float64Array;
  /** This minute's counts (reset when the minute changes). */
  readonly ok: Int32Array;
  readonly failed: Int32Array;
  readonly sent: Int32Array;
  readonly tokens: Float64Array;
  private readonly minuteOf: Float64Array;
  private readonly legacyCount: Int32Array;
  private readonly legacyUntil: Float64Array;
  private readonly lat: Float64Array;
  private readonly latN: Int32Array;
  private readonly ttft: Float64Array;
  private readonly ttftN: Int32Array;
  private readonly groupWrite: Float64Array;
  private readonly max: number;

  constructor(
    private readonly cfg: LiteConfig,
    private readonly groupOf: Int32Array,
    private readonly members: readonly Int32Array[],
  ) {
    const n = cfg.deployments.length;
    this.max = cfg.latency.maxSamples;
    this.inFlight = new Int32Array(n);
    this.coolUntil = new Float64Array(n).fill(-Infinity);
    this.ok = new Int32Array(n);
    this.failed = new Int32Array(n);
    this.sent = new Int32Array(n);
    this.tokens = new Float64Array(n);
    this.minuteOf = new Float64Array(n).fill(-1);
    this.legacyCount = new Int32Array(n);
    this.legacyUntil = new Float64Array(n).fill(-Infinity);
    this.lat = new Float64Array(n * this.max);
    this.latN = new Int32Array(n);
    this.ttft = new Float64Array(n * this.max);
    this.ttftN = new Int32Array(n);
    this.groupWrite = new Float64Array(members.length).fill(-Infinity);
  }

  /** Starts a new minute's counters (LiteLLM keys them by the calendar minute). */
  roll(d: number, now: number): void {
    const m = Math.floor(now / MINUTE_MS);
    if (this.minuteOf[d] === m) return;
    this.minuteOf[d] = m;
    this.ok[d] = this.failed[d] = this.sent[d] = 0;
    this.tokens[d] = 0;
  }

  cooling(d: number, now: number): boolean {
    return now < this.coolUntil[d]!;
  }

  onSent(d: number, now: number): void {
    this.roll(d, now);
    this.sent[d]!++;
    this.inFlight[d]!++;
  }

  onEnded(d: number): void {
    if (this.inFlight[d]! > 0) this.inFlight[d]!--;
  }

  onSuccess(d: number, now: number, totalTokens: number, outputTokens: number, latencyMs: number, ttftMs: number | undefined): void {
    this.roll(d, now);
    this.ok[d]!++;
    this.tokens[d]! += totalTokens;
    if (outputTokens <= 0) return; // LiteLLM divides by completion tokens: nothing is recorded
    this.expire(d, now);
    this.push(this.lat, this.latN, d, latencyMs / 1000 / outputTokens);
    if (ttftMs !== undefined) this.push(this.ttft, this.ttftN, d, ttftMs / 1000 / outputTokens);
    this.groupWrite[this.groupOf[d]!] = now;
  }

  onFailure(d: number, e: LiteError, now: number, cooldownMs: number | undefined): void {
    this.roll(d, now);
    this.failed[d]!++;
    if (e.cls === 'timeout') {
      this.expire(d, now);
      this.push(this.lat, this.latN, d, PENALTY_S_PER_TOKEN);
      this.groupWrite[this.groupOf[d]!] = now;
    }
    if (this.cfg.disableCooldowns || !cooldownEligible(e)) return;
    const retryAfter = e.retryAfterMs !== undefined && e.retryAfterMs > 0 ? e.retryAfterMs : undefined;
    const t = retryAfter ?? cooldownMs ?? this.cfg.cooldownMs;
    if (!(t > 1e-6)) return;
    if (this.shouldCool(d, e, now)) this.coolUntil[d] = now + t;
  }

  private shouldCool(d: number, e: LiteError, now: number): boolean {
    const single = this.members[this.groupOf[d]!]!.length === 1;
    if (!this.cfg.legacyCooldown) {
      const total = this.ok[d]! + this.failed[d]!;
      const share = total > 0 ? this.failed[d]! / total : 0;
      if (e.status === 429 && !single) return true;
      if (share === 1 && total >= 1000) return true;
      if (share > 0.5 && total >= 5 && !single) return true;
      return !retryableStatus(e.status);
    }
    const allowed = policyValue(this.cfg.allowedFailsPolicy, e.cls, 'AllowedFails') || this.cfg.allowedFails;
    const count = now < this.legacyUntil[d]! ? this.legacyCount[d]! : 0;
    if (count + 1 > allowed) return true;
    this.legacyCount[d] = count + 1;
    this.legacyUntil[d] = now + this.cfg.cooldownMs;
    return false;
  }

  /** Mean seconds per token (time to first token per token for streams that have samples); 0 when cold. */
  latency(d: number, now: number, stream: boolean): number {
    this.expire(d, now);
    const useTtft = stream && this.ttftN[d]! > 0;
    const n = useTtft ? this.ttftN[d]! : this.latN[d]!;
    if (n === 0) return 0;
    const arr = useTtft ? this.ttft : this.lat;
    let sum = 0;
    for (let i = d * this.max, end = i + n; i < end; i++) sum += arr[i]!;
    return sum / n;
  }

  private push(arr: Float64Array, counts: Int32Array, d: number, v: number): void {
    const n = counts[d]!;
    if (n < this.max) {
      arr[d * this.max + n] = v;
      counts[d] = n + 1;
    } else arr[d * this.max + this.max - 1] = v;
  }

  private expire(d: number, now: number): void {
    const g = this.groupOf[d]!;
    if (now - this.groupWrite[g]! <= this.cfg.latency.ttlMs) return;
    for (const m of this.members[g]!) this.latN[m] = this.ttftN[m] = 0;
  }
}
