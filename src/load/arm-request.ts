/**
 * The one request an arm is loaded with, encoded once in the arm's dialect: a chat completion
 * carrying the routebench marker (so the mock answers with the asked number of tokens, and draws
 * from the asked model's behaviour, even behind a gateway that drops unknown headers or renames the
 * model), plain or streamed. Every request of a sweep is this same
 * request: the mock answers it in about a millisecond, so what varies is the path to it.
 */
import { dialects } from '../providers/dialects/index.js';
import { formatMarker } from '../providers/request-marker.js';
import type { ArmPlan } from './plan-arms.js';

export interface ArmRequest {
  /** scheme://host:port */
  origin: string;
  path: string;
  /** The full URL (for autocannon and messages). */
  url: string;
  headers: Record<string, string>;
  body: string;
  dialect: 'openai' | 'anthropic';
  stream: boolean;
}

export interface RequestShape {
  inputTokens: number;
  outputTokens: number;
  streamOutputTokens: number;
}

export function armRequest(arm: Pick<ArmPlan, 'baseUrl' | 'dialect' | 'model' | 'markerModel' | 'headers'>, shape: RequestShape, stream: boolean, runKey: string): ArmRequest {
  if (!arm.baseUrl) throw new Error('arm has no URL yet');
  const out = stream ? shape.streamOutputTokens : shape.outputTokens;
  // The marker names the arm's model where replay's would (plan-arms.ts): a mock with per-model
  // behaviour then draws that model's timing and price even when a gateway rewrote the body's model.
  const marker = formatMarker({ request: 0, attempt: 0, run: runKey, inputTokens: shape.inputTokens, cachedTokens: 0, outputTokens: out, model: arm.markerModel });
  const enc = dialects[arm.dialect].encodeRequest({ model: arm.model, inputTokens: shape.inputTokens, cachedTokens: 0, maxOutputTokens: out, outputTokens: out, stream, marker });
  // A base URL with or without its /v1: the dialect's path (/v1/chat/completions, /v1/messages) is added.
  const base = new URL(arm.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, ''));
  const path = `${base.pathname.replace(/\/+$/, '')}${enc.path}`;
  return {
    origin: base.origin,
    path,
    url: `${base.origin}${path}`,
    headers: { ...enc.headers, ...arm.headers },
    body: JSON.stringify(enc.body),
    dialect: arm.dialect,
    stream,
  };
}
