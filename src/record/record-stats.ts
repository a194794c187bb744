/** Running counts of what `routebench record` saw, and the summary it prints when it stops. */
import type { RecordedCall } from './record-row.js';
import type { WrittenFile } from './trace-writer.js';
import { MsHistogram } from '../stats/ms-histogram.js';

export interface RecordSummary {
  calls: number;
  ok: number;
  streamed: number;
  byDialect: Record<string, number>;
  byTarget: Record<string, number>;
  byErrorKind: Record<string, number>;
  byTag: Record<string, Record<string, number>>;
  /** Calls whose text the DLP policy withheld or redacted (only with --store-text). */
  textWithheld: number;
  textRedacted: number;
  /** Calls on whose prompt each DLP detector fired (prompt_dlp.found). */
  byDetector: Record<string, number>;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p50TtftMs: number | null;
  durationMs: number;
  files: WrittenFile[];
  /** Calls relayed whose rows could not be written (the folder gone, the disk full, ...), and why the first could not. */
  lostRows?: number;
  writeError?: string;
}

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

/**
 * Counts keyed by what the app and the upstream sent (a tag header's value, the target an answer
 * names): without a prototype, so "constructor" counts from 0 (on a plain object it read
 * Object.prototype.constructor and was counted as "function Object() { [native code] }1") and
 * "__proto__" is a key like any other (it was dropped).
 */
const counts = <T = number>(): Record<string, T> => Object.create(null) as Record<string, T>;

export class RecordStats {
  calls = 0;
  private ok = 0;
  private streamed = 0;
  private withheld = 0;
  private redacted = 0;
  private readonly byDialect: Record<string, number> = counts();
  private readonly byTarget: Record<string, number> = counts();
  private readonly byErrorKind: Record<string, number> = counts();
  private readonly byTag: Record<string, Record<string, number>> = counts<Record<string, number>>();
  private readonly byDetector: Record<string, number> = counts();
  /** Histograms, not every value: a recorder may run for days (ms-histogram.ts: exact to the ms below a minute). */
  private readonly latencies = new MsHistogram();
  private readonly ttfts = new MsHistogram();

  add(c: RecordedCall): void {
    this.calls++;
    const o = c.observed;
    if (o.ok) {
      this.ok++;
      this.latencies.add(o.latencyMs);
      if (o.ttftMs !== undefined) this.ttfts.add(o.ttftMs);
    } else bump(this.byErrorKind, o.errorKind ?? (o.clientClosed ? 'client_closed' : 'error'));
    if (c.stream) this.streamed++;
    bump(this.byDialect, c.dialect);
    bump(this.byTarget, o.target);
    for (const [k, v] of Object.entries(c.tags)) bump((this.byTag[k] ??= counts()), v);
    for (const d of c.prompt.dlp?.found ?? []) bump(this.byDetector, d);
    if (c.prompt.dlp?.withheld) this.withheld++;
    else if (c.prompt.redacted) this.redacted++; // not the text's look: a prompt may quote "[REDACTED:…]" itself
  }

  summary(files: WrittenFile[], durationMs: number): RecordSummary {
    return {
      calls: this.calls,
      ok: this.ok,
      streamed: this.streamed,
      byDialect: this.byDialect,
      byTarget: this.byTarget,
      byErrorKind: this.byErrorKind,
      byTag: this.byTag,
      textWithheld: this.withheld,
      textRedacted: this.redacted,
      byDetector: this.byDetector,
      p50LatencyMs: this.latencies.quantile(0.5),
      p95LatencyMs: this.latencies.quantile(0.95),
      p50TtftMs: this.ttfts.quantile(0.5),
      durationMs,
      files: files.map((f) => ({ ...f })),
    };
  }
}
