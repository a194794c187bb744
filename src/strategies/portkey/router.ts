/**
 * Runs a compiled Portkey config for one request at a time, the way `tryTargetsRecursively` walks
 * it (gateways.md §2.2 "Strategy semantics"): descend from the root to one leaf and send; when the
 * leaf's response is final (after its own retries, leaf-retry.ts), hand its status up the tree.
 * A fallback tries its next target when the status is in `on_status_codes`, or, without codes, on
 * any non-2xx; loadbalance, single and conditional return the status as it is (no failover).
 * A conditional that resolves to nothing throws a RouterError in the gateway: the whole request
 * ends with 400, outer fallbacks included. Targets an outer wrapper blocks are left out of every
 * choice, as the hosted breaker removes open targets; a node with nothing left is skipped.
 */
import type { Rng } from '../../rng.js';
import { stop, type DecideContext, type Decision } from '../strategy.js';
import { leafFailed, leafTimer, resetLeaf, sendLeaf, type LeafState } from './leaf-retry.js';
import type { GroupNode, LeafNode, PlanNode } from './plan.js';
import type { StatusTable } from './status.js';

interface RequestState extends LeafState {
  /** Groups from the root down to the active leaf, and the child chosen in each. */
  groups: GroupNode[];
  child: number[];
  leaf: LeafNode | undefined;
}

const NO_ROUTE = 'portkey: conditional matched no condition and has no default: the gateway answers 400';
const ALL_BLOCKED = 'portkey: every target is blocked';
const FINISHED = 'portkey: request finished';
const ROOT_LEAF = 'portkey: single provider config';
const ok = (s: number) => s >= 200 && s < 300;

export function createPortkeyRouter(root: PlanNode, slot: number, table: StatusTable, rng: Rng): (ctx: DecideContext) => Decision {
  /** Index into g.conditions of the first match, conditions.length for the default, -1 for none. */
  const resolve = (g: GroupNode, ctx: DecideContext): number => {
    for (let i = 0; i < g.conditions.length; i++) if (g.conditions[i]!.when(ctx.request)) return i;
    return g.defaultChild >= 0 ? g.conditions.length : -1;
  };
  const childOf = (g: GroupNode, c: number) => (c < g.conditions.length ? g.conditions[c]!.child : g.defaultChild);
  const available = (n: PlanNode, ctx: DecideContext): boolean => {
    if (n.kind === 'leaf') return !ctx.blocked(n.target);
    if (n.kind === 'conditional') {
      const c = resolve(n, ctx);
      return c < 0 || childOf(n, c) < 0 || available(n.children[childOf(n, c)]!, ctx); // unresolvable: entered, to fail as the gateway does
    }
    if (n.kind === 'single') return n.children.length > 0 && available(n.children[0]!, ctx);
    for (let i = 0; i < n.children.length; i++) if ((n.kind === 'fallback' || n.weights[i]! > 0) && available(n.children[i]!, ctx)) return true;
    return false;
  };
  const nextFallback = (g: GroupNode, after: number, ctx: DecideContext): number => {
    for (let i = after + 1; i < g.children.length; i++) if (available(g.children[i]!, ctx)) return i;
    return -1;
  };
  /** handlerUtils' loadbalance loop: the first child with randomWeight < weight, subtracting as it goes. */
  const weightedPick = (g: GroupNode, ctx: DecideContext): number => {
    let total = 0;
    for (let i = 0; i < g.children.length; i++) if (g.weights[i]! > 0 && available(g.children[i]!, ctx)) total += g.weights[i]!;
    let u = rng.next() * total;
    let last = -1;
    for (let i = 0; i < g.children.length; i++) {
      if (!(g.weights[i]! > 0) || !available(g.children[i]!, ctx)) continue;
      last = i;
      if (u < g.weights[i]!) return i;
      u -= g.weights[i]!;
    }
    return last;
  };

  /** Goes down from `node` to a leaf and sends to it; `why` says how `node` was entered. */
  const descend = (st: RequestState, node: PlanNode, why: string, ctx: DecideContext): Decision => {
    let n = node;
    let reason = why;
    while (n.kind !== 'leaf') {
      let i: number;
      let step: string;
      if (n.kind === 'conditional') {
        const c = resolve(n, ctx);
        if (c < 0 || childOf(n, c) < 0) return stop(NO_ROUTE);
        i = childOf(n, c);
        step = n.conditionReason[c]!;
      } else {
        i = n.kind === 'fallback' ? nextFallback(n, -1, ctx) : n.kind === 'single' ? 0 : weightedPick(n, ctx);
        step = n.enterReason[i]!;
      }
      if (i < 0) return stop(ALL_BLOCKED); // unreachable: only available nodes are entered
      st.groups.push(n);
      st.child.push(i);
      reason = reason === '' ? `portkey: ${step}` : `${reason}; ${step}`;
      n = n.children[i]!;
    }
    st.leaf = n;
    resetLeaf(st);
    return sendLeaf(n, reason === '' ? ROOT_LEAF : reason, ctx);
  };

  /** The active leaf's response is final: hand its status up until a fallback moves on. */
  const bubble = (st: RequestState, ctx: DecideContext): Decision => {
    const status = st.status;
    let why = st.why;
    st.leaf = undefined;
    while (st.groups.length > 0) {
      const g = st.groups[st.groups.length - 1]!;
      const i = st.child[st.child.length - 1]!;
      if (g.kind === 'fallback') {
        const next = g.codes ? g.codes.has(status) : !ok(status);
        const j = next ? nextFallback(g, i, ctx) : -1;
        if (j >= 0) {
          st.child[st.child.length - 1] = j;
          return descend(st, g.children[j]!, `portkey: fallback ${g.children[j]!.label} after ${status}${g.codes ? ' (on_status_codes)' : ''}`, ctx);
        }
        if (next) why = `portkey: fallback ${g.label} exhausted, last status ${status}`;
        else if (g.codes && !ok(status)) why = `portkey: no fallback on ${status} (not in on_status_codes of ${g.label})`;
      } else if (why === '') why = `portkey: ${g.kind} ${g.label} does not fail over (${status})`;
      st.groups.pop();
      st.child.pop();
    }
    return stop(why === '' ? `${ROOT_LEAF} failed (${status})` : why);
  };

  return (ctx) => {
    let st = ctx.state[slot] as RequestState | undefined;
    if (st === undefined) {
      st = { groups: [], child: [], leaf: undefined, retries: 0, budget: 0, zeroed: false, waiting: false, finalWait: false, status: 0, why: '' };
      ctx.state[slot] = st;
      return available(root, ctx) ? descend(st, root, '', ctx) : stop(ALL_BLOCKED);
    }
    const leaf = st.leaf;
    if (leaf === undefined) return stop(FINISHED);
    let d: Decision | undefined;
    if (ctx.trigger === 'timer' && st.waiting) d = leafTimer(st, leaf, ctx);
    else if (ctx.last !== undefined && !st.waiting) d = leafFailed(st, leaf, ctx.last, table, ctx);
    else return stop(FINISHED);
    return d ?? bubble(st, ctx);
  };
}
