/**
 * Label placement: in crowded layouts no label box overlaps another label or any marker, every box
 * stays inside the plot, no leader line runs through a label, and the layout is deterministic.
 * Overlap is checked here with its own rectangle test, not the module's.
 */
import { describe, expect, it } from 'vitest';
import { placeLabels, segmentHitsBox, textWidth, type PlacedLabel } from '../../src/report/charts/label-placement.js';
import { Rng } from '../../src/rng.js';

const W = 410;
const H = 300;
const intersects = (a: PlacedLabel['box'], b: PlacedLabel['box']) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

function check(points: { x: number; y: number; r: number; text: string }[]) {
  const placed = placeLabels(points, { width: W, height: H });
  expect(placed).toHaveLength(points.length);
  placed.forEach((l, i) => {
    expect(l.box.x0, `label ${i} inside`).toBeGreaterThanOrEqual(0);
    expect(l.box.y0).toBeGreaterThanOrEqual(0);
    expect(l.box.x1).toBeLessThanOrEqual(W);
    expect(l.box.y1).toBeLessThanOrEqual(H);
    expect(l.box.x1 - l.box.x0).toBeGreaterThanOrEqual(textWidth(points[i]!.text, 11));
    for (let j = 0; j < i; j++) expect(intersects(l.box, placed[j]!.box), `labels ${j} and ${i} overlap`).toBe(false);
    for (const p of points) expect(intersects(l.box, { x0: p.x - p.r, y0: p.y - p.r, x1: p.x + p.r, y1: p.y + p.r }), `label ${i} covers a marker`).toBe(false);
    for (const [j, o] of placed.entries()) if (o.leader && j !== i) expect(segmentHitsBox(o.leader, l.box), `leader ${j} crosses label ${i}`).toBe(false);
  });
  return placed;
}

describe('placeLabels', () => {
  it('keeps six strategies at nearly the same spot apart (the gateway-shootout cluster)', () => {
    const names = ['direct-fallback', 'openrouter', 'openrouter-bypass', 'portkey', 'litellm', 'litellm-budget'];
    const points = names.map((text, i) => ({ x: 300 + (i % 3) * 4, y: 250 + Math.floor(i / 3) * 3, r: 6, text }));
    const placed = check(points);
    // labels pushed away from their point get a leader line back to it
    expect(placed.filter((l) => l.leader).length).toBeGreaterThan(0);
  });

  it('places 20 random points with long names without any overlap, identically twice', () => {
    const rng = new Rng(42);
    const points = Array.from({ length: 20 }, (_, i) => ({ x: 20 + rng.next() * (W - 40), y: 20 + rng.next() * (H - 40), r: 6, text: `strategy-${i}-${'x'.repeat(i % 7)}` }));
    const a = check(points);
    expect(placeLabels(points, { width: W, height: H })).toEqual(a);
  });

  it('puts a lone label right next to its point, without a leader', () => {
    const [l] = check([{ x: 100, y: 100, r: 6, text: 'fallback' }]);
    expect(l!.leader).toBeNull();
    expect(l!.align).toBe('left');
    expect(l!.box.x0 - 106).toBeLessThan(5);
  });

  it('estimates DejaVu Sans widths: wide letters wider than narrow ones, proportional to size', () => {
    expect(textWidth('mmmm', 11)).toBeGreaterThan(textWidth('iiii', 11) * 2.5);
    expect(textWidth('openrouter', 22)).toBeGreaterThanOrEqual(2 * textWidth('openrouter', 11) - 1);
  });
});
