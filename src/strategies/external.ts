/**
 * `external`: the router is a real gateway over HTTP, a black box (a local Portkey or LiteLLM proxy,
 * your own service, `routebench serve`). Each request is sent to it once; the gateway's own
 * upstream attempts (which target, in which order, status and timing) are read back from the
 * routebench mock server's hit log, where the request's marker (header, and in the body for
 * gateways that drop unknown headers) identifies them. It runs only in `routebench replay
 * --transport mock-server` (the gateway's upstreams must be that mock server); `run` skips it and
 * says so. The replay runner (runner/run-external.ts) does the work; `decide` is never consulted.
 */
import { z } from 'zod';
import { gatewayEndpointFields, ONE_URL, oneUrl } from '../transport/gateway-endpoint.js';
import { defineStrategy, stop } from './strategy.js';

export const EXTERNAL = 'external';

/** Why a mode cannot run it. */
export const EXTERNAL_NEEDS = 'an external gateway is not simulated: run it with `routebench replay --transport mock-server` (its upstreams pointed at the mock server)';

export const external = defineStrategy({
  name: EXTERNAL,
  summary: 'a real gateway over HTTP (black box); its upstream attempts are read from the mock server log (replay --transport mock-server)',
  options: z
    .strictObject({
      ...gatewayEndpointFields,
      model: z.string().min(1).optional().meta({ description: 'Model name sent to the gateway (default: the request route, else the first target model).' }),
      timeout_ms: z.number().positive().default(120_000).meta({ description: 'Client-side timeout of a call to the gateway.' }),
    })
    .refine(oneUrl, ONE_URL),
  create() {
    return { decide: () => stop(EXTERNAL_NEEDS) };
  },
});
