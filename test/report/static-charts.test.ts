/**
 * The static images a report writes next to its HTML (charts/<id>.svg, and .png with `png: true`), checked for
 * content, not just existence: the SVG is parsed for its marks, texts and axes; the PNG is decoded
 * here (chunks, zlib, the five PNG row filters) and must have the SVG's size at 2x and real pixels.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, type WrittenReport } from '../../src/report/write-report.js';
import { pngFonts } from '../../src/report/png-fonts.js';
import { SHIFT_QUANTILES, quantileName } from '../../src/report/latency-shift.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-static-'));
let report: WrittenReport;
const STRATEGIES = ['single', 'fallback', 'hedge'];

beforeAll(async () => {
  const { store, result } = await runYaml(
    twoTargetYaml({
      count: 2500,
      a: '{ profile: flaky }',
      strategies: `  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }\n  hedge: { use: hedge, options: { targets: [a, b] } }`,
      incidents: '[{ kind: outage, targets: [a], start: 30s, duration: 20s }]',
    }),
  );
  report = await writeReport(store, { ...result, traffic: result.trafficDescription }, dir, { resamples: 200, png: true });
  store.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const svg = (id: string) => readFileSync(path.join(report.dir, 'charts', `${id}.svg`), 'utf8');
const texts = (s: string) => [...s.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&#39;/g, "'"));
/** The SVG elements drawn inside the mark groups whose class matches. */
function marks(s: string, cls: RegExp, element = 'path'): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/<g class="([^"]+)"[^>]*>/g)) {
    if (!cls.test(m[1]!)) continue;
    // a mark group's items come before the group closes; vega nests no groups inside symbol/text/rule marks
    const body = s.slice(m.index! + m[0].length, s.indexOf('</g>', m.index!));
    out.push(...[...body.matchAll(new RegExp(`<${element}\\b[^>]*>`, 'g'))].map((x) => x[0]));
  }
  return out;
}

describe('static SVG charts', () => {
  it('shift plot: a dot per strategy and quantile, every quantile and strategy named', () => {
    const s = svg('latency-shift');
    // (symlog panels carry two invisible points each, their margins)
    const dots = marks(s, /^mark-symbol role-mark/).filter((p) => !/opacity="0"/.test(p));
    expect(dots).toHaveLength(2 * SHIFT_QUANTILES.length);
    const t = texts(s);
    for (const q of SHIFT_QUANTILES.map(quantileName)) expect(t).toContain(q);
    for (const name of ['fallback', 'hedge']) expect(t).toContain(name);
    expect(t).not.toContain('single'); // the baseline has no panel of its own
    expect(t.some((x) => x.startsWith('Latency compared with single'))).toBe(true);
  });

  it('cost chart: three points and three labels per panel, axes spanning the tie bands', () => {
    const s = svg('cost-vs-latency');
    expect(marks(s, /^mark-symbol role-mark concat_0/)).toHaveLength(3);
    expect(marks(s, /^mark-symbol role-mark concat_1/)).toHaveLength(3);
    const labels = marks(s, /^mark-text role-mark/, 'text');
    expect(labels).toHaveLength(6);
    for (const name of STRATEGIES) expect(texts(s).filter((x) => x === name)).toHaveLength(2);
    expect(texts(s)).toEqual(expect.arrayContaining(['p95 latency (ms)', 'success rate', 'USD per 1k successful requests']));
    // the spec's domains hold every point and the band around the baseline
    const spec = JSON.parse(readFileSync(path.join(report.dir, 'charts', 'cost-vs-latency.vl.json'), 'utf8'));
    const left = spec.hconcat[0].layer;
    const [lo, hi] = left[3].encoding.x.scale.domain as [number, number];
    for (const p of left[3].data.values) expect(p.x >= lo && p.x <= hi).toBe(true);
    const band = left[0].data.values[0];
    expect(band.x >= lo && band.x2 <= hi).toBe(true);
    expect(band.x2).toBeGreaterThan(band.x);
    // every band stays inside its panel's axes, also the success-rate band next to 100%
    for (const panel of spec.hconcat) {
      const [xl, xh] = panel.layer[3].encoding.x.scale.domain as [number, number];
      const [yl, yh] = panel.layer[3].encoding.y.scale.domain as [number, number];
      for (const b of panel.layer[0].data.values) expect(b.x >= xl && b.x2 <= xh, JSON.stringify(b)).toBe(true);
      for (const b of panel.layer[1].data.values) expect(b.y >= yl && b.y2 <= yh, JSON.stringify(b)).toBe(true);
    }
  });

  it('where the attempts went: one colour per target, with both targets in the legend', () => {
    const s = svg('target-share');
    const fills = new Set(marks(s, /^mark-area role-mark/).map((p) => /fill="([^"]+)"/.exec(p)?.[1]));
    expect(fills.size).toBe(2);
    expect(texts(s)).toEqual(expect.arrayContaining(['a', 'b', 'target']));
  });

  it('every chart has a title and drawn marks', () => {
    for (const id of ['latency-shift', 'cost-vs-latency', 'over-time', 'target-share', 'attempts', 'error-kinds']) {
      const s = svg(id);
      expect(marks(s, /^mark-text role-title-text/, 'text').length, id).toBeGreaterThanOrEqual(1);
      expect(marks(s, /^mark-(symbol|line|area|rect|rule) role-mark/).length + marks(s, /^mark-rule role-mark/, 'line').length, id).toBeGreaterThan(0);
    }
  });
});

/** Decodes a PNG: size, and the RGB(A) bytes of every pixel (filters undone). */
export function decodePng(buf: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      channels = ({ 2: 3, 6: 4 } as Record<number, number>)[data[9]!]!;
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? px[y * stride + x - channels]! : 0;
      const b = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      px[y * stride + x] = (v + [0, a, b, (a + b) >> 1, paeth][f]!) & 0xff;
    }
  }
  return { width, height, channels, pixels: px };
}

describe.skipIf(pngFonts().length === 0)('static PNG charts', () => {
  it('decode at twice the SVG size, with ink on a white ground', () => {
    for (const id of ['latency-shift', 'cost-vs-latency', 'target-share']) {
      const png = decodePng(readFileSync(path.join(report.dir, 'charts', `${id}.png`)));
      const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg(id))!.map(Number) as [number, number, number];
      expect(png.width, id).toBe(2 * w);
      expect(png.height, id).toBe(2 * h);
      let ink = 0;
      const colours = new Set<number>();
      for (let i = 0; i < png.pixels.length; i += png.channels) {
        const [r, g, b] = [png.pixels[i]!, png.pixels[i + 1]!, png.pixels[i + 2]!];
        if (r + g + b < 700) ink++;
        colours.add((r << 16) | (g << 8) | b);
      }
      expect(ink / (png.width * png.height), id).toBeGreaterThan(0.005);
      expect(colours.size, id).toBeGreaterThan(20);
    }
  });
});
