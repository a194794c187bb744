/**
 * Portkey's conditional-routing query language, compiled once into predicates over our requests
 * (gateways.md §2.2 "conditional"; OSS `services/conditionalRouter.ts`). Request tags play the
 * role of `x-portkey-metadata`; the body params routebench knows are `params.model` (the route),
 * `params.max_tokens` (output tokens) and `params.stream`; `url.pathname` is the chat endpoint.
 *
 * Reproduced quirks: keys are read in order and `$or` / `$and` return at once (keys after them
 * are never read); `$regex` returns its own result at once (later operators in the same object
 * are skipped) and tests the value as a string (a missing value is "undefined"); comparisons use
 * parseFloat; a bare value means strict equality; only two-segment keys are read.
 */
import type { PathSegment } from '../../scenario/yaml-source.js';
import type { TrafficRequest } from '../../traffic/traffic-request.js';

export type RequestPredicate = (r: TrafficRequest) => boolean;
export type Report = (path: readonly PathSegment[], message: string) => void;
type Getter = (r: TrafficRequest) => unknown;
/** `final` checks end the evaluation with their own result ($regex). */
type Check = { final: boolean; test: (v: unknown) => boolean };

export const CHAT_PATHNAME = '/v1/chat/completions';
const OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$regex'];
const PARAMS: Record<string, Getter> = { model: (r) => r.route, max_tokens: (r) => r.outputTokens, stream: (r) => r.stream };
const num = (v: unknown) => Number.parseFloat(String(v));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function compileQuery(query: unknown, path: readonly PathSegment[], report: Report): RequestPredicate {
  if (!isObject(query) || Array.isArray(query)) {
    report(path, 'a query is an object, e.g. { "metadata.tier": { "$eq": "pro" } }');
    return () => false;
  }
  const steps: { get: Getter; checks: Check[] }[] = [];
  const entries = Object.entries(query);
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i]!;
    const at = [...path, key];
    if ((key === '$or' || key === '$and') && Array.isArray(value)) {
      const subs = value.map((sub, j) => compileQuery(sub, [...at, j], report));
      for (const [later] of entries.slice(i + 1)) report([...path, later], `never read: the gateway returns at "${key}" and ignores the keys after it (put them inside "${key}")`);
      const prefix = compileSteps(steps);
      return key === '$or' ? (r) => prefix(r) && subs.some((p) => p(r)) : (r) => prefix(r) && subs.every((p) => p(r));
    }
    if (key === '$or' || key === '$and') report(at, `${key} takes an array of queries`);
    const get = getter(key, at, report);
    steps.push({ get, checks: isObject(value) ? compileOperators(value, at, report) : [{ final: false, test: (v) => v === value }] });
  }
  return compileSteps(steps);
}

function compileSteps(steps: readonly { get: Getter; checks: Check[] }[]): RequestPredicate {
  return (r) => {
    for (const { get, checks } of steps) {
      const v = get(r);
      for (const c of checks) {
        if (c.final) return c.test(v);
        if (!c.test(v)) return false;
      }
    }
    return true;
  };
}

function getter(key: string, at: readonly PathSegment[], report: Report): Getter {
  const parts = key.split('.');
  const [root, name] = parts;
  if (parts.length > 2) report(at, `only two-segment keys are read: the gateway reads "${root}.${name}" and ignores the rest`);
  if (root === 'metadata' && name) return (r) => (Object.hasOwn(r.tags, name) ? r.tags[name] : undefined);
  if (root === 'params' && name) {
    const g = PARAMS[name];
    if (!g) report(at, `params.${name} is not in routebench requests; use params.model (route), params.max_tokens (output tokens) or params.stream`);
    return g ?? (() => undefined);
  }
  if (root === 'url' && name === 'pathname') return () => CHAT_PATHNAME;
  report(at, `unknown query key "${key}": use metadata.<tag>, params.model, params.max_tokens, params.stream or url.pathname`);
  return () => undefined;
}

function compileOperators(ops: Record<string, unknown>, at: readonly PathSegment[], report: Report): Check[] {
  if (Array.isArray(ops)) {
    report(at, 'a bare array is not a value: write { "$in": [...] }');
    return [{ final: true, test: () => false }];
  }
  return Object.entries(ops).map(([op, cmp]): Check => {
    const check = (test: (v: unknown) => boolean): Check => ({ final: false, test });
    switch (op) {
      case '$eq': return check((v) => v === cmp);
      case '$ne': return check((v) => v !== cmp);
      case '$gt': return check((v) => num(v) > num(cmp));
      case '$gte': return check((v) => num(v) >= num(cmp));
      case '$lt': return check((v) => num(v) < num(cmp));
      case '$lte': return check((v) => num(v) <= num(cmp));
      case '$in':
      case '$nin': {
        if (!Array.isArray(cmp)) {
          report([...at, op], `${op} takes an array (the gateway never matches anything else)`);
          return check(() => false);
        }
        return op === '$in' ? check((v) => cmp.includes(v)) : check((v) => !cmp.includes(v));
      }
      case '$regex': {
        let re: RegExp | undefined;
        try {
          re = new RegExp(String(cmp));
        } catch (e) {
          report([...at, op], `${(e as Error).message} (the gateway never matches it)`);
        }
        return { final: true, test: (v) => re !== undefined && re.test(String(v)) };
      }
      default:
        report([...at, op], `unsupported operator "${op}": the gateway answers 400 (operators: ${OPERATORS.join(' ')}, $and, $or)`);
        return check(() => false);
    }
  });
}
