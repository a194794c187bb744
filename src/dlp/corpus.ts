/**
 * A seeded corpus of prompts with planted, labelled sensitive values and near-miss decoys: the
 * ground truth that turns a DLP policy's findings into recall and precision per detector. Same
 * seed, same corpus.
 */
import { Rng } from '../rng.js';
import { decoys, plant } from './planted-values.js';

export interface Planted {
  readonly detector: string;
  readonly start: number;
  readonly end: number;
}

export interface CorpusPrompt {
  readonly text: string;
  readonly planted: readonly Planted[];
}

export interface CorpusOptions {
  /** Share of prompts that carry at least one sensitive value (0..1). */
  readonly secretShare: number;
  /** Share of prompts that carry a decoy (0..1). */
  readonly decoyShare: number;
  /** Only plant these detectors (default: every one with a generator). */
  readonly detectors?: readonly string[];
}

const FILLER = [
  'Summarise the attached support thread for the weekly report.',
  'Rewrite this paragraph so a new customer understands it.',
  'Classify the ticket below as billing, outage or feature request.',
  'Translate the following note into Spanish, keeping the tone.',
  'Draft a polite reply that asks for more details.',
  'Extract the action items and owners from the meeting notes.',
  'Explain the error in this stack trace and suggest a fix.',
];
const LEADS: Readonly<Record<string, string>> = {
  email: 'Contact:', phone: 'Call back on', payment_card: 'Card on file:', iban: 'Refund to IBAN', us_ssn: 'SSN', es_dni: 'DNI',
  br_cpf: 'CPF', se_personnummer: 'Personnummer', nl_bsn: 'BSN', api_key: 'Config uses key', jwt: 'Session token:', private_key: 'Deploy key:\n',
};

/**
 * How a value sits in its prompt: plain prose, quoted, bracketed, in JSON, on a line of its own,
 * between `\n` escapes of a pasted JSON string, or followed by more digits (a card's expiry date).
 */
const WRAPS: readonly [string, string][] = [
  [' ', '.'],
  [' "MODE=prod\\n', '\\nDEBUG=1"'],
  [' ', ' 12/29.'],
  [' "', '"'],
  [' (', ')'],
  [' {"value":"', '"}'],
  [' <', '>,'],
  ['\n', '\n'],
  [':', ';'],
];

/** The prompt for request `index` of a corpus with `seed`: independent of any other request. */
export function corpusPrompt(seed: number, index: number, options: CorpusOptions): CorpusPrompt {
  const rng = Rng.derive(seed, `dlp-corpus:${index}`);
  const kinds = options.detectors ?? Object.keys(plant);
  let text = FILLER[rng.int(FILLER.length)] as string;
  const planted: Planted[] = [];
  if (rng.next() < options.secretShare) {
    const count = 1 + (rng.next() < 0.25 ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const detector = kinds[rng.int(kinds.length)] as string;
      const value = (plant[detector] as (r: Rng) => string)(rng);
      const [open, close] = WRAPS[rng.int(WRAPS.length)] as [string, string];
      text += ` ${LEADS[detector] ?? 'Value:'}${open}`;
      planted.push({ detector, start: text.length, end: text.length + value.length });
      text += `${value}${close}`;
    }
  }
  if (rng.next() < options.decoyShare) text += ` Ref: ${(decoys[rng.int(decoys.length)] as (r: Rng) => string)(rng)}.`;
  text += ` ${FILLER[rng.int(FILLER.length)] as string}`;
  return { text, planted };
}
