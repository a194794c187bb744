/**
 * Where an external gateway listens and what to send it: a base URL (or the environment variable
 * holding one), its dialect, and headers whose values may come from a file (e.g. a Portkey config
 * into `x-portkey-config`) or from the environment (a key). Shared by the `external` strategy and
 * `routebench load`. Resolution reads files and the environment once, before any traffic.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { environmentError, inputError } from '../errors.js';

const headerValue = z.union([
  z.string(),
  z.strictObject({ file: z.string().min(1).meta({ description: 'A file whose content (JSON is minified) is the value, relative to the scenario.' }) }),
  z.strictObject({
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name' }),
    prefix: z.string().optional().meta({ description: 'Text before the value, e.g. "Bearer ".' }),
  }),
]);

/** The fields, for schemas that add their own (the `external` strategy). */
export const gatewayEndpointFields = {
  url: z.url({ message: 'an http(s) URL such as http://127.0.0.1:8787/v1' }).optional().meta({ description: 'Base URL; the dialect path (/chat/completions, /messages) is added.' }),
  url_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name' })
    .optional()
    .meta({ description: 'Environment variable holding the base URL (the arm or strategy is skipped, and says so, when it is unset).' }),
  dialect: z.enum(['openai', 'anthropic']).default('openai'),
  headers: z.record(z.string(), headerValue).default({}).meta({ description: 'Extra request headers: a string, {file}, or {env, prefix}.' }),
};

export const oneUrl = (e: { url?: string; url_env?: string }) => (e.url === undefined) !== (e.url_env === undefined);
export const ONE_URL = { message: 'give exactly one of url or url_env' };

export const gatewayEndpointSchema = z.strictObject(gatewayEndpointFields).refine(oneUrl, ONE_URL);
export type GatewayEndpointSpec = z.output<typeof gatewayEndpointSchema>;

export interface GatewayEndpoint {
  baseUrl: string;
  dialect: 'openai' | 'anthropic';
  headers: Record<string, string>;
  /** Header values that are secrets (from the environment), to scrub from any text that is written. */
  secrets: string[];
}

/**
 * Resolves an endpoint; undefined when it names a URL variable that is unset (the caller skips it
 * and says so). A missing header file or variable is an error naming it.
 */
export function resolveGatewayEndpoint(spec: Pick<GatewayEndpointSpec, 'url' | 'url_env' | 'dialect' | 'headers'>, scenarioDir: string, env: Readonly<Record<string, string | undefined>>): GatewayEndpoint | undefined {
  const baseUrl = spec.url ?? (spec.url_env ? env[spec.url_env] : undefined);
  if (baseUrl === undefined || baseUrl === '') return undefined;
  let protocol: string;
  try {
    protocol = new URL(baseUrl).protocol;
  } catch {
    throw inputError('BAD_GATEWAY_URL', `${spec.url_env ?? 'url'} is not a URL: "${baseUrl}"`, [], 'give a base URL such as http://127.0.0.1:8787/v1');
  }
  // Checked here, not at the first request: the HTTP clients throw on another scheme (an internal error mid-run).
  if (protocol !== 'http:' && protocol !== 'https:')
    throw inputError('BAD_GATEWAY_URL', `${spec.url_env ?? 'url'} must be an http:// or https:// URL, got "${baseUrl}"`, [], 'give a base URL such as http://127.0.0.1:8787/v1');
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, v] of Object.entries(spec.headers)) {
    if (typeof v === 'string') headers[name] = v;
    else if ('file' in v) {
      const file = path.resolve(scenarioDir, v.file);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw environmentError('HEADER_FILE', `header ${name}: cannot read ${file}`, 'paths are relative to the scenario file', e);
      }
      try {
        headers[name] = JSON.stringify(JSON.parse(text));
      } catch {
        headers[name] = text.trim();
      }
    } else {
      const value = env[v.env];
      if (value === undefined || value === '') throw environmentError('MISSING_KEY', `header ${name}: environment variable ${v.env} is not set`, `export ${v.env}=… before running`);
      headers[name] = `${v.prefix ?? ''}${value}`;
      secrets.push(value);
    }
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ''), dialect: spec.dialect, headers, secrets };
}
