/**
 * Finds a team's gateway config in their repository for `routebench init`: a Portkey config
 * (JSON with `targets` or `strategy`), a LiteLLM proxy config (YAML with `model_list`) or an
 * OpenRouter provider-routing object (JSON with keys such as `order`, `sort`, `only`), by common
 * file names anywhere in the repository down to four folders deep (a monorepo's
 * apps/api/gateway/), skipping dependencies, builds and hidden folders.
 */
import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { readConfigFileAt } from '../scenario/config-file.js';

export const GATEWAY_KINDS = ['portkey', 'litellm', 'openrouter'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

export interface FoundConfig {
  kind: GatewayKind;
  /** Path relative to the repository root. */
  file: string;
}

/** How deep under the repository init looks (a monorepo's apps/api/gateway/ is depth 3), and how many folders at most. */
const MAX_DEPTH = 4;
const MAX_FOLDERS = 2000;
/** Folders that hold no config of the team's own: dependencies, builds, caches (and every .hidden one). */
const SKIP = new Set(['node_modules', 'dist', 'build', 'target', 'vendor', 'venv', '__pycache__', 'coverage', 'site-packages', 'results', 'reports']);

/** File-name patterns per kind, most specific first. */
const NAMES: Record<GatewayKind, RegExp> = {
  portkey: /portkey.*\.json$/i,
  litellm: /(litellm.*|proxy_config|proxy-config)\.ya?ml$/i,
  openrouter: /openrouter.*\.json$/i,
};

/** Each kind's product name with its article, for messages. */
export const A_KIND: Record<GatewayKind, string> = { portkey: 'a Portkey', litellm: 'a LiteLLM', openrouter: 'an OpenRouter' };

/** What each kind's config holds, for the message when a file named like one does not. */
export const SHAPE: Record<GatewayKind, string> = {
  portkey: 'expected a JSON object with targets or strategy',
  litellm: 'expected a YAML object with model_list',
  openrouter: 'expected an OpenRouter provider object (order, only, sort, ...)',
};

const OPENROUTER_KEYS = ['order', 'only', 'ignore', 'sort', 'allow_fallbacks', 'max_price', 'preferred_max_latency', 'preferred_min_throughput', 'data_collection', 'require_parameters', 'quantizations'];

/** Reads a config file as an object, or undefined when it is not one. */
export function readConfigObject(file: string): Record<string, unknown> | undefined {
  const r = readConfig(file);
  return 'object' in r ? r.object : undefined;
}

/** A config file as an object, or why it is not one (unreadable, not JSON/YAML, not an object). */
export function readConfig(file: string): { object: Record<string, unknown> } | { why: string } {
  const read = readConfigFileAt(path.resolve(file));
  const bad = read.invalid;
  if (bad !== undefined) return { why: `cannot be read as ${bad.format} (${bad.line !== undefined ? `line ${bad.line}, column ${bad.col ?? 1}: ` : ''}${bad.message})` };
  if (read.error !== undefined) return { why: 'cannot be read' };
  const v = read.value;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { object: v as Record<string, unknown> } : { why: 'is not an object' };
}

/** A file named like a gateway config that init did not use, and why. */
export interface PassedOver {
  kind: GatewayKind;
  file: string;
  why: string;
}

/**
 * Why an object is not a config of that kind. A hosted Portkey app names a saved config by its id
 * (`x-portkey-config: pc-…`, https://portkey.ai/docs/product/ai-gateway/configs): the config
 * itself lives in Portkey, and routebench needs its JSON.
 */
export function notOne(kind: GatewayKind, o: Record<string, unknown>): string {
  const id = kind === 'portkey' ? Object.values(o).find((v): v is string => typeof v === 'string' && /^pc-[\w-]+$/.test(v)) : undefined;
  if (id !== undefined) return `names a saved Portkey config by its id (${id}), not the config itself; copy the config's JSON from the Portkey app (Configs) into the repository`;
  return `does not look like one (${SHAPE[kind]})`;
}

/** Does this object look like a config of that kind? */
export function looksLike(kind: GatewayKind, o: Record<string, unknown>): boolean {
  if (kind === 'portkey') return Array.isArray(o.targets) || (typeof o.strategy === 'object' && o.strategy !== null) || typeof o.provider === 'string';
  if (kind === 'litellm') return Array.isArray(o.model_list);
  // a request body (model, models, provider: {...}) or a provider object (order, only, sort, ...)
  return Array.isArray(o.models) || (typeof o.provider === 'object' && o.provider !== null && !Array.isArray(o.provider)) || OPENROUTER_KEYS.some((k) => k in o);
}

/**
 * Every gateway config found in the repository, in a stable order (kind, then shallowest, then path). Files named
 * like one of a kind (portkey*.json, litellm*.yaml, openrouter*.json; not the generic config.yaml)
 * that are not usable go to `passedOver`, so init can say why it did not use them.
 */
export function findGatewayConfigs(root: string, passedOver: PassedOver[] = []): FoundConfig[] {
  const found: (FoundConfig & { depth: number })[] = [];
  let budget = MAX_FOLDERS;
  const visit = (rel: string, depth: number) => {
    if (budget-- <= 0) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const file = path.posix.join(rel, e.name);
      const kind = GATEWAY_KINDS.find((k) => NAMES[k].test(e.name)) ?? (/^config\.ya?ml$/i.test(e.name) ? 'litellm' : undefined);
      if (!kind) continue;
      const r = readConfig(path.join(root, file));
      if ('object' in r && looksLike(kind, r.object)) found.push({ kind, file, depth });
      else if (NAMES[kind].test(e.name)) passedOver.push({ kind, file, why: 'why' in r ? r.why : notOne(kind, r.object) });
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) visit(path.posix.join(rel, e.name), depth + 1);
  };
  visit('', 0);
  return found
    .sort((a, b) => GATEWAY_KINDS.indexOf(a.kind) - GATEWAY_KINDS.indexOf(b.kind) || a.depth - b.depth || a.file.localeCompare(b.file))
    .map(({ kind, file }) => ({ kind, file }));
}
