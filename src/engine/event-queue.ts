/**
 * The discrete-event queue behind the virtual clock: a binary min-heap over typed arrays,
 * ordered by (time, sequence) so events at the same time pop in the order they were pushed.
 * Payloads are two integers (an event kind and a reference); no object per event.
 */

export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private kind: Uint8Array;
  private ref: Int32Array;
  private n = 0;
  private counter = 0;

  /** Fields of the last popped event. */
  popTime = 0;
  popKind = 0;
  popRef = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.ref = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.time[0]! : Infinity;
  }

  push(time: number, kind: number, ref: number): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const s = this.counter++;
    const T = this.time;
    const S = this.seq;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p]!;
      if (pt < time || (pt === time && S[p]! < s)) break;
      T[i] = pt;
      S[i] = S[p]!;
      this.kind[i] = this.kind[p]!;
      this.ref[i] = this.ref[p]!;
      i = p;
    }
    T[i] = time;
    S[i] = s;
    this.kind[i] = kind;
    this.ref[i] = ref;
  }

  /** Removes the earliest event into popTime/popKind/popRef. Returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const T = this.time;
    const S = this.seq;
    const K = this.kind;
    const R = this.ref;
    this.popTime = T[0]!;
    this.popKind = K[0]!;
    this.popRef = R[0]!;
    const last = --this.n;
    if (last === 0) return true;
    const t = T[last]!;
    const s = S[last]!;
    const k = K[last]!;
    const r = R[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const c2 = c + 1;
      if (c2 < last && (T[c2]! < T[c]! || (T[c2] === T[c] && S[c2]! < S[c]!))) c = c2;
      if (t < T[c]! || (t === T[c] && s < S[c]!)) break;
      T[i] = T[c]!;
      S[i] = S[c]!;
      K[i] = K[c]!;
      R[i] = R[c]!;
      i = c;
    }
    T[i] = t;
    S[i] = s;
    K[i] = k;
    R[i] = r;
    return true;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    const s = new Float64Array(cap);
    s.set(this.seq);
    const k = new Uint8Array(cap);
    k.set(this.kind);
    const r = new Int32Array(cap);
    r.set(this.ref);
    this.time = t;
    this.seq = s;
    this.kind = k;
    this.ref = r;
  }
}
