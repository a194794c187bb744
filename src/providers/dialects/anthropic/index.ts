/**
 * The Anthropic Messages dialect.
 * @module
 */
import { classify } from '../classify.js';
import type { Dialect } from '../dialect.js';
import { ANTHROPIC_WIRE_KINDS, encodeError } from './encode-error.js';
import { encodeResponse, encodeStream } from './encode-response.js';
import { decodeResponse, encodeRequest } from './map-call.js';
import { createStreamDecoder } from './map-stream.js';

export const anthropic: Dialect = {
  name: 'anthropic',
  wireKinds: ANTHROPIC_WIRE_KINDS,
  encodeRequest,
  decodeResponse,
  createStreamDecoder,
  classifyError: classify,
  encodeResponse,
  encodeStream,
  encodeError,
};
