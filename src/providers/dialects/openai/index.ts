/**
 * The OpenAI Chat Completions dialect (also Azure OpenAI and the OpenAI-compatible gateways).
 * @module
 */
import { classify } from '../classify.js';
import type { Dialect } from '../dialect.js';
import { encodeError, OPENAI_WIRE_KINDS } from './encode-error.js';
import { encodeResponse, encodeStream } from './encode-response.js';
import { decodeResponse, encodeRequest } from './map-call.js';
import { createStreamDecoder } from './map-stream.js';

export const openai: Dialect = {
  name: 'openai',
  wireKinds: OPENAI_WIRE_KINDS,
  encodeRequest,
  decodeResponse,
  createStreamDecoder,
  classifyError: classify,
  encodeResponse,
  encodeStream,
  encodeError,
};
