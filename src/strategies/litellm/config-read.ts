/**
 * Small readers for a LiteLLM config as users write it (YAML mappings, seconds as numbers): each
 * bad value becomes a located problem (`report(path, message)`) instead of an exception, so
 * `routebench validate` lists every mistake at once.
 */
import { nearest, unknownNameMessage } from '../../scenario/suggest.js';
import type { PathSegment } from '../../scenario/yaml-source.js';

export type Path = readonly PathSegment[];
export type Report = (path: Path, message: string) => void;
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A group → groups table (`fallbacks`, `context_window_fallbacks`, ...): exact keys, and `"*"`. */
export interface FallbackTable {
  readonly exact: ReadonlyMap<string, readonly string[]>;
  /** The last `"*"` entry (default_fallbacks are appended as one). */
  star: readonly string[] | undefined;
}

/** A group name the config refers to, checked once every group is known. */
export interface GroupRef {
  readonly name: string;
  readonly path: Path;
  readonly what: string;
}

export class ConfigReader {
  readonly refs: GroupRef[] = [];

  constructor(readonly report: Report, private readonly allowUnsupported: boolean) {}

  obj(v: unknown, path: Path, what: string): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (isObj(v)) return v;
    this.report(path, `${what} must be a mapping`);
    return undefined;
  }

  num(v: unknown, path: Path, what: string, o: { min?: number; positive?: boolean; int?: boolean } = {}): number | undefined {
    if (v === undefined || v === null) return undefined;
    // The proxy resolves `os.environ/NAME` values from its environment when it loads the config
    // (https://docs.litellm.ai/docs/proxy/configs): so does the replay, from the one it runs in.
    if (typeof v === 'string' && v.startsWith('os.environ/')) {
      const name = v.slice('os.environ/'.length);
      const value = process.env[name];
      if (value === undefined || value.trim() === '' || !Number.isFinite(Number(value)))
        return this.bad(path, `${what} is ${v}, and ${name} is ${value === undefined ? 'not set' : `"${value}", not a number`} here: set ${name} where routebench runs, as the proxy has it`);
      v = Number(value);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.bad(path, `${what} must be a number`);
    if (o.int && !Number.isInteger(v)) return this.bad(path, `${what} must be a whole number`);
    if (o.positive && !(v > 0)) return this.bad(path, `${what} must be greater than 0`);
    if (o.min !== undefined && v < o.min) return this.bad(path, `${what} must be ≥ ${o.min}`);
    return v;
  }

  /** Seconds (LiteLLM's unit) as milliseconds. */
  seconds(v: unknown, path: Path, what: string, o: { positive?: boolean } = {}): number | undefined {
    const s = this.num(v, path, `${what} (seconds)`, { min: 0, positive: o.positive });
    return s === undefined ? undefined : s * 1000;
  }

  str(v: unknown, path: Path, what: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number') return String(v);
    return this.bad(path, `${what} must be a non-empty string`);
  }

  bool(v: unknown, path: Path, what: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    return this.bad(path, `${what} must be true or false`);
  }

  /** A feature LiteLLM has and routebench does not reproduce: a problem, or ignored under allow_unsupported. */
  unsupported(path: Path, message: string): void {
    if (!this.allowUnsupported) this.report(path, `${message}; remove it, or set the strategy option allow_unsupported: true to ignore it`);
  }

  private bad(path: Path, message: string): undefined {
    this.report(path, message);
    return undefined;
  }

  /**
   * Checks a section's keys. Unsupported keys are refused (unless allow_unsupported); unknown keys
   * are problems, except in `lenient` sections (litellm_settings, litellm_params, model_info accept
   * arbitrary module or provider settings), where only likely typos of known keys are.
   */
  keys(o: Obj, path: Path, section: string, known: readonly string[], inert: readonly string[], unsupported: Readonly<Record<string, string>>, lenient = false): void {
    for (const k of Object.keys(o)) {
      if (known.includes(k) || inert.includes(k)) continue;
      const what = unsupported[k];
      // `enable_tag_filtering: false`, `cache: false`: the feature is off, so there is nothing to reproduce
      if (what !== undefined && (o[k] === false || o[k] === null)) continue;
      if (what !== undefined) {
        if (!this.allowUnsupported)
          this.report([...path, k], `LiteLLM accepts ${section}.${k}, but routebench does not reproduce ${what}; remove it, or set the strategy option allow_unsupported: true to ignore it`);
        continue;
      }
      if (!lenient) {
        const all = [...known, ...inert, ...Object.keys(unsupported)];
        // A key with no near known one is likely from a newer LiteLLM release: it can be ignored on
        // request, as unsupported keys are; a likely typo (did you mean) stays an error.
        if (nearest(k, all) !== undefined) this.report([...path, k], unknownNameMessage(`${section} key`, k, all));
        else if (!this.allowUnsupported)
          this.report([...path, k], `unknown ${section} key "${k}": routebench does not know what it does (a newer LiteLLM setting?); check it, or set the strategy option allow_unsupported: true to ignore it`);
      } else {
        const guess = nearest(k, known);
        if (guess !== undefined) this.report([...path, k], `unknown ${section} key "${k}"; did you mean "${guess}"?`);
      }
    }
  }

  /** `[{"gpt-4o": ["claude", "mini"]}, ...]`; LiteLLM reads only the first key of each entry. */
  fallbacks(v: unknown, path: Path, what: string): FallbackTable | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return this.bad(path, `${what} must be a list of {group: [fallback groups]} entries`);
    const exact = new Map<string, string[]>();
    const table: FallbackTable = { exact, star: undefined };
    v.forEach((item, i) => {
      if (!isObj(item)) return this.report([...path, i], `${what}[${i}] must be a mapping {group: [fallback groups]}`);
      const keys = Object.keys(item);
      if (keys.length === 0) return this.report([...path, i], `${what}[${i}] is empty`);
      if (keys.length > 1)
        this.report([...path, i, keys[1]!], `LiteLLM reads only the first group of each ${what} entry ("${keys[0]}"); give "${keys[1]}" its own entry`);
      const key = keys[0]!;
      const list = this.groupList(item[key], [...path, i, key], `${what} of ${key}`);
      if (list === undefined) return;
      if (key === '*') table.star = list;
      else {
        this.refs.push({ name: key, path: [...path, i, key], what: `${what} entry` });
        if (!exact.has(key)) exact.set(key, list);
      }
    });
    // `fallbacks: []` is falsy in Python: LiteLLM treats it as not configured.
    return exact.size === 0 && table.star === undefined ? undefined : table;
  }

  /** A list of group names, each checked later against model_list. */
  groupList(v: unknown, path: Path, what: string): string[] | undefined {
    if (!Array.isArray(v) || v.some((g) => typeof g !== 'string')) return this.bad(path, `${what} must be a list of model group names`);
    const list = v as string[];
    list.forEach((g, j) => this.refs.push({ name: g, path: [...path, j], what: 'fallback' }));
    return list;
  }

  /** A retry or allowed-fails policy: known keys → whole numbers ≥ 0. */
  policy(v: unknown, path: Path, what: string, keys: readonly string[]): Record<string, number> | undefined {
    const o = this.obj(v, path, what);
    if (o === undefined) return undefined;
    this.keys(o, path, what, keys, [], {});
    const out: Record<string, number> = {};
    for (const k of keys) {
      const n = this.num(o[k], [...path, k], k, { min: 0, int: true });
      if (n !== undefined) out[k] = n;
    }
    return out;
  }
}
