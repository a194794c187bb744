/**
 * The loop shared by composite strategies: pick a member (a target or a nested strategy), run
 * it until it stops, then fail over to another member or stop. Strategies differ only in how
 * they pick (`choose`) and whether and on what they fail over.
 */
import { ERROR_KINDS, type ErrorKind } from '../providers/canonical.js';
import { send, stop, type AttemptView, type DecideContext, type Decision, type Member } from './strategy.js';

interface LoopState {
  /** Index of the member in progress, or -1. */
  cur: number;
  /** Bitmask of members already picked for this request. */
  tried: number;
  /** Whether the current target member has been sent. */
  started: boolean;
  /** The reason the current member was picked. */
  why: string;
}

export interface MemberLoopOptions {
  /** Name used in reasons, e.g. "fallback". */
  label: string;
  /** Try another member after the current one fails. */
  failover: boolean;
  /** Fail over only on these kinds (undefined: on every kind). */
  failoverOn?: readonly ErrorKind[];
  /** Per-attempt timeout for target members. */
  timeoutMs?: number;
}

/**
 * Picks the next member among those not yet tried (`tried` is a bitmask), or returns -1.
 * Returns the pick and a human reason.
 */
export type Choose = (ctx: DecideContext, tried: number) => { index: number; why: string } | undefined;

export const MAX_MEMBERS = 30;

/** Is the member usable now (a target member that a wrapper blocked is not)? */
export function memberBlocked(m: Member, ctx: DecideContext): boolean {
  return m.kind === 'target' && ctx.blocked(m.target);
}

export function memberName(m: Member): string {
  return m.kind === 'target' ? m.id : m.label;
}

export function createMemberLoop(members: readonly Member[], slot: number, choose: Choose, opts: MemberLoopOptions): (ctx: DecideContext) => Decision {
  const failoverSet = opts.failoverOn ? new Set<ErrorKind>(opts.failoverOn) : undefined;
  const noFailoverReason = Object.fromEntries(ERROR_KINDS.map((k) => [k, `${opts.label}: no failover on ${k}`])) as Record<ErrorKind, string>;
  const exhausted = `${opts.label}: every member tried or blocked`;
  const single = `${opts.label}: failover disabled`;

  return (ctx) => {
    let st = ctx.state[slot] as LoopState | undefined;
    if (st === undefined) {
      st = { cur: -1, tried: 0, started: false, why: '' };
      ctx.state[slot] = st;
    }
    for (let guard = 0; guard <= members.length + 1; guard++) {
      if (st.cur === -1) {
        if (st.tried !== 0) {
          if (!opts.failover) return stop(single);
          const kind = ctx.last?.errorKind;
          if (kind !== undefined && failoverSet !== undefined && !failoverSet.has(kind)) return stop(noFailoverReason[kind]);
        }
        const pick = choose(ctx, st.tried);
        if (pick === undefined) return stop(exhausted);
        st.cur = pick.index;
        st.tried |= 1 << pick.index;
        st.started = false;
        st.why = pick.why;
      }
      const m = members[st.cur]!;
      if (m.kind === 'target') {
        if (!st.started && !ctx.blocked(m.target)) {
          st.started = true;
          return send(m.target, st.why, opts.timeoutMs);
        }
      } else {
        const d = m.router.decide(ctx);
        if (d.type !== 'stop') return d;
      }
      st.cur = -1;
    }
    return stop(exhausted);
  };
}

/** Runs one member (target or nested strategy) with a per-request restart, for wrappers. */
export interface MemberRunner {
  decide(ctx: DecideContext): Decision;
  /** Forgets this request's progress so the member starts afresh (retry). */
  reset(ctx: DecideContext): void;
  observe?(a: AttemptView, now: number): void;
  name: string;
}

export function memberRunner(m: Member, slot: number, label: string, timeoutMs?: number): MemberRunner {
  if (m.kind === 'router') {
    const [from, to] = m.slots;
    return {
      name: m.label,
      decide: (ctx) => m.router.decide(ctx),
      reset: (ctx) => ctx.state.fill(undefined, from, to),
      observe: m.router.observe ? (a, now) => m.router.observe!(a, now) : undefined,
    };
  }
  const sendReason = `${label}: ${m.id}`;
  const blockedReason = `${label}: ${m.id} blocked`;
  const doneReason = `${label}: ${m.id} tried`;
  return {
    name: m.id,
    decide(ctx) {
      if (ctx.state[slot] === true) return stop(doneReason);
      if (ctx.blocked(m.target)) return stop(blockedReason);
      ctx.state[slot] = true;
      return send(m.target, sendReason, timeoutMs);
    },
    reset: (ctx) => {
      ctx.state[slot] = undefined;
    },
  };
}

/** An observe that forwards every attempt to the nested strategies among `members` (undefined if none). */
export function observeMembers(members: readonly Member[]): ((a: AttemptView, now: number) => void) | undefined {
  const nested = members.flatMap((m) => (m.kind === 'router' && m.router.observe ? [m.router] : []));
  if (nested.length === 0) return undefined;
  return (a, now) => {
    for (const r of nested) r.observe!(a, now);
  };
}
