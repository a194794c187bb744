/**
 * The hit log as a ring buffer: the newest `capacity` hits kept in arrival order across many
 * wrap-arounds, the oldest dropped and counted, `since(seq, run)` equal to a plain filter (binary
 * search when seqs arrive in order, a scan when they do not), `clear` starting over.
 */
import { describe, expect, it } from 'vitest';
import { HitLog, type Hit } from '../../../src/providers/mock/hit-log.js';

const hit = (seq: number, run = 'r'): Hit => ({ seq, run, target: 't', repeat: 0, drawIndex: 0, stream: false, status: 200, scenarioMs: 0, plannedMs: 0, firstTokenMs: NaN, tokensPerMs: 0, tokensIn: 0, tokensCached: 0, tokensOut: 0, receivedAt: 0, headers: {} });
const seqs = (hits: Hit[]) => hits.map((h) => h.seq);
const runOf = (seq: number) => (seq % 3 === 0 ? 'a' : 'b');

describe('HitLog ring buffer', () => {
  it('keeps the newest hits in arrival order through many wrap-arounds', () => {
    const log = new HitLog(7);
    const all: Hit[] = [];
    for (let i = 0; i < 40; i++) {
      const h = hit(i, runOf(i));
      all.push(h);
      log.add(h);
      const kept = all.slice(-7);
      expect(log.size).toBe(kept.length);
      expect(log.droppedCount).toBe(all.length - kept.length);
      expect(seqs(log.since())).toEqual(seqs(kept));
    }
    const kept = all.slice(-7);
    for (const from of [0, 32, 33, 35, 39, 40, 100]) {
      expect(seqs(log.since(from)), `since ${from}`).toEqual(seqs(kept.filter((h) => h.seq >= from)));
      expect(seqs(log.since(from, 'a')), `since ${from} run a`).toEqual(seqs(kept.filter((h) => h.seq >= from && h.run === 'a')));
    }
    expect(log.since(0, 'none')).toEqual([]);
  });

  it('equals a plain filter when seqs arrive out of order (and with repeats)', () => {
    const log = new HitLog(5);
    const order = [4, 1, 9, 9, 2, 7, 3, 8];
    for (const s of order) log.add(hit(s, runOf(s)));
    const kept = order.slice(-5);
    expect(seqs(log.since())).toEqual(kept);
    expect(seqs(log.since(3))).toEqual(kept.filter((s) => s >= 3));
    expect(seqs(log.since(3, 'b'))).toEqual(kept.filter((s) => s >= 3 && runOf(s) === 'b'));
  });

  it('with equal seqs in order, since() finds the first of them', () => {
    const log = new HitLog(10);
    for (const s of [1, 2, 2, 2, 3]) log.add(hit(s));
    expect(seqs(log.since(2))).toEqual([2, 2, 2, 3]);
  });

  it('clear() empties the log and keeps the dropped count; it fills again from scratch', () => {
    const log = new HitLog(3);
    for (let i = 0; i < 5; i++) log.add(hit(i));
    log.clear();
    expect([log.size, log.droppedCount, log.since()]).toEqual([0, 2, []]);
    for (let i = 10; i < 14; i++) log.add(hit(i));
    expect([log.size, log.droppedCount, seqs(log.since())]).toEqual([3, 3, [11, 12, 13]]);
    expect(seqs(log.since(12))).toEqual([12, 13]);
  });
});
