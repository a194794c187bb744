/**
 * What the Portkey gateway would see of one of our attempts: the HTTP status its fallback and
 * retry rules compare against `on_status_codes`, whether the failure was a thrown fetch error
 * rather than a response, and the retry-after header it would read.
 *
 * - An HTTP error kind has the status its mock emits for the target's dialect (KIND_STATUS): an
 *   Anthropic overload is 529 (not in the OSS default retry codes), an OpenAI one 503.
 * - `timeout` is the gateway's synthetic 408 (`fetchWithTimeout` answers 408 `timeout_error` when
 *   `request_timeout` expires; gateways.md §2.2 "Timeout"). Any timeout of ours counts as 408.
 * - Kinds with no HTTP status (`connection_reset`, `gateway_blocked`) are fetch errors: the fetch
 *   throws, `async-retry` retries any thrown error whatever `on_status_codes` says, and once the
 *   tries are spent retryHandler.ts answers 500 (not stated in gateways.md; read in
 *   `src/handlers/retryHandler.ts`).
 * - `truncated` and `invalid_response` arrive with HTTP 200: the gateway has already passed the
 *   2xx through, so neither retry nor fallback happens (the request still fails for the caller).
 */
import { DIALECTS, ERROR_KINDS, ErrorKindCode, KIND_STATUS, type DialectName } from '../../providers/canonical.js';
import type { AttemptView, TargetInfo } from '../strategy.js';

export const TIMEOUT_STATUS = 408;
export const FETCH_ERROR_STATUS = 500;
/** OSS `RETRY_STATUS_CODES` (globals.ts); the docs add 529, the code does not (gateways.md §2.2). */
export const DEFAULT_RETRY_CODES: readonly number[] = [429, 500, 502, 503, 504];

/**
 * The wire dialect of a target. TargetInfo does not carry it, but the scenario plan's targets do
 * (`dialect`, defaulting to anthropic for provider anthropic, else openai), so read it when present.
 */
export function dialectOf(t: TargetInfo): DialectName {
  const d = (t as { dialect?: unknown }).dialect;
  if (typeof d === 'string' && (DIALECTS as readonly string[]).includes(d)) return d as DialectName;
  return t.provider === 'anthropic' ? 'anthropic' : 'openai';
}

/** Per target, per ErrorKind code: the status the gateway sees, and whether the fetch threw. */
export interface StatusTable {
  readonly status: readonly Int16Array[];
  readonly thrown: Uint8Array;
  readonly dialect: readonly DialectName[];
}

export function statusTable(targets: readonly TargetInfo[]): StatusTable {
  const dialect = targets.map(dialectOf);
  const thrown = new Uint8Array(ERROR_KINDS.length);
  const status = dialect.map((d) => {
    const row = new Int16Array(ERROR_KINDS.length);
    for (const k of ERROR_KINDS) {
      const s = k === 'timeout' ? TIMEOUT_STATUS : KIND_STATUS[k][d];
      if (s === 0) thrown[ErrorKindCode[k]] = 1;
      row[ErrorKindCode[k]] = s === 0 ? FETCH_ERROR_STATUS : s;
    }
    return row;
  });
  return { status, thrown, dialect };
}

/** The status of a finished attempt as the gateway sees it (200 for a success). */
export function seenStatus(table: StatusTable, a: AttemptView): number {
  if (a.outcome === 'ok') return 200;
  if (a.errorKind === undefined) return a.outcome === 'timeout' ? TIMEOUT_STATUS : FETCH_ERROR_STATUS;
  return table.status[a.target]![ErrorKindCode[a.errorKind]]!;
}

export function seenThrown(table: StatusTable, a: AttemptView): boolean {
  return a.outcome !== 'ok' && a.errorKind !== undefined && table.thrown[ErrorKindCode[a.errorKind]] === 1;
}

/**
 * The retry-after wait in ms the gateway reads from a 429, or 0 when there is none. It probes
 * `retry-after-ms`, `x-ms-retry-after-ms`, then `retry-after` (seconds, parseInt × 1000): OpenAI
 * sends `retry-after-ms`, Anthropic only whole-second `retry-after`, which we round up.
 */
export function retryAfterHeaderMs(table: StatusTable, a: AttemptView): number {
  const ms = a.retryAfterMs;
  if (ms === undefined || !(ms > 0)) return 0;
  return table.dialect[a.target] === 'anthropic' ? Math.ceil(ms / 1000) * 1000 : Math.trunc(ms);
}
