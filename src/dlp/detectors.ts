/** The built-in DLP detector registry, in priority order. `routebench list detectors` prints it. */
import type { Detector } from './detector.js';
import { brCpf, email, esDni, iban, nlBsn, paymentCard, phone, sePersonnummer, usSsn } from './detectors-pii.js';
import { apiKey, jwt, privateKey } from './detectors-secrets.js';

export const builtinDetectors: readonly Detector[] = [privateKey, jwt, apiKey, paymentCard, iban, usSsn, esDni, brCpf, sePersonnummer, nlBsn, email, phone];
