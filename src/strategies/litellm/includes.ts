/**
 * A LiteLLM proxy config split over several files with a top-level `include:` list
 * (https://docs.litellm.ai/docs/proxy/config_management), merged the way the proxy merges it:
 * - `include` is a list of file paths (the proxy refuses anything else);
 * - a path is resolved next to the file that declares it; a path that only exists next to the
 *   root config is read from there (the proxy's fallback for configs written when every include
 *   was relative to the root), and a path that leaves the root config's folder is refused;
 * - the files are merged in order, the included files' own includes queued after the ones already
 *   pending: per top-level key, two lists are concatenated (model_list, fallbacks, ...) and any
 *   other value replaces the one merged so far (router_settings is replaced whole, not key by key);
 * - a file already merged is not merged again.
 * An include cycle (a file including a file that included it) is refused here: routebench reports
 * it instead of guessing which copy the author meant. Every merged value keeps where it came from,
 * so a problem in an included file names that file, its line, and the path inside it.
 */
import path from 'node:path';
import { isObj, type Obj, type Path } from './config-read.js';

/** A config file: `key` names it for the reader (the root's name as given, an include's absolute path). */
export interface ConfigSource {
  /** Undefined for an inline config (the scenario itself). */
  readonly key: string | undefined;
  /** The path inside that file. */
  readonly path: Path;
}

export interface IncludeIo {
  exists(full: string): boolean;
  /** The parsed file at `full` (absolute); undefined after reporting why it cannot be read. */
  read(full: string, from: ConfigSource): unknown;
  /** How a file is named in messages. */
  show(full: string): string;
}

export interface MergedConfig {
  readonly config: Obj;
  /** The included files merged, absolute, in merge order. */
  readonly files: readonly string[];
  /** Where a path of the merged config comes from. */
  sourceOf(at: Path): ConfigSource;
}

type Origin = { kind: 'whole'; key: string | undefined } | { kind: 'list'; parts: { key: string | undefined; start: number; count: number }[] };

interface Pending {
  entry: string;
  at: ConfigSource;
  /** Files from the root to the one that declares this entry (absolute; the root's may be undefined when inline). */
  chain: (string | undefined)[];
}

/**
 * Merges `root`'s includes. `rootFull`: the root file's absolute path (undefined for an inline
 * config, whose includes are relative to `baseDir`). Returns undefined when an include cannot be
 * read or merged (each reported).
 */
export function mergeIncludes(root: Obj, rootKey: string | undefined, rootFull: string | undefined, baseDir: string, io: IncludeIo, report: (at: ConfigSource, message: string) => void): MergedConfig | undefined {
  const rootDir = rootFull === undefined ? baseDir : path.dirname(rootFull);
  const merged: Obj = {};
  const origins = new Map<string, Origin>();
  const keyOf = new Map<string | undefined, string | undefined>([[rootFull, rootKey]]);
  let failed = false;

  const mergeFile = (o: Obj, key: string | undefined) => {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'include') continue;
      const before = merged[k];
      const origin = origins.get(k);
      if (Array.isArray(v) && Array.isArray(before) && origin?.kind === 'list') {
        origin.parts.push({ key, start: before.length, count: v.length });
        merged[k] = [...before, ...v];
      } else {
        merged[k] = v;
        origins.set(k, Array.isArray(v) ? { kind: 'list', parts: [{ key, start: 0, count: v.length }] } : { kind: 'whole', key });
      }
    }
  };
  const entriesOf = (o: Obj, declaredIn: string | undefined, chain: (string | undefined)[]): Pending[] => {
    const at = (p: Path): ConfigSource => ({ key: keyOf.get(declaredIn), path: p });
    const list = o.include;
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      report(at(['include']), 'include must be a list of file paths (LiteLLM refuses a single path or a mapping): write include: [file.yaml]');
      failed = true;
      return [];
    }
    const out: Pending[] = [];
    list.forEach((e, i) => {
      if (typeof e === 'string' && e.trim() !== '') out.push({ entry: e, at: at(['include', i]), chain });
      else {
        report(at(['include', i]), 'each include entry must be a file path (a string)');
        failed = true;
      }
    });
    return out;
  };

  mergeFile(root, rootKey);
  const queue = entriesOf(root, rootFull, [rootFull]);
  const mergedFiles = new Set<string>(rootFull === undefined ? [] : [rootFull]);
  while (queue.length > 0) {
    const { entry, at, chain } = queue.shift()!;
    const declaredIn = chain[chain.length - 1];
    const declaredDir = declaredIn === undefined ? baseDir : path.dirname(declaredIn);
    const next = path.resolve(declaredDir, entry);
    const fromRoot = path.resolve(rootDir, entry);
    const full = next !== fromRoot && !io.exists(next) && io.exists(fromRoot) ? fromRoot : next;
    const rel = path.relative(rootDir, full);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      report(at, `include "${entry}" is ${io.show(full)}, outside the folder of the root config (${io.show(rootDir)}): the LiteLLM proxy refuses includes that leave it; move the file under that folder`);
      failed = true;
      continue;
    }
    if (chain.includes(full)) {
      const names = [...chain.slice(chain.indexOf(full)), full].map((f) => (f === undefined ? 'the inline config' : io.show(f)));
      report(at, `include cycle: ${names.join(' → ')}; remove one of these includes`);
      failed = true;
      continue;
    }
    if (mergedFiles.has(full)) continue; // already merged (two files include it): the proxy merges it once
    if (!io.exists(full)) {
      report(at, `include "${entry}": no file ${io.show(full)} (an include is read next to the config that declares it)`);
      failed = true;
      continue;
    }
    keyOf.set(full, full);
    const value = io.read(full, at);
    if (value === undefined) {
      failed = true;
      continue;
    }
    if (!isObj(value)) {
      report({ key: full, path: [] }, 'an included config must be a mapping of top-level sections (model_list, router_settings, ...)');
      failed = true;
      continue;
    }
    mergedFiles.add(full);
    mergeFile(value, full);
    queue.push(...entriesOf(value, full, [...chain, full]));
  }
  if (failed) return undefined;
  return {
    config: merged,
    files: [...mergedFiles].filter((f) => f !== rootFull),
    sourceOf(at: Path): ConfigSource {
      const k = at[0];
      const origin = typeof k === 'string' ? origins.get(k) : undefined;
      if (origin === undefined) return { key: rootKey, path: at };
      if (origin.kind === 'whole') return { key: origin.key, path: at };
      const i = at[1];
      if (typeof i !== 'number') return { key: (origin.parts.find((p) => p.key === rootKey) ?? origin.parts[0]!).key, path: at };
      const part = origin.parts.find((p) => i >= p.start && i < p.start + p.count) ?? origin.parts[0]!;
      return { key: part.key, path: [k!, i - part.start, ...at.slice(2)] };
    },
  };
}
