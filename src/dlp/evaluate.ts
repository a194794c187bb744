/**
 * Scores findings against planted ground truth, per detector: a finding is a true positive when
 * it overlaps a planted value of the same detector; a planted value nobody of its detector found
 * is a false negative. Recall = tp / (tp + fn), precision = tp / (tp + fp); undefined when the
 * denominator is 0.
 */
import type { Finding } from './detector.js';
import type { Planted } from './corpus.js';

export interface DetectorScore {
  detector: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  recall: number | undefined;
  precision: number | undefined;
}

export class DlpScorer {
  private readonly scores = new Map<string, DetectorScore>();

  private score(detector: string): DetectorScore {
    let s = this.scores.get(detector);
    if (!s) {
      s = { detector, truePositives: 0, falsePositives: 0, falseNegatives: 0, recall: undefined, precision: undefined };
      this.scores.set(detector, s);
    }
    return s;
  }

  /** Adds one text's findings and its planted truth. */
  add(findings: readonly Finding[], planted: readonly Planted[]): void {
    const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
    for (const f of findings) {
      const hit = planted.some((p) => p.detector === f.detector && overlaps(p, f));
      this.score(f.detector)[hit ? 'truePositives' : 'falsePositives']++;
    }
    for (const p of planted) if (!findings.some((f) => f.detector === p.detector && overlaps(p, f))) this.score(p.detector).falseNegatives++;
  }

  /** Per-detector scores, sorted by detector name. */
  results(): DetectorScore[] {
    return [...this.scores.values()]
      .map((s) => ({
        ...s,
        recall: s.truePositives + s.falseNegatives === 0 ? undefined : s.truePositives / (s.truePositives + s.falseNegatives),
        precision: s.truePositives + s.falsePositives === 0 ? undefined : s.truePositives / (s.truePositives + s.falsePositives),
      }))
      .sort((a, b) => (a.detector < b.detector ? -1 : a.detector > b.detector ? 1 : 0));
  }
}
