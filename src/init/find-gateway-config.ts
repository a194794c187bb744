/**
 * Finds a team's gateway config in their repository for `routebench init`: a Portkey config
 * (JSON with `targets` or `strategy`), a LiteLLM proxy config (YAML with `model_list`) or an
 * OpenRouter provider-routing object (JSON with keys such as `order`, `sort`, `only`), by common
 * file names anywhere in the repository down to four folders deep (a monorepo's
 * apps/api/gateway/), skipping dependencies, builds and hidden folders. A LiteLLM config split with
 * `include` is read merged, and the files it includes are not offered as configs of their own.
 */
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { displayPath, readConfigFileAt } from '../scenario/config-file.js';
import { mergeIncludes } from '../strategies/litellm/includes.js';

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
export function readConfigObject(file: string, kind?: GatewayKind): Record<string, unknown> | undefined {
  const r = readConfig(file, kind);
  return 'object' in r ? r.object : undefined;
}

/**
 * A config file as an object, or why it is not one (unreadable, not JSON/YAML, not an object). A
 * LiteLLM config's `include` files are merged in, as the proxy merges them (`included`: their
 * absolute paths).
 */
export function readConfig(file: string, kind?: GatewayKind): { object: Record<string, unknown>; included?: readonly string[] } | { why: string } {
  const full = path.resolve(file);
  const read = readConfigFileAt(full);
  const bad = read.invalid;
  if (bad !== undefined) return { why: `cannot be read as ${bad.format} (${bad.line !== undefined ? `line ${bad.line}, column ${bad.col ?? 1}: ` : ''}${bad.message})` };
  if (read.error !== undefined) return { why: 'cannot be read' };
  const v = read.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { why: 'is not an object' };
  const o = v as Record<string, unknown>;
  if (kind !== 'litellm' || o.include === undefined) return { object: o };
  const why: string[] = [];
  const io = {
    exists: existsSync,
    read: (f: string) => {
      const r = readConfigFileAt(f);
      if (r.error !== undefined) why.push(r.error);
      return r.value;
    },
    show: displayPath,
  };
  const merged = mergeIncludes(o, full, full, path.dirname(full), io, (at, m) => why.push(`${at.key === undefined ? '' : `${displayPath(at.key)}: `}${m}`));
  return merged ? { object: merged.config, included: merged.files } : { why: `has an include that cannot be merged: ${why[0] ?? 'unknown'}` };
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
  /** Files a LiteLLM config found here includes: parts of that config, not configs of their own. */
  const included = new Set<string>();
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
      const r = readConfig(path.join(root, file), kind);
      if ('object' in r) for (const f of r.included ?? []) included.add(path.relative(root, f).split(path.sep).join('/'));
      if ('object' in r && looksLike(kind, r.object)) found.push({ kind, file, depth });
      else if (NAMES[kind].test(e.name)) passedOver.push({ kind, file, why: 'why' in r ? r.why : notOne(kind, r.object) });
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) visit(path.posix.join(rel, e.name), depth + 1);
  };
  visit('', 0);
  for (let i = passedOver.length - 1; i >= 0; i--) if (included.has(passedOver[i]!.file)) passedOver.splice(i, 1);
  return found
    .filter((f) => !included.has(f.file))
    .sort((a, b) => GATEWAY_KINDS.indexOf(a.kind) - GATEWAY_KINDS.indexOf(b.kind) || a.depth - b.depth || a.file.localeCompare(b.file))
    .map(({ kind, file }) => ({ kind, file }));
}
