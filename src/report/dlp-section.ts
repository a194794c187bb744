/**
 * The DLP section of a summary: for each run of a `dlp` wrapper, how many requests its policy
 * blocked, rewrote (redacted) or flagged, and per detector how often it fired, with recall and
 * precision against the seeded corpus's planted values (counted per request); a run on the
 * trace's own findings (`prompts: trace`) has counts only.
 */
import type { Store } from '../store/open-store.js';
import { dlpDetectors, dlpVerdicts, type DlpDetectorRow, type DlpVerdictRow } from '../store/dlp-queries.js';
import type { SummaryRow } from '../store/queries.js';

export interface DlpSection {
  strategy: string;
  verdicts: Omit<DlpVerdictRow, 'run_no'>;
  detectors: Omit<DlpDetectorRow, 'run_no'>[];
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const share = (n: number, of: number) => (of === 0 ? '–' : `${n.toLocaleString('en-US')} (${((n / of) * 100).toFixed(2)}%)`);

/** Only runs that used the `dlp` wrapper have a section; none gives []. */
export async function dlpSections(store: Store, rows: readonly SummaryRow[]): Promise<DlpSection[]> {
  const runNos = rows.map((r) => r.run_no);
  const verdicts = await dlpVerdicts(store, runNos);
  if (verdicts.length === 0) return [];
  const detectors = await dlpDetectors(store, runNos);
  return verdicts.map(({ run_no, ...v }) => ({
    strategy: rows.find((r) => r.run_no === run_no)?.strategy ?? String(run_no),
    verdicts: v,
    detectors: detectors.filter((d) => d.run_no === run_no).map(({ run_no: _, ...d }) => d),
  }));
}

export function dlpMarkdown(sections: readonly DlpSection[]): string {
  if (sections.length === 0) return '';
  const out = ['## DLP', ''];
  for (const s of sections) {
    const v = s.verdicts;
    out.push(`**${s.strategy}**: of ${v.requests.toLocaleString('en-US')} requests the policy blocked ${share(v.blocked, v.requests)}, rewrote ${share(v.redacted, v.requests)} and flagged ${share(v.flagged, v.requests)}.`, '');
    if (v.labelled) {
      out.push('| detector | fired on | true pos. | false pos. | missed | recall | precision |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
      for (const d of s.detectors) out.push(`| ${d.detector} | ${d.fired.toLocaleString('en-US')} | ${d.true_positives} | ${d.false_positives} | ${d.false_negatives} | ${pct(d.recall)} | ${pct(d.precision)} |`);
    } else {
      out.push('| detector | fired on |', '| --- | ---: |');
      for (const d of s.detectors) out.push(`| ${d.detector} | ${d.fired.toLocaleString('en-US')} |`);
      out.push('', "The findings are the trace's own (recorded or imported prompt_dlp): the traffic's prompts carry no planted labels, so recall and precision cannot be measured on them; they need the seeded corpus (prompts: { corpus: {...} }).");
    }
    out.push('');
  }
  if (sections.some((s) => s.verdicts.labelled))
    out.push('Recall and precision are counted per request against the values planted in the seeded prompt corpus: a detector that fires on a request where its kind was planted is a true positive.', '');
  return out.join('\n');
}
