/**
 * Point labels that never overlap: each label goes to the first free spot around its point, on
 * rings of growing radius (right and up first); a label pushed past the first ring gets a leader
 * line back to its point. "Free" means inside the plot, clear of every other label, every point
 * marker and every leader line drawn so far. If no ring has room, the nearest free spot on a grid
 * over the whole plot is used. Deterministic: same points, texts and sizes, same layout.
 *
 * Works in pixels; the chart converts back to data units through its explicit linear scales.
 * Text widths are estimated from DejaVu Sans advance widths (the report's first font, and the
 * widest of its fallbacks), rounded up, so the real text fits inside the box that was reserved.
 */

export interface LabelInput {
  /** Point centre, pixels from the plot's top-left corner. */
  x: number;
  y: number;
  /** Marker radius, px. */
  r: number;
  text: string;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PlacedLabel {
  /** The text anchor in pixels: (x, y) with `align` horizontally and the middle vertically. */
  x: number;
  y: number;
  align: 'left' | 'right' | 'center';
  box: Box;
  /** Leader line from the marker's edge to the label box, when the label sits away from its point. */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
}

/** DejaVu Sans advance widths in em (from its metrics), grouped; anything else counts as 0.7 em. */
const WIDTHS: [string, number][] = [
  ['iljI.,:;|!\'', 0.32],
  ['ft()[]/\\ -', 0.4],
  ['r', 0.42],
  ['sz', 0.53],
  ['ckvxy_J', 0.6],
  ['abdeghnopqu0123456789$#+=<>?', 0.64],
  ['ABCDEFGHKLNOPQRSTUVXYZ&', 0.78],
  ['mwMW%', 1.0],
];
const WIDTH_OF = new Map(WIDTHS.flatMap(([chars, w]) => [...chars].map((c) => [c, w] as const)));

/** Estimated width of `text` at `fontSize` px, rounded up, with 4% to spare. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const c of text) em += WIDTH_OF.get(c) ?? 0.7;
  return Math.ceil(em * fontSize * 1.04);
}

const PAD = 2;
/** Markers that do not touch (a leader may leave a cluster of touching markers across its neighbours). */
const apart = (a: LabelInput, b: LabelInput) => Math.hypot(a.x - b.x, a.y - b.y) > a.r + b.r + 1;
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 + PAD && b.x0 < a.x1 + PAD && a.y0 < b.y1 + PAD && b.y0 < a.y1 + PAD;

/** Whether the segment (x1,y1)-(x2,y2) passes through box `b` (Liang-Barsky clipping). */
export function segmentHitsBox(s: { x1: number; y1: number; x2: number; y2: number }, b: Box): boolean {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, s.x1 - b.x0],
    [dx, b.x1 - s.x1],
    [-dy, s.y1 - b.y0],
    [dy, b.y1 - s.y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/** Angles in degrees, counter-clockwise from "right": right and up are tried first. */
const ANGLES = [0, 45, 90, 135, 180, -45, -90, -135, 22.5, 67.5, 112.5, 157.5, -22.5, -67.5, -112.5, -157.5];
const RINGS = [3, 12, 24, 40, 60, 85, 115, 150, 190];

function candidate(p: LabelInput, angle: number, gap: number, w: number, h: number): { x: number; y: number; align: PlacedLabel['align']; box: Box } {
  const rad = (angle * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const ax = p.x + (p.r + gap) * cos;
  const ay = p.y - (p.r + gap) * sin;
  const align = cos > 0.35 ? 'left' : cos < -0.35 ? 'right' : 'center';
  const x0 = align === 'left' ? ax : align === 'right' ? ax - w : ax - w / 2;
  const yc = sin > 0.35 ? ay - h / 2 : sin < -0.35 ? ay + h / 2 : ay;
  return { x: ax, y: yc, align, box: { x0, y0: yc - h / 2, x1: x0 + w, y1: yc + h / 2 } };
}

/** The point of box `b` nearest to (x, y). */
const nearestOnBox = (b: Box, x: number, y: number) => ({ x: Math.min(b.x1, Math.max(b.x0, x)), y: Math.min(b.y1, Math.max(b.y0, y)) });

export function placeLabels(points: readonly LabelInput[], area: { width: number; height: number }, fontSize = 11): PlacedLabel[] {
  const h = Math.ceil(fontSize * 1.3);
  const markers: Box[] = points.map((p) => ({ x0: p.x - p.r, y0: p.y - p.r, x1: p.x + p.r, y1: p.y + p.r }));
  const taken: Box[] = [];
  const leaders: NonNullable<PlacedLabel['leader']>[] = [];
  const inside = (b: Box) => b.x0 >= 0 && b.y0 >= 0 && b.x1 <= area.width && b.y1 <= area.height;

  const leaderFor = (p: LabelInput, box: Box) => {
    const n = nearestOnBox(box, p.x, p.y);
    const d = Math.hypot(n.x - p.x, n.y - p.y) || 1;
    return { x1: p.x + ((n.x - p.x) / d) * (p.r + 1), y1: p.y + ((n.y - p.y) / d) * (p.r + 1), x2: n.x, y2: n.y };
  };
  const free = (p: LabelInput, box: Box, leader: PlacedLabel['leader']) =>
    inside(box) &&
    !taken.some((t) => overlaps(t, box)) &&
    !markers.some((m) => overlaps(m, box)) &&
    !leaders.some((l) => segmentHitsBox(l, box)) &&
    (!leader || (!taken.some((t) => segmentHitsBox(leader, t)) && !markers.some((m, j) => apart(points[j]!, p) && segmentHitsBox(leader, m))));

  return points.map((p) => {
    const w = textWidth(p.text, fontSize);
    let placed: PlacedLabel | undefined;
    for (const [ring, gap] of RINGS.entries()) {
      for (const angle of ring === 0 ? ANGLES.slice(0, 8) : ANGLES) {
        const c = candidate(p, angle, gap, w, h);
        const leader = ring >= 1 ? leaderFor(p, c.box) : null;
        if (free(p, c.box, leader)) {
          placed = { ...c, leader };
          break;
        }
      }
      if (placed) break;
    }
    placed ??= gridSpot(p, w, h, area, (box, leader) => free(p, box, leader), leaderFor);
    taken.push(placed.box);
    if (placed.leader) leaders.push(placed.leader);
    return placed;
  });
}

/** The free spot nearest the point on a 4-px grid over the plot; the point's own right side if none. */
function gridSpot(
  p: LabelInput,
  w: number,
  h: number,
  area: { width: number; height: number },
  free: (b: Box, leader: PlacedLabel['leader']) => boolean,
  leaderFor: (p: LabelInput, b: Box) => NonNullable<PlacedLabel['leader']>,
): PlacedLabel {
  let best: PlacedLabel | undefined;
  let bestD = Infinity;
  for (let y0 = 0; y0 + h <= area.height; y0 += 4)
    for (let x0 = 0; x0 + w <= area.width; x0 += 4) {
      const box = { x0, y0, x1: x0 + w, y1: y0 + h };
      const n = nearestOnBox(box, p.x, p.y);
      const d = Math.hypot(n.x - p.x, n.y - p.y);
      if (d >= bestD) continue;
      const leader = leaderFor(p, box);
      if (free(box, leader)) {
        best = { x: x0, y: y0 + h / 2, align: 'left', box, leader };
        bestD = d;
      }
    }
  if (best) return best;
  const box = { x0: p.x + p.r + 3, y0: p.y - h / 2, x1: p.x + p.r + 3 + w, y1: p.y + h / 2 };
  return { x: box.x0, y: p.y, align: 'left', box, leader: null };
}
