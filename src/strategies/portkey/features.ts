/**
 * Config features routebench does not reproduce. Hosted-only ones (gateways.md §2.2: "Hosted-only
 * additions", "Circuit breaker", "Sticky load balancing", semantic "Cache") and guardrails/hooks,
 * which need message bodies our requests do not carry. Each is a located problem unless the
 * strategy option `allow_unsupported: true` is set, in which case it is ignored, as the OSS
 * gateway ignores the hosted-only ones.
 *
 * Accepted without a word: `cache: {mode: simple}` (the OSS cache is off unless the gateway's own
 * conf.json enables it, and replayed requests never repeat), credentials, hosts, vendor fields,
 * `virtual_key` and Model Catalog `@slug` providers (read only as names to map to targets).
 */
import type { PathSegment } from '../../scenario/yaml-source.js';
import type { PortkeyTarget } from './config-schema.js';
import type { Report } from './query.js';

const IGNORE = '; set allow_unsupported: true to ignore it';
const HOOKS = ['before_request_hooks', 'after_request_hooks', 'input_guardrails', 'output_guardrails', 'input_mutators', 'output_mutators'] as const;
const HOSTED_PARAMS = ['default_params', 'drop_params', 'passthrough'] as const;

/** Reports the unsupported features of one config node (not its children). */
export function reportUnsupported(t: PortkeyTarget, path: readonly PathSegment[], report: Report): void {
  const at = (...rest: PathSegment[]) => [...path, ...rest];
  if (t.strategy?.cb_config !== undefined)
    report(at('strategy', 'cb_config'), `strategy.cb_config (circuit breaker) is hosted-only: the OSS gateway has the hook but no breaker, so it is not reproduced; wrap this strategy in routebench's circuit-breaker instead${IGNORE}`);
  if (t.strategy?.sticky !== undefined) report(at('strategy', 'sticky'), `strategy.sticky (sticky load balancing) is hosted-only and not reproduced${IGNORE}`);
  if (t.cache?.mode === 'semantic') report(at('cache', 'mode'), `the semantic cache is hosted-only (enterprise) and not reproduced${IGNORE}`);
  for (const key of HOOKS)
    if (t[key] !== undefined) report(at(key), `${key}: guardrails and hooks are not reproduced (routebench requests carry no message bodies to check)${IGNORE}`);
  for (const key of HOSTED_PARAMS) if (t[key] !== undefined) report(at(key), `${key} is hosted-only (the OSS gateway ignores it) and not reproduced${IGNORE}`);
  if (t.retry?.use_retry_after_headers !== undefined)
    report(
      at('retry', 'use_retry_after_headers'),
      `use_retry_after_headers is the hosted docs' spelling; the OSS gateway reads use_retry_after_header and ignores this one${IGNORE} (as the OSS gateway does)`,
    );
}
