/** The compiled form of a Portkey config: a tree of nodes with inherited settings resolved. */
import type { RequestPredicate } from './query.js';

/** `retry` as one target applies it (inherited wholesale from the nearest node that sets it). */
export interface RetryPlan {
  /** Extra tries after the first (0: none). */
  readonly attempts: number;
  /** Statuses that are retried: `on_status_codes`, else the OSS defaults; empty when attempts is 0. */
  readonly codes: readonly number[];
  readonly useRetryAfter: boolean;
}

export interface LeafNode {
  readonly kind: 'leaf';
  /** Config path in Portkey's own notation, e.g. `targets[0].targets[1]` (`config` for the root). */
  readonly label: string;
  readonly target: number;
  /** `request_timeout` (inherited), in ms. */
  readonly timeoutMs: number | undefined;
  /** `override_params.max_tokens` / `max_completion_tokens` (inherited, the smaller): the output cap. */
  readonly maxOutputTokens: number | undefined;
  readonly retry: RetryPlan;
  /** Send reasons for retry k (index k), e.g. "portkey: retry 2/3 of targets[1]". */
  readonly retrySend: readonly string[];
  /** Cache of reasons that carry a status (leaf-retry.ts). */
  readonly reasons: Map<number, string>;
}

export type GroupMode = 'single' | 'fallback' | 'loadbalance' | 'conditional';

export interface GroupNode {
  readonly kind: GroupMode;
  readonly label: string;
  readonly children: readonly PlanNode[];
  /** fallback: `strategy.on_status_codes`, undefined for "any non-2xx". */
  readonly codes: ReadonlySet<number> | undefined;
  /** loadbalance: weight per child (default 1). */
  readonly weights: readonly number[];
  /** conditional: conditions in order, each naming a child; `defaultChild` -1 when there is none. */
  readonly conditions: readonly { readonly when: RequestPredicate; readonly child: number }[];
  readonly defaultChild: number;
  /** Why each child is entered first (loadbalance pick, conditional match, single, fallback start). */
  readonly enterReason: readonly string[];
  /** conditional: the reason for each condition's match (index) and for the default (last). */
  readonly conditionReason: readonly string[];
}

export type PlanNode = LeafNode | GroupNode;
