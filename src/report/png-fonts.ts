/**
 * The font files resvg may draw a PNG's text with. Apart from render-chart.ts so that code which
 * only asks whether PNGs can be drawn (write-report.ts) does not load vega and resvg: on a run
 * whose charts are drawn in chart workers the main thread never needs them (~30 MB of RSS and
 * ~0.35 s of CPU to load).
 */
import { existsSync } from 'node:fs';

const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
];

/** Font files resvg can use, or none (then PNGs are skipped). */
export function pngFonts(): string[] {
  return FONT_FILES.filter((f) => existsSync(f));
}
