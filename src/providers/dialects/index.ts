/**
 * The wire dialects, by name (an explicit registry: no registration by import side effect).
 * @module
 */
import type { DialectName } from '../canonical.js';
import { anthropic } from './anthropic/index.js';
import type { Dialect } from './dialect.js';
import { openai } from './openai/index.js';

export const dialects: Readonly<Record<DialectName, Dialect>> = { openai, anthropic };

export type { CallOutcome, CanonicalRequest, Dialect, ErrorClass, MockReply, StreamEvent, StreamPlan, WireResponse, WireStream } from './dialect.js';
export { summarizeStream, type StreamSummary } from './outcome.js';
