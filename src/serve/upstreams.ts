/**
 * Where each target of `routebench serve` is reached: one undici `Pool` per origin (keep-alive,
 * shared by the targets behind it, e.g. every target of one mock server), the request path (base
 * path + the dialect's path), the model name to put in the body and fixed headers (auth for live
 * APIs). Built once at startup; nothing here runs per request except the lookup by target index.
 */
import { Pool } from 'undici';
import type { DialectName } from '../providers/canonical.js';
import type { TargetPlan } from '../engine/plan-targets.js';

export interface Upstream {
  readonly target: TargetPlan;
  readonly pool: Pool;
  /** Full request path, e.g. /t/primary/v1/chat/completions. */
  readonly path: string;
  /** The model the body asks for on this target. */
  readonly model: string;
  /** Headers every attempt on this target carries (auth, `anthropic-version`), as a flat [name, value, ...] list. Never logged. */
  readonly headerList: readonly string[];
  /** A real API: its retry-after headers are read as sent, routebench's exact-wait header is ignored. */
  readonly live: boolean;
}

export interface UpstreamSet {
  /** By target index. */
  readonly byTarget: readonly Upstream[];
  close(): Promise<void>;
}

export interface UpstreamSpec {
  /** Base URL of a target, without the dialect path (e.g. http://127.0.0.1:7070/t/primary). */
  baseUrl(target: TargetPlan): string;
  model(target: TargetPlan): string;
  auth?(target: TargetPlan): Record<string, string>;
  live: boolean;
  /** Connections per origin (default 256). */
  connections?: number;
}

export const DIALECT_PATH: Readonly<Record<DialectName, string>> = { openai: '/v1/chat/completions', anthropic: '/v1/messages' };
const ANTHROPIC_VERSION = '2023-06-01';

export function createUpstreams(targets: readonly TargetPlan[], spec: UpstreamSpec): UpstreamSet {
  const pools = new Map<string, Pool>();
  const byTarget = targets.map((target): Upstream => {
    const url = new URL(spec.baseUrl(target));
    let pool = pools.get(url.origin);
    if (!pool) {
      // Timeouts are the strategy's (per attempt, in the driver), so undici's own are off.
      pool = new Pool(url.origin, { connections: spec.connections ?? 256, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, headersTimeout: 0, bodyTimeout: 0 });
      pools.set(url.origin, pool);
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (target.dialect === 'anthropic') headers['anthropic-version'] = ANTHROPIC_VERSION;
    Object.assign(headers, spec.auth?.(target) ?? {});
    return { target, pool, path: `${url.pathname.replace(/\/+$/, '')}${DIALECT_PATH[target.dialect]}`, model: spec.model(target), headerList: Object.entries(headers).flat(), live: spec.live };
  });
  return {
    byTarget,
    close: async () => {
      await Promise.all([...pools.values()].map((p) => p.destroy()));
    },
  };
}
