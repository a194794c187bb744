/**
 * What an attempt costs, as providers bill it. Documented in the README ("Cost model"):
 *
 * | outcome                                  | billed                                              |
 * |------------------------------------------|-----------------------------------------------------|
 * | ok                                       | input (cached at the cached price) + output         |
 * | HTTP error (4xx/5xx/529) before output   | nothing                                             |
 * | truncated / reset after the first token  | input + the output generated before the cut        |
 * | timeout, hedge_lost, aborted (cancelled) | input + output generated until the cancel, if the   |
 * |                                          | prompt had been processed (time ≥ TTFT); else none  |
 *
 * `tokens_in` includes cached tokens (as OpenAI's prompt_tokens does); cost bills the uncached
 * part at the input price and the cached part at the cached price.
 */
import type { Price } from '../providers/canonical.js';
import type { EngineAttempt } from './engine-attempt.js';

export function costUsd(price: Price, tokensIn: number, tokensCached: number, tokensOut: number): number {
  return ((tokensIn - tokensCached) * price.input + tokensCached * price.cached_input + tokensOut * price.output) / 1e6;
}

/** Sets the attempt's billed tokens and cost from its outcome. `generated` = output tokens produced. */
export function bill(att: EngineAttempt, price: Price, generated: number, promptProcessed: boolean): void {
  const req = att.request;
  let billed: boolean;
  switch (att.outcome) {
    case 'ok':
      billed = true;
      break;
    case 'error':
      billed = (att.errorKind === 'truncated' || att.errorKind === 'connection_reset') && generated > 0;
      break;
    case 'timeout':
    case 'hedge_lost':
    case 'aborted':
      billed = promptProcessed;
      break;
    default:
      billed = false;
  }
  if (!billed) {
    att.tokensIn = 0;
    att.tokensCached = 0;
    att.tokensOut = 0;
    att.costUsd = 0;
    return;
  }
  att.tokensIn = req.inputTokens;
  att.tokensCached = req.cachedTokens;
  att.tokensOut = generated;
  att.costUsd = costUsd(price, req.inputTokens, req.cachedTokens, generated);
}
