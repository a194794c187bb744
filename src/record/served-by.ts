/**
 * Who served a recorded call and under which request id, from what the answer says about itself:
 * `x-routebench-target` (routebench serve), `x-portkey-provider` (Portkey), `x-litellm-model-id`
 * (LiteLLM proxy), the `provider` field of an OpenRouter completion; the request id from
 * `x-request-id` (OpenAI), `request-id` (Anthropic) or the body's `id` (the answer's JSON, parsed once by the relay). Undefined when the answer
 * does not say: the recorder then names the upstream. `x-routebench-attempts` gives the number of
 * upstream attempts behind the call.
 */
import type { IncomingHttpHeaders } from 'node:http';

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v === '' ? undefined : v);

export function servedBy(headers: IncomingHttpHeaders, jsonBody: unknown): { target?: string; requestId?: string; attempts?: number } {
  let target = first(headers['x-routebench-target']) ?? first(headers['x-portkey-provider']) ?? first(headers['x-litellm-model-id']);
  let requestId = first(headers['x-request-id']) ?? first(headers['request-id']);
  if (jsonBody !== null && typeof jsonBody === 'object' && !Array.isArray(jsonBody)) {
    const body = jsonBody as { provider?: unknown; id?: unknown };
    if (target === undefined && typeof body.provider === 'string') target = body.provider;
    if (requestId === undefined && typeof body.id === 'string') requestId = body.id;
  }
  // routebench serve says how many upstream attempts a call took (failovers are then visible in the trace).
  const attempts = Number(first(headers['x-routebench-attempts']));
  return Number.isInteger(attempts) && attempts > 0 ? { target, requestId, attempts } : { target, requestId };
}
